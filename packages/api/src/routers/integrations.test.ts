import { ConnectorError, egressPolicy } from '@evident/connector-kit';
import type { ImportId, OrganizationId } from '@evident/core';
import { openTestDatabase, type TestDatabase } from '@evident/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiDeps } from '../context.ts';
import { CONSENT_TTL_MS, finishConsent } from '../services/integrations-consent.ts';
import { type Agent, signedIn, testDeps } from '../testing/index.ts';
import { entraWithAccount, githubWithAccount } from './integrations-test-connectors.ts';

const TENANT = '8f6a2c1e-4b3d-4e5f-9a7b-1c2d3e4f5a6b';
const KEY = '-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----';
let db: TestDatabase;
let deps: ApiDeps;
let owner: Agent & { org: OrganizationId };
let clock = Date.now();
const entra = entraWithAccount();
const enqueued: ImportId[] = [];

beforeAll(async () => {
  db = await openTestDatabase('pg');
  deps = testDeps(db.store, {
    connectors: { github: githubWithAccount, entra: entra.connector },
    egress: egressPolicy('127.0.0.1:9'),
    publicOrigin: 'https://evident.example',
    imports: {
      async enqueue(_org, id) {
        enqueued.push(id);
        return `import.${id}`;
      },
    },
    now: () => new Date(clock),
  });
  owner = await signedIn(deps, { email: 'owner@acme.example', organizationName: 'Acme MSP' });
}, 60_000);
afterAll(async () => {
  await db?.close();
});

const installations = [
  { installationId: 11, org: 'contoso', name: 'Contoso Ltd' },
  { installationId: 12, org: 'fabrikam', name: 'Fabrikam' },
  { installationId: 13, org: 'northwind', name: 'Northwind Traders' },
  { installationId: 14, org: 'tailspin', name: 'Tailspin Toys', suspended: true },
];

describe('provider accounts', () => {
  it('are created, listed, renamed and rotated by admins, with secrets written only', async () => {
    const { id } = await owner.call.integrations.createAccount({
      kind: 'github',
      name: 'Acme App',
      config: { appId: 7, installations },
      secret: { privateKey: KEY },
    });
    await owner.call.integrations.renameAccount({ accountId: id, name: 'Acme GitHub App' });
    await owner.call.integrations.rotateCredential({ accountId: id, secret: { privateKey: `${KEY}\n` } });
    const [listed] = await owner.call.integrations.accounts();
    expect(listed).toMatchObject({ id, kind: 'github', name: 'Acme GitHub App', rotatedAt: expect.any(String) });
    expect(JSON.stringify(listed)).not.toContain('PRIVATE KEY');
    const actions = (await db.store.listAudit(owner.org)).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining(['provider_account.create', 'provider_account.rename', 'provider_account.rotate']),
    );
    await expect(
      owner.call.integrations.createAccount({ kind: 'github', name: 'x', config: { appId: 7 }, secret: {} }),
    ).rejects.toThrow(/credentials are not valid/);
    await expect(
      owner.call.integrations.createAccount({
        kind: 'github',
        name: 'x',
        config: { appId: 7, endpoints: { api: 'http://10.0.0.1' } },
        secret: { privateKey: KEY },
      }),
    ).rejects.toThrow();
    expect(await owner.call.integrations.accounts()).toHaveLength(1);
  });

  it('discovers customers matched to tenants by connection, domain and name, and imports a selection', async () => {
    const [account] = await owner.call.integrations.accounts();
    const contoso = await owner.call.tenant.create({ name: 'Contoso', kind: 'customer' });
    await db.store.createConnection(owner.org, {
      tenantId: contoso.id,
      kind: 'github',
      name: 'contoso-gh',
      config: { org: 'contoso' },
      secret: { token: 't' },
    });
    const northwind = await owner.call.tenant.create({ name: 'NORTHWIND traders, Inc.', kind: 'customer' });
    const fabrikam = await owner.call.tenant.create({ name: 'fabrikam', kind: 'customer' });

    const found = await owner.call.integrations.discover({ accountId: account!.id });
    const by = Object.fromEntries(found.map((c) => [c.externalId, c]));
    expect(by['11']?.match).toMatchObject({ tenantId: contoso.id, by: 'external_id' });
    expect(by['12']?.match).toMatchObject({ tenantId: fabrikam.id, by: 'domain' });
    expect(by['13']?.match).toMatchObject({ tenantId: northwind.id, by: 'name' });
    expect(by['14']).toMatchObject({ match: null, reachable: { ok: false, reason: expect.any(String) } });
    expect(JSON.stringify(found)).not.toContain('installationId');

    await expect(
      owner.call.integrations.import({ accountId: account!.id, selection: [{ externalId: '99' }] }),
    ).rejects.toThrow(/selection is not valid/);
    const { id } = await owner.call.integrations.import({
      accountId: account!.id,
      selection: [{ externalId: '12', tenantId: fabrikam.id }, { externalId: '14' }],
    });
    expect(enqueued).toEqual([id]);
    expect(await db.store.readImportItems(owner.org, id)).toEqual([
      {
        externalId: '12',
        name: 'Fabrikam',
        config: { org: 'fabrikam' },
        secret: { installationId: 12 },
        tenantId: fabrikam.id,
      },
      { externalId: '14', name: 'Tailspin Toys', config: { org: 'tailspin' }, secret: { installationId: 14 } },
    ]);
    expect(await owner.call.integrations.importProgress({ importId: id })).toMatchObject({
      status: 'queued',
      total: 2,
      done: 0,
      created: 0,
    });
  });

  it('refuses to delete an account a connection runs with, saying so, and deletes it once none does', async () => {
    const { id } = await owner.call.integrations.createAccount({
      kind: 'github',
      name: 'Second App',
      config: { appId: 8 },
      secret: { privateKey: KEY },
    });
    const t = await owner.call.tenant.create({ name: 'Uses it', kind: 'customer' });
    const c = await db.store.createConnection(owner.org, {
      tenantId: t.id,
      kind: 'github',
      name: 'from account',
      config: { org: 'uses-it' },
      secret: { installationId: 1 },
      providerAccountId: id,
      externalId: '1',
    });
    await expect(owner.call.integrations.deleteAccount({ accountId: id })).rejects.toThrow(
      /"Second App" is used by 1 connection/,
    );
    await owner.call.connections.delete({ tenantId: t.id, connectionId: c.id });
    await owner.call.integrations.deleteAccount({ accountId: id });
    expect((await owner.call.integrations.accounts()).map((a) => a.name)).toEqual(['Acme GitHub App']);
  });
});

