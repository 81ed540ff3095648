import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidInputError } from '@evident/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../context.ts';
import { asConnectorError } from '../errors.ts';
import { egressDispatcher, guardedLookup } from './connect.ts';
import { checkEndpoints, egressPolicy, NO_OVERRIDES } from './policy.ts';

const refused = (policy: ReturnType<typeof egressPolicy>, endpoints: unknown) => {
  try {
    checkEndpoints(policy, endpoints);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as InvalidInputError).issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  }
  return null;
};

describe('endpoint overrides', () => {
  const sim = egressPolicy('127.0.0.1:8443, localhost:9000,10.0.0.7:443,169.254.169.254:80,sim.example:443');

  it('are refused when the deployment allows none, the provider services pass', () => {
    expect(refused(NO_OVERRIDES, { api: 'https://127.0.0.1:8443' })).toMatch(/EVIDENT_ALLOWED_ENDPOINTS is not set/);
    expect(refused(NO_OVERRIDES, { api: 'https://evil.example' })).toMatch(/endpoints.api/);
    expect(
      refused(NO_OVERRIDES, { graph: 'https://graph.microsoft.com', login: 'https://login.microsoftonline.com/' }),
    ).toBeNull();
    expect(refused(NO_OVERRIDES, { logging: 'logging.googleapis.com:443' })).toBeNull();
  });

  it('refuse the cloud metadata service even when listed, and unlisted private or loopback addresses', () => {
    expect(refused(sim, { api: 'http://169.254.169.254:80' })).toMatch(/link-local/);
    expect(refused(sim, { api: 'https://[::ffff:169.254.169.254]' })).toMatch(/not in EVIDENT_ALLOWED/);
    expect(refused(sim, { api: 'https://192.168.1.1' })).toMatch(/not in EVIDENT_ALLOWED/);
    expect(refused(sim, { api: 'https://127.0.0.1:8444' })).toMatch(/not in EVIDENT_ALLOWED/);
  });

  it('are origins only: no path, query, fragment or user info', () => {
    expect(refused(sim, { api: 'https://127.0.0.1:8443/latest/meta-data' })).toMatch(/origin only/);
    expect(refused(sim, { api: 'https://127.0.0.1:8443/?x=1' })).toMatch(/origin only/);
    expect(refused(sim, { api: 'https://user:pw@127.0.0.1:8443' })).toMatch(/user info/);
    expect(refused(sim, { api: 'file:///etc/passwd' })).toMatch(/scheme/);
  });

  it('use TLS unless the host is an allowed loopback simulator', () => {
    expect(refused(sim, { api: 'http://127.0.0.1:8443' })).toBeNull();
    expect(refused(sim, { api: 'http://localhost:9000' })).toBeNull();
    expect(refused(sim, { api: 'http://10.0.0.7:443' })).toMatch(/TLS/);
    expect(refused(sim, { api: 'https://10.0.0.7' })).toBeNull();
    expect(refused(sim, { logging: '127.0.0.1:8443', insecure: true })).toBeNull();
    expect(refused(sim, { logging: '10.0.0.7:443', insecure: true })).toMatch(/TLS/);
    expect(refused(sim, { logging: 'sim.example:443' })).toMatch(/IP address or localhost/);
  });

  it('are checked when a context is created, as bad input', () => {
    const make = (egress = NO_OVERRIDES) =>
      createContext({ connection: 'c', config: { endpoints: { api: 'http://127.0.0.1:8443' } }, secret: {}, egress });
    expect(() => make()).toThrow(InvalidInputError);
    expect(make(sim).egress).toBe(sim);
  });

  it('reject a malformed setting', () => {
    expect(() => egressPolicy('127.0.0.1')).toThrow(/host:port/);
    expect(() => egressPolicy('http://x:1')).toThrow(/host:port/);
  });
});

