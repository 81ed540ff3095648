import { generateKeyPairSync } from 'node:crypto';
import { egressPolicy } from '@evident/connector-kit';
import { startGcpSimulator } from '@evident/simulators/gcp';
import { JWT, PassThroughClient } from 'google-auth-library';
import { describe, expect, it } from 'vitest';
import { createClients } from './clients.ts';

const key = {
  client_email: 'evident-reader@evident-msp.iam.gserviceaccount.com',
  private_key: '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n',
  private_key_id: 'abc123',
};

describe('createClients', () => {
  it('builds every client on a JWT from the key, read-only, never on Application Default Credentials', async () => {
    const clients = await createClients({ resources: ['projects/acme-prod'] }, { serviceAccountKey: key });
    try {
      for (const client of [
        clients.logging,
        clients.entries,
        clients.projects,
        clients.folders,
        clients.organizations,
      ]) {
        const auth = await client.auth.getClient();
        expect(auth).toBeInstanceOf(JWT);
        expect(auth).toMatchObject({
          email: key.client_email,
          keyId: 'abc123',
          scopes: ['https://www.googleapis.com/auth/cloud-platform.read-only'],
        });
      }
    } finally {
      await clients.close();
    }
  });

  it('gives gax no credentials on an insecure simulator channel; a key signs its own JWT, never fetched', async () => {
    const config = { resources: ['projects/acme-prod'], endpoints: { logging: '127.0.0.1:1', insecure: true } };
    const bare = await createClients(config, {});
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const real = { ...key, private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
    const keyed = await createClients(config, { serviceAccountKey: real });
    try {
      for (const clients of [bare, keyed]) {
        expect(await clients.logging.auth.getClient()).toBeInstanceOf(PassThroughClient);
        expect(await clients.entries.auth.getClient()).toBeInstanceOf(PassThroughClient);
        expect(await clients.projects.auth.getClient()).toBeInstanceOf(PassThroughClient);
      }
      expect(bare.headers).toEqual({});
      const [, payload] = (keyed.headers.authorization ?? '').replace(/^Bearer /, '').split('.');
      expect(JSON.parse(Buffer.from(payload ?? '', 'base64url').toString())).toMatchObject({
        iss: key.client_email,
        scope: 'https://www.googleapis.com/auth/cloud-platform.read-only',
      });
    } finally {
      await Promise.all([bare.close(), keyed.close()]);
    }
  });

  it('over TLS, exchanges the key at the token endpoint an override names, through the egress policy', async () => {
    const sim = await startGcpSimulator({
      tenants: [{ name: 'acme', gcp: { projects: [{ projectId: 'acme-prod' }] } }],
    });
    const config = { resources: ['projects/acme-prod'], endpoints: { token: sim.tokenEndpoint } };
    const serviceAccountKey = { ...sim.serviceAccountKey };
    const allowed = await createClients(config, { serviceAccountKey }, egressPolicy(new URL(sim.tokenEndpoint).host));
    const unlisted = await createClients(config, { serviceAccountKey }, egressPolicy(undefined));
    try {
      const jwt = async (clients: typeof allowed) => {
        const auth = await clients.projects.auth.getClient();
        if (!(auth instanceof JWT)) throw new Error('the Resource Manager client is not on the key’s JWT');
        return auth;
      };
      expect((await (await jwt(allowed)).getAccessToken()).token).toMatch(/^ya29\./);
      expect(sim.accessTokensIssued()).toBe(1);
      const refused = await (await jwt(unlisted)).getAccessToken().then(
        () => undefined,
        (e: unknown) => e,
      );
      const causes: string[] = [];
      for (let e = refused; e instanceof Error; e = e.cause) causes.push(e.message);
      expect(causes.join(' ← ')).toMatch(/loopback address the egress policy refuses/);
      expect(sim.accessTokensIssued()).toBe(1);
    } finally {
      await Promise.all([allowed.close(), unlisted.close(), sim.close()]);
    }
  });

  it('refuses to start without a key outside a simulator', async () => {
    await expect(createClients({ resources: ['projects/acme-prod'] }, {})).rejects.toThrow(/No service-account key/);
  });
});