describe('Microsoft admin consent', () => {
  let accountId: Awaited<ReturnType<typeof owner.call.integrations.createAccount>>['id'];
  beforeAll(async () => {
    ({ id: accountId } = await owner.call.integrations.createAccount({
      kind: 'entra',
      name: 'Acme partner app',
      config: { clientId: 'c0ffee00-0000-4000-8000-000000000001', endpoints: { login: 'http://127.0.0.1:9' } },
      secret: { clientSecret: 's3cret' },
    }));
  });

  const start = async (tenantId?: string) => {
    const { url } = await owner.call.integrations.startConsent({ accountId, ...(tenantId ? { tenantId } : {}) });
    return new URL(url);
  };
  const answer = (who: Agent, query: Record<string, string>) => finishConsent(deps, who.req, query);
  const tenantCount = async () => (await db.store.listTenants(owner.org)).length;

  it('builds the admin-consent URL with a state stored only as its hash', async () => {
    const url = await start();
    expect(`${url.origin}${url.pathname}`).toBe('http://127.0.0.1:9/organizations/v2.0/adminconsent');
    expect(url.searchParams.get('client_id')).toBe('c0ffee00-0000-4000-8000-000000000001');
    expect(url.searchParams.get('redirect_uri')).toBe('https://evident.example/consent/microsoft/callback');
    expect(url.searchParams.get('scope')).toBe('https://graph.microsoft.com/.default');
    const state = url.searchParams.get('state')!;
    if (db.database.driver !== 'pg') throw new Error('this suite runs on PostgreSQL');
    const rows = await db.database.pool.query('select key_hash, purpose, data::text from auth_flows');
    expect(rows.rows.some((r) => r.purpose === 'consent.microsoft')).toBe(true);
    expect(JSON.stringify(rows.rows)).not.toContain(state);
  });

  it('on consent creates the tenant and its connection from the account, runs its check, and only once', async () => {
    const before = await tenantCount();
    const state = (await start()).searchParams.get('state')!;
    const ok = await answer(owner, { tenant: TENANT, admin_consent: 'True', state });
    expect(ok).toMatchObject({ ok: true, created: true, checkOk: true });
    expect(await tenantCount()).toBe(before + 1);
    expect(entra.checked.at(-1)).toMatchObject({
      config: { tenantId: TENANT, clientId: 'c0ffee00-0000-4000-8000-000000000001' },
      secret: { clientSecret: 's3cret' },
    });
    const link = (await db.store.accountLinks(owner.org, { providerAccountId: accountId }))[0];
    expect(link).toMatchObject({ externalId: TENANT, tenantId: ok.ok ? ok.tenantId : null });

    const replayed = await answer(owner, { tenant: TENANT, admin_consent: 'True', state });
    expect(replayed).toMatchObject({ ok: false, reason: expect.stringMatching(/already used, it expired/) });
    const again = await answer(owner, {
      tenant: TENANT,
      admin_consent: 'True',
      state: (await start()).searchParams.get('state')!,
    });
    expect(again).toMatchObject({ ok: true, created: false });
    expect(await tenantCount()).toBe(before + 1);
  });

  it('refuses a declined consent, an AADSTS error, a forged, expired or foreign state, and another MSP’s directory', async () => {
    const before = await tenantCount();
    const state = async () => (await start()).searchParams.get('state')!;
    const other = '11111111-2222-4333-8444-555555555555';
    const refusals = [
      await answer(owner, { error: 'access_denied', error_description: 'The user declined.', state: await state() }),
      await answer(owner, {
        error: 'access_denied',
        error_subcode: 'cancel',
        error_description: 'AADSTS65004: User declined to consent to access the app.',
        state: await state(),
      }),
      await answer(owner, {
        error: 'invalid_request',
        error_description: 'AADSTS90094: The grant requires admin permission.',
        state: await state(),
      }),
      await answer(owner, { tenant: other, admin_consent: 'True', state: 'forged-state-value' }),
      await answer(owner, { tenant: other, admin_consent: 'False', state: await state() }),
      await answer(owner, {
        tenant: other,
        admin_consent: 'True',
        state: (await start(TENANT)).searchParams.get('state')!,
      }),
    ];
    const late = await state();
    clock += CONSENT_TTL_MS + 1_000;
    refusals.push(await answer(owner, { tenant: other, admin_consent: 'True', state: late }));
    const colleague = await signedIn(deps, { email: 'admin@acme.example', org: owner.org, role: 'admin' });
    refusals.push(await answer(colleague, { tenant: other, admin_consent: 'True', state: await state() }));

    const rival = await signedIn(deps, { email: 'owner@rival.example', organizationName: 'Rival MSP' });
    const { id: rivalAccount } = await rival.call.integrations.createAccount({
      kind: 'entra',
      name: 'Rival app',
      config: { clientId: 'c0ffee00-0000-4000-8000-000000000002' },
      secret: { clientSecret: 'x' },
    });
    const { url } = await rival.call.integrations.startConsent({ accountId: rivalAccount });
    const taken = await answer(rival, {
      tenant: TENANT,
      admin_consent: 'True',
      state: new URL(url).searchParams.get('state')!,
    });

    expect(refusals.map((r) => (r.ok ? 'created' : r.reason))).toEqual([
      expect.stringMatching(/declined/),
      'The administrator declined the consent: nothing was created.',
      expect.stringMatching(/AADSTS90094/),
      expect.stringMatching(/already used, it expired/),
      expect.stringMatching(/did not confirm/),
      expect.stringMatching(/not for the one this link was made for/),
      expect.stringMatching(/already used, it expired/),
      expect.stringMatching(/already used, it expired/),
    ]);
    expect(taken).toMatchObject({ ok: false, reason: expect.stringMatching(/another organization/) });
    expect(await tenantCount()).toBe(before);
    expect(await db.store.listTenants(rival.org)).toEqual([]);
  });
});

describe('a provider refusing the account', () => {
  it('is said in its own words when customers are listed, and nothing is kept of the attempt', async () => {
    const refusing = testDeps(db.store, {
      connectors: {
        github: {
          ...githubWithAccount,
          account: {
            ...githubWithAccount.account!,
            async discover() {
              throw new ConnectorError('auth_failed', 'GitHub refused the App: the private key does not match it');
            },
          },
        },
      },
    });
    const admin = await signedIn(refusing, { email: 'owner@refused.example', organizationName: 'Refused MSP' });
    const { id } = await admin.call.integrations.createAccount({
      kind: 'github',
      name: 'Wrong key App',
      config: { appId: 9 },
      secret: { privateKey: KEY },
    });
    const refusal = await admin.call.integrations.discover({ accountId: id }).catch((e: unknown) => e);
    expect(refusal).toMatchObject({
      code: 'PRECONDITION_FAILED',
      message: 'GitHub refused the App: the private key does not match it',
    });
    expect(await db.store.listTenants(admin.org)).toEqual([]);
  });
});