describe('connections through the policy', () => {
  let server: Server;
  let port = 0;
  const hits: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(`${req.url} ${req.headers.authorization ?? ''}`);
      if (req.url === '/redirect') {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end();
      } else if (req.url?.startsWith('/to-port/')) {
        res.writeHead(302, { location: `http://127.0.0.1:${req.url.slice('/to-port/'.length)}/flushall` }).end();
      } else res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('refuse a loopback address the policy does not list, before any byte is sent', async () => {
    hits.length = 0;
    const dispatcher = egressDispatcher(NO_OVERRIDES);
    const attempt = fetch(`http://127.0.0.1:${port}/x`, {
      headers: { authorization: 'token s3cret' },
      dispatcher,
    } as RequestInit);
    await expect(attempt).rejects.toSatisfy((e: Error) => /loopback/.test(String((e.cause as Error)?.message)));
    expect(hits).toEqual([]);
    await dispatcher.close();
  });

  it('reach an allowed simulator, and refuse its redirect to the metadata service', async () => {
    hits.length = 0;
    const dispatcher = egressDispatcher(egressPolicy(`127.0.0.1:${port}`));
    expect(await (await fetch(`http://127.0.0.1:${port}/x`, { dispatcher } as RequestInit)).text()).toBe('ok');
    const redirected = fetch(`http://127.0.0.1:${port}/redirect`, { dispatcher } as RequestInit);
    await expect(redirected).rejects.toSatisfy((e: Error) => /link-local/.test(String((e.cause as Error)?.message)));
    await dispatcher.close();
  });

  it('refuse a redirect from an allowed simulator to another port of the same host, before any byte is sent', async () => {
    const other: string[] = [];
    const neighbour = createServer((req, res) => {
      other.push(String(req.url));
      res.end('reached');
    });
    await new Promise<void>((r) => neighbour.listen(0, '127.0.0.1', r));
    const dispatcher = egressDispatcher(egressPolicy(`127.0.0.1:${port}`));
    try {
      const neighbourPort = (neighbour.address() as AddressInfo).port;
      const redirected = fetch(`http://127.0.0.1:${port}/to-port/${neighbourPort}`, { dispatcher } as RequestInit);
      await expect(redirected).rejects.toSatisfy((e: Error) =>
        /not in EVIDENT_ALLOWED_ENDPOINTS/.test(String((e.cause as Error)?.message)),
      );
      expect(other).toEqual([]);
    } finally {
      await dispatcher.close();
      await new Promise<void>((r) => neighbour.close(() => r()));
    }
  });

  it('open no more sockets per origin than the connection may have calls in flight', async () => {
    const sockets = new Set<unknown>();
    const count = (socket: unknown) => sockets.add(socket);
    server.on('connection', count);
    const dispatcher = egressDispatcher(egressPolicy(`127.0.0.1:${port}`), { connections: 2 });
    try {
      const texts = await Promise.all(
        Array.from({ length: 6 }, async () =>
          (await fetch(`http://127.0.0.1:${port}/x`, { dispatcher } as RequestInit)).text(),
        ),
      );
      expect(texts).toEqual(Array(6).fill('ok'));
      expect(sockets.size).toBe(2);
    } finally {
      server.off('connection', count);
      await dispatcher.close();
    }
  });

  it('re-check a name at every connect, so a rebinding answer is refused', async () => {
    const answers = ['93.184.215.14', '169.254.169.254', '10.1.2.3'];
    const fakeDns = ((_h: string, _o: unknown, cb: (e: null, a: { address: string; family: number }[]) => void) =>
      cb(null, [{ address: answers.shift()!, family: 4 }])) as never;
    const lookup = guardedLookup(NO_OVERRIDES, fakeDns);
    const ask = () =>
      new Promise<string>((resolve, reject) =>
        lookup('api.example', {}, (error, address) => (error ? reject(error) : resolve(String(address)))),
      );
    await expect(ask()).resolves.toBe('93.184.215.14');
    await expect(ask()).rejects.toThrow(/link-local/);
    await expect(ask()).rejects.toThrow(/private/);
  });

  it('a name resolving to loopback is refused unless the policy lists it as localhost or an IP', async () => {
    const lookup = guardedLookup(egressPolicy('api.example:443'), ((
      _h: string,
      _o: unknown,
      cb: (e: null, a: { address: string; family: number }[]) => void,
    ) => cb(null, [{ address: '127.0.0.1', family: 4 }])) as never);
    await expect(
      new Promise((resolve, reject) => lookup('api.example', {}, (e, a) => (e ? reject(e) : resolve(a)))),
    ).rejects.toThrow(/loopback/);
  });

  it('a refused connection becomes a provider error', () => {
    expect(asConnectorError(new Error('x resolved to 127.0.0.1')).code).toBe('provider_error');
  });
});
