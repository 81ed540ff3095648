import { DEFAULT_CONNECTORS } from '@evident/pipeline/connectors';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { type JsonSchema, SchemaForm, titleAt, toPayload } from './schema-form.tsx';

/** The schemas as `connections.kinds` sends them. */
const schemaOf = (kind: keyof typeof DEFAULT_CONNECTORS, part: 'config' | 'secret') =>
  DEFAULT_CONNECTORS[kind][part].toJSONSchema({ io: 'input', unrepresentable: 'any' }) as JsonSchema;

const render = (schema: JsonSchema, showEndpoints: boolean, secret = false) =>
  renderToStaticMarkup(
    createElement(SchemaForm, { schema, values: {}, onChange() {}, legend: 'Settings', showEndpoints, secret }),
  );

describe('the connection form as generated from the connectors’ schemas', () => {
  it('offers endpoint overrides only where the deployment allows them', () => {
    for (const kind of ['entra', 'github', 'gcp-logging'] as const) {
      const schema = schemaOf(kind, 'config');
      expect(render(schema, false)).not.toContain('Service endpoints');
      expect(render(schema, true)).toContain('Service endpoints');
    }
  });

  it('labels every field with its title, never its key', () => {
    const html = render(schemaOf('entra', 'config'), true) + render(schemaOf('gcp-logging', 'secret'), true, true);
    expect(html).toContain('Tenant ID');
    expect(html).toContain('Azure Resource Manager');
    for (const raw of ['Msp Domains', '>Arm', 'Client_email', 'Service Account Key']) expect(html).not.toContain(raw);
    expect(html).toMatch(/<textarea[^>]*id="[^"]*serviceAccountKey"/);
  });

  it('sends lists one per line, a pasted key as text, and leaves blanks out', () => {
    const gcp = toPayload(schemaOf('gcp-logging', 'config'), {
      resources: 'projects/a\n\n projects/b ',
      endpoints: { logging: '', insecure: false },
    });
    expect(gcp).toEqual({ resources: ['projects/a', 'projects/b'] });
    const key = '{\n  "client_email": "a@b.example"\n}';
    expect(toPayload(schemaOf('gcp-logging', 'secret'), { serviceAccountKey: key })).toEqual({
      serviceAccountKey: key,
    });
    const app = toPayload(schemaOf('github', 'secret'), {
      kind: 'app',
      appId: '12',
      installationId: '',
      privateKey: 'k',
    });
    expect(app).toEqual({ kind: 'app', appId: 12, privateKey: 'k' });
  });

  it('finds the title of a refused field, in a union’s variants too', () => {
    expect(titleAt(schemaOf('github', 'secret'), ['privateKey'])).toBe('Private key');
    expect(titleAt(schemaOf('github', 'config'), ['endpoints', 'api'])).toBe('REST API');
  });

  it('makes a provider account’s form from its own schemas: PEMs as text areas, fixed values never asked', () => {
    const account = (kind: 'entra' | 'github', part: 'config' | 'secret') =>
      DEFAULT_CONNECTORS[kind].account![part].toJSONSchema({ io: 'input', unrepresentable: 'any' }) as JsonSchema;
    const github = render(account('github', 'secret'), true, true);
    expect(github).toContain('App ID');
    expect(github).toMatch(/<textarea[^>]*id="[^"]*privateKey"/);
    expect(github).not.toMatch(/>Kind|Private Key|App Id/);
    expect(toPayload(account('github', 'secret'), { appId: '7', privateKey: 'k' })).toEqual({
      kind: 'app',
      appId: 7,
      privateKey: 'k',
    });
    const entra = render(account('entra', 'secret'), true, true) + render(account('entra', 'config'), true);
    expect(entra).toContain('>Client secret</option>');
    expect(entra).toContain('>Certificate (recommended)</option>');
    expect(entra).toContain('Partner tenant ID');
    expect(entra).not.toMatch(/>clientSecret</);
  });
});
