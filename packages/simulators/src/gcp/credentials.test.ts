import { generateKeyPairSync } from 'node:crypto';
import { v2 } from '@google-cloud/logging';
import { JWT } from 'google-auth-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientOptions } from './clients.fixture.ts';
import { type GcpSimulator, startGcpSimulator } from './server.ts';

let sim: GcpSimulator;
let config: InstanceType<typeof v2.ConfigServiceV2Client>;
beforeAll(async () => {
  sim = await startGcpSimulator({ tenants: [{ name: 'acme', gcp: { projects: [{ projectId: 'acme-prod' }] } }] });
  config = new v2.ConfigServiceV2Client(clientOptions(sim));
});
afterAll(async () => {
  await config.close();
  await sim.close();
});

/** The header Google's library makes for a service account: a JWT the key signs itself. */
async function bearer(privateKey: string, email = sim.serviceAccountKey.client_email): Promise<string> {
  const jwt = new JWT({ email, key: privateKey, scopes: ['https://www.googleapis.com/auth/cloud-platform.read-only'] });
  jwt.useJWTAccessWithScope = true;
  return (await jwt.getRequestHeaders()).get('authorization') ?? '';
}

const listSinks = (authorization: string) =>
  config.listSinks({ parent: 'projects/acme-prod' }, { otherArgs: { headers: { authorization } } });

describe('credentials, through @google-cloud/logging’s v2 client', () => {
  it('serves a JWT signed by the key it handed out', async () => {
    const [sinks] = await listSinks(await bearer(sim.serviceAccountKey.private_key));
    expect(sinks.map((s: { name: string }) => s.name)).toEqual(['_Default', '_Required']);
  });

  it('refuses another key, another account, an expired token and a token that is no JWT: UNAUTHENTICATED (16)', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    const expired = (await bearer(sim.serviceAccountKey.private_key)).replace(/^Bearer /, '').split('.');
    const claims = { ...JSON.parse(Buffer.from(expired[1]!, 'base64url').toString()), exp: 1 };
    const tampered = `Bearer ${expired[0]}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${expired[2]}`;
    for (const authorization of [
      await bearer(other.toString()),
      await bearer(sim.serviceAccountKey.private_key, 'someone@else.iam.gserviceaccount.com'),
      tampered,
      'Bearer ya29.guessed',
    ]) {
      await expect(listSinks(authorization)).rejects.toMatchObject({
        code: 16,
        details: expect.stringMatching(/invalid authentication credentials/),
      });
    }
  });
});
