import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, startServer } from '@evident/http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEnv } from './env.ts';
import { httpSettings } from './settings.ts';

const base = {
  DATABASE_URL: 'memory://',
  EVIDENT_SECRET_KEY: randomBytes(32).toString('base64'),
  PORT: '0',
  LOG_LEVEL: 'silent',
  AUTH_RATE_LIMIT_PER_MINUTE: '3',
};

describe('EVIDENT_SSO_CA_FILE', () => {
  it('hands the certificates to the API, and refuses a missing or non-PEM file by name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'evident-ca-'));
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    writeFileSync(join(dir, 'ca.pem'), pem);
    writeFileSync(join(dir, 'key.txt'), 'not a certificate');
    expect(httpSettings(readEnv({ ...base, EVIDENT_SSO_CA_FILE: join(dir, 'ca.pem') })).ssoCaCert).toBe(pem);
    expect(httpSettings(readEnv(base)).ssoCaCert).toBeUndefined();
    for (const file of ['key.txt', 'absent.pem'])
      expect(() => readEnv({ ...base, EVIDENT_SSO_CA_FILE: join(dir, file) })).toThrow(
        `${join(dir, file)} is not a readable PEM file of certificates`,
      );
  });
});

describe('TRUST_PROXY', () => {
  it('refuses true, which would believe every hop, with a clear error', () => {
    expect(() => readEnv({ ...base, TRUST_PROXY: 'true' })).toThrow(/every X-Forwarded-For hop/);
    expect(() => readEnv({ ...base, TRUST_PROXY: '10.0.0.0/33' })).toThrow(/not a hop count, address or CIDR/);
    expect(readEnv(base).TRUST_PROXY).toBeUndefined();
    expect(readEnv({ ...base, TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }).TRUST_PROXY).toEqual(['10.0.0.0/8', '127.0.0.1']);
  });

  describe('behind one ingress (TRUST_PROXY=1)', () => {
    let server: RunningServer;
    beforeAll(async () => {
      const env = readEnv({
        ...base,
        TRUST_PROXY: '1',
        EVIDENT_QUEUE_PREFIX: `proxy-${randomBytes(4).toString('hex')}`,
      });
      server = await startServer(httpSettings(env));
    }, 90_000);
    afterAll(async () => {
      await server?.close();
    });

    /** The client writes what it likes into X-Forwarded-For; the ingress appends the address it saw. */
    const pending = async (spoofed: string, real: string) =>
      (await fetch(`${server.url}/trpc/auth.pending`, { headers: { 'x-forwarded-for': `${spoofed}, ${real}` } }))
        .status;

    it('keeps the per-address limit however the client rotates X-Forwarded-For', async () => {
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push(await pending(`198.51.100.${i}`, '203.0.113.50'));
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      // The address the ingress saw is the client: another client still has its own allowance.
      expect(await pending('198.51.100.9', '203.0.113.51')).toBe(401);
    });
  });
});
