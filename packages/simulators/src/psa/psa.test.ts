import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAutotaskSimulator, startConnectWiseSimulator, startHaloPsaSimulator } from './index.ts';
import type { PsaSimulator } from './server.ts';

const companies = [{ id: 7, name: 'Fabrikam', identifier: 'Fabrikam' }];
const clientId = '5f1d1f6e-3c1a-4a51-9d6a-0c4f2bb2f0aa';
const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
let cw: PsaSimulator;
let at: PsaSimulator;
let halo: PsaSimulator;
beforeAll(async () => {
  cw = await startConnectWiseSimulator({
    companyId: 'acme',
    publicKey: 'pk',
    privateKey: 'sk',
    clientId,
    companies,
    rateLimit: { requests: 5, windowMs: 60_000 },
  });
  at = await startAutotaskSimulator({ userName: 'api@acme.example', integrationCode: 'CODE', secret: 's', companies });
  halo = await startHaloPsaSimulator({ clientId: 'c', clientSecret: 's', tenant: 'acme', companies });
});
afterAll(async () => {
  for (const s of [cw, at, halo]) await s?.close();
});

const call = async (url: string, init: RequestInit = {}) => {
  const r = await fetch(url, init);
  // biome-ignore lint/suspicious/noExplicitAny: the answers are read field by field and compared
  const body: any = await r.json().catch(() => null);
  return { status: r.status, body, headers: r.headers };
};

describe('PSA simulators', () => {
  it('ConnectWise: refuses a wrong key or a missing clientId, creates a ticket, throttles past its limit', async () => {
    const url = `${cw.origin}/v4_6_release/apis/3.0/service/tickets`;
    const good = { authorization: basic('acme+pk:sk'), clientid: clientId, 'content-type': 'application/json' };
    expect((await call(url, { headers: { ...good, authorization: basic('acme+pk:wrong') } })).status).toBe(401);
    expect((await call(url, { headers: { authorization: good.authorization } })).status).toBe(401);
    const body = {
      summary: 'x',
      board: { id: 1 },
      company: { id: 7 },
      initialDescription: 'first',
      externalXRef: 'EV-1',
    };
    const created = await call(url, { method: 'POST', headers: good, body: JSON.stringify(body) });
    expect(created).toMatchObject({
      status: 201,
      body: { summary: 'x', company: { id: 7, name: 'Fabrikam' }, closedFlag: false },
    });
    const bad = await call(url, {
      method: 'POST',
      headers: good,
      body: JSON.stringify({ ...body, company: { id: 8 } }),
    });
    expect(bad).toMatchObject({ status: 400, body: { code: 'InvalidObject' } });
    const q = `${url}?conditions=${encodeURIComponent('externalXRef="EV-1" and closedFlag=false')}`;
    expect((await call(q, { headers: good })).body).toHaveLength(1);
    const throttled = await call(q, { headers: good });
    expect(throttled.status).toBe(429);
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(cw.tickets()).toMatchObject([{ companyId: 7, externalRef: 'EV-1', notes: [{ text: 'first' }] }]);
  });

  it('Autotask: names its zone, refuses wrong headers, answers a ticket query', async () => {
    const zone = await call(`${at.origin}/atservicesrest/v1.0/ZoneInformation?user=api@acme.example`);
    expect(zone.body.url).toBe(`${at.origin}/atservicesrest/`);
    expect((await call(`${at.origin}/atservicesrest/v1.0/ZoneInformation?user=other@acme.example`)).status).toBe(404);
    const headers = {
      apiintegrationcode: 'CODE',
      username: 'api@acme.example',
      secret: 's',
      'content-type': 'application/json',
    };
    const base = `${zone.body.url}V1.0`;
    expect((await call(`${base}/Companies/7`, { headers: { ...headers, secret: 'no' } })).status).toBe(401);
    expect((await call(`${base}/Companies/7`, { headers })).body).toMatchObject({
      item: { id: 7, companyName: 'Fabrikam' },
    });
    const made = await call(`${base}/Tickets`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ companyID: 7, title: 't', status: 1, priority: 2, externalID: 'EV-2' }),
    });
    expect(made.body.itemId).toBeGreaterThan(0);
    const found = await call(`${base}/Tickets/query`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ filter: [{ op: 'eq', field: 'externalID', value: 'EV-2' }] }),
    });
    expect(found.body.items).toHaveLength(1);
  });

  it('HaloPSA: issues a token for the right client and tenant only, and needs it on the API', async () => {
    const form = (id: string, secret: string) =>
      new URLSearchParams({ grant_type: 'client_credentials', client_id: id, client_secret: secret, scope: 'all' });
    expect((await call(`${halo.origin}/auth/token?tenant=acme`, { method: 'POST', body: form('c', 'x') })).status).toBe(
      401,
    );
    expect(
      (await call(`${halo.origin}/auth/token?tenant=other`, { method: 'POST', body: form('c', 's') })).status,
    ).toBe(400);
    const t = await call(`${halo.origin}/auth/token?tenant=acme`, { method: 'POST', body: form('c', 's') });
    expect(t.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect((await call(`${halo.origin}/api/client/7`)).status).toBe(401);
    const auth = { authorization: `Bearer ${t.body.access_token}`, 'content-type': 'application/json' };
    expect((await call(`${halo.origin}/api/client/7`, { headers: auth })).body).toEqual({ id: 7, name: 'Fabrikam' });
    const made = await call(`${halo.origin}/api/tickets`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify([{ summary: 's EV-3', details: 'd', client_id: 7 }]),
    });
    expect(made).toMatchObject({ status: 201, body: { summary: 's EV-3' } });
    await call(`${halo.origin}/api/actions`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify([{ ticket_id: made.body.id, outcome: 'Note', note: 'n', hiddenfromuser: true }]),
    });
    await call(`${halo.origin}/api/tickets`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify([{ id: made.body.id, status_id: 9 }]),
    });
    expect(
      (await call(`${halo.origin}/api/tickets?search=EV-3&open_only=true`, { headers: auth })).body.tickets,
    ).toEqual([]);
    expect(halo.tickets()).toMatchObject([{ closed: true, notes: [{ text: 'n' }] }]);
  });
});
