import { describe, expect, it } from 'vitest';
import { createContext } from './context.ts';
import { asConnectorError, ConnectorError } from './errors.ts';
import { MAX_PROVIDER_TEXT, redactProviderText } from './redact.ts';
import { requiresSecretAgain } from './secret-again.ts';
import { CollectionSession } from './session.ts';

const CREDENTIALS = [
  'ghp_0123456789abcdefghijABCDEFGHIJ012345',
  'github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz',
  'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlLXZhbHVl',
  'Q~8aB.cD-eF_gH1iJ2kL3mN4oP5qR6sT7uV8wX9yZ0',
  '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----',
];

describe('provider text copied into gaps', () => {
  it('loses anything shaped like a credential and is capped', async () => {
    const body = `AADSTS7000215: Invalid client secret provided. client_secret=${CREDENTIALS[3]} authorization: Bearer ${CREDENTIALS[2]} token ${CREDENTIALS[0]} ${CREDENTIALS[1]} "private_key": "${CREDENTIALS[4]!.replaceAll('\n', '\\n')}" ${CREDENTIALS[4]} https://admin:hunter22@sim.example/ ${'x'.repeat(5000)}`;
    const session = new CollectionSession(createContext({ connection: 'c', config: {}, secret: {} }), 'entra');
    const out: unknown[] = [];
    for await (const f of session.section({ phase: 'p', source: 's', covers: ['identity'] }, async () => {
      throw new Error(body);
    }))
      out.push(f);
    const [gap] = out;
    const text = JSON.stringify(gap);
    for (const secret of [...CREDENTIALS, 'hunter22', 'MIIEvQIBADAN']) expect(text).not.toContain(secret);
    expect(text).toContain('AADSTS7000215: Invalid client secret provided.');
    expect((gap as { message: string }).message.length).toBeLessThanOrEqual(MAX_PROVIDER_TEXT);
  });

  it('is redacted in every ConnectorError, whoever builds it', () => {
    expect(new ConnectorError('auth_failed', `Bad credentials ${CREDENTIALS[0]}`).message).toBe(
      'Bad credentials [redacted token]',
    );
    expect(asConnectorError(new Error(`token=${CREDENTIALS[3]}`)).message).toBe('token=[redacted]');
    expect(redactProviderText('Insufficient privileges to complete the operation.')).toBe(
      'Insufficient privileges to complete the operation.',
    );
  });
});

describe('requiresSecretAgain', () => {
  it('asks for the secret when the endpoints or the identity change, not for a display setting', () => {
    const gh = { org: 'contoso', mspLogins: ['a'] };
    expect(requiresSecretAgain('github', gh, { ...gh, mspLogins: ['a', 'b'] })).toBe(false);
    expect(requiresSecretAgain('github', gh, { ...gh, org: 'fabrikam' })).toBe(true);
    expect(requiresSecretAgain('github', gh, { ...gh, endpoints: { api: 'https://evil.example' } })).toBe(true);
    const entra = { tenantId: 't', clientId: 'c', breakGlass: [] };
    expect(requiresSecretAgain('entra', entra, { ...entra, tenantId: 'other' })).toBe(true);
    expect(requiresSecretAgain('entra', entra, { ...entra, breakGlass: ['bg@x'] })).toBe(false);
    const gcp = { resources: ['projects/p'] };
    expect(requiresSecretAgain('gcp-logging', gcp, { resources: ['projects/p', 'projects/q'] })).toBe(true);
    expect(requiresSecretAgain('unknown', {}, {})).toBe(true);
  });
});
