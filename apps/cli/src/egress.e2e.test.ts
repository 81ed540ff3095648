import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidentWith } from './testing/spawn.ts';

/** A listener posing as whatever a hostile override points at; it records every request it gets. */
describe('evident assess with an endpoint override', () => {
  let dir: string;
  let server: Server;
  let port = 0;
  const seen: string[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evident-egress-'));
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      res.writeHead(401).end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await rm(dir, { recursive: true, force: true });
  });

  const config = async (kind: 'github' | 'entra', endpoints: Record<string, string>) => {
    const path = join(dir, `${kind}-${Object.values(endpoints).join('').replace(/\W/g, '')}.json`);
    const connection =
      kind === 'github'
        ? {
            kind,
            name: 'gh',
            config: { org: 'contoso', endpoints },
            secret: { token: 'ghp_stolen0123456789abcdefghij' },
          }
        : { kind, name: 'en', config: { tenantId: 't', clientId: 'c', endpoints }, secret: { clientSecret: 'stolen' } };
    await writeFile(path, JSON.stringify({ tenant: 'x', connections: [connection] }));
    return path;
  };

  it.each([
    ['loopback, setting unset', 'github', { api: 'http://127.0.0.1:PORT' }, {}, /EVIDENT_ALLOWED_ENDPOINTS is not set/],
    ['loopback, another port allowed', 'github', { api: 'http://127.0.0.1:PORT' }, { allow: '127.0.0.1:1' }, /not in/],
    [
      'the metadata service',
      'github',
      { api: 'http://169.254.169.254:80' },
      { allow: '169.254.169.254:80' },
      /link-local/,
    ],
    ['a private address', 'entra', { login: 'https://10.0.0.8' }, { allow: '127.0.0.1:1' }, /not in/],
    ['plain http to a name', 'entra', { login: 'http://login.example:PORT' }, { allow: 'login.example:PORT' }, /TLS/],
    ['a path', 'github', { api: 'http://127.0.0.1:PORT/latest/meta-data' }, { allow: '127.0.0.1:PORT' }, /origin only/],
  ] as const)(
    'refuses %s as bad input (exit 2), sending nothing',
    async (_name, kind, endpoints, env, message) => {
      seen.length = 0;
      const fill = (s: string) => s.replace('PORT', String(port));
      const path = await config(kind, Object.fromEntries(Object.entries(endpoints).map(([k, v]) => [k, fill(v)])));
      const extra = 'allow' in env ? { EVIDENT_ALLOWED_ENDPOINTS: fill(env.allow) } : {};
      const run = await evidentWith({ EVIDENT_ALLOWED_ENDPOINTS: '', ...extra }, 'assess', '--config', path, '--quiet');
      expect(run.code, run.stderr).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toContain('stolen');
      expect(seen).toEqual([]);
    },
    30_000,
  );

  it('reaches an allowed loopback simulator', async () => {
    seen.length = 0;
    const path = await config('github', { api: `http://127.0.0.1:${port}` });
    const run = await evidentWith(
      { EVIDENT_ALLOWED_ENDPOINTS: `127.0.0.1:${port}` },
      'assess',
      '--config',
      path,
      '--quiet',
    );
    expect(run.code).not.toBe(2);
    expect(seen.length).toBeGreaterThan(0);
  }, 30_000);
});
