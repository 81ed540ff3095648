import { egressPolicy } from '@evident/connector-kit';
import type { ControlResult, OrganizationId, RunId, TenantId } from '@evident/core';
import { describeBothDrivers } from '@evident/db/testing';
import { TRPCError } from '@trpc/server';
import { expect, it } from 'vitest';
import type { ApiDeps } from './context.ts';
import { appRouter } from './router.ts';
import { githubWithAccount } from './routers/integrations-test-connectors.ts';
import { type Agent, agent, PASSWORD, SoftAuthenticator, signedIn, testDeps } from './testing/index.ts';

/** The ids a call is made with: this organization's real ones, or (case c) another tenant's id with this one's children. */
interface Ids {
  org: OrganizationId;
  tenant: TenantId;
  run: RunId;
  connection: string;
  share: string;
  exception: string;
  exceptionRequest: string;
  user: string;
  session: string;
  invitation: string;
  email: string;
  passkey: string;
  credential: string;
  account: string;
  import: string;
  channel: string;
  rule: string;
  delivery: string;
}

type Expect = 'refused' | 'clean' | { skip: string };
type Case = 'a' | 'b' | 'c' | 'd' | 'e' | 'f';
interface Spec {
  input?: (ids: Ids) => unknown;
  cases: Record<Case, Expect>;
}

const skip = (why: string) => ({ skip: why });
const QUERY = skip('a query: viewers may read');
const NO_CHILD = skip('the tenant id is the only id: another tenant of the same organization is the caller’s to read');
const NO_IDS = skip('names no tenant');
const OWN = skip('acts on the caller’s own account only');
const PUBLIC = skip('public: who calls does not matter');

/** Tenant-scoped: the first four refusals are the same for every one. */
const tenantRead = (input: Spec['input'], child = false): Spec => ({
  input,
  cases: { a: 'refused', b: 'refused', c: child ? 'refused' : NO_CHILD, d: QUERY, e: 'refused', f: 'refused' },
});
const tenantWrite = (input: Spec['input'], child = false): Spec => ({
  input,
  cases: { a: 'refused', b: 'refused', c: child ? 'refused' : NO_CHILD, d: 'refused', e: 'refused', f: 'refused' },
});
/** Organization-wide: B gets its own organization's answer, which must hold nothing of A's. */
const orgRead = (input?: Spec['input']): Spec => ({
  input,
  cases: { a: 'refused', b: 'clean', c: NO_IDS, d: QUERY, e: 'refused', f: 'refused' },
});
const orgAdminRead = (input?: Spec['input']): Spec => ({
  input,
  cases: { a: 'refused', b: 'clean', c: NO_IDS, d: 'refused', e: 'refused', f: 'refused' },
});
const orgWrite = (input: Spec['input'], b: Expect = 'clean'): Spec => ({
  input,
  cases: { a: 'refused', b, c: NO_IDS, d: 'refused', e: 'refused', f: 'refused' },
});
const shareRead = (input?: Spec['input']): Spec => ({
  input,
  cases: { a: 'refused', b: 'refused', c: NO_IDS, d: QUERY, e: 'clean', f: 'refused' },
});

const githubConfig = { org: 'alpha', endpoints: { api: 'http://127.0.0.1:9' } };
const later = () => new Date(Date.now() + 86_400_000).toISOString();

const SPECS: Record<string, Spec> = {
  'auth.signUp': {
    input: () => ({ organizationName: 'New MSP', email: `new${Date.now()}@x.example`, password: PASSWORD }),
    cases: { a: 'clean', b: PUBLIC, c: PUBLIC, d: PUBLIC, e: PUBLIC, f: PUBLIC },
  },
  'auth.signIn': {
    input: (i) => ({ email: i.email, password: 'not the password' }),
    cases: { a: 'refused', b: PUBLIC, c: PUBLIC, d: PUBLIC, e: PUBLIC, f: PUBLIC },
  },
  'auth.acceptInvitation': {
    input: () => ({ token: 'x'.repeat(43), password: PASSWORD }),
    cases: { a: 'refused', b: PUBLIC, c: PUBLIC, d: PUBLIC, e: PUBLIC, f: PUBLIC },
  },
  'auth.signOut': { cases: { a: 'clean', b: OWN, c: OWN, d: OWN, e: 'clean', f: OWN } },
  'auth.pending': { cases: { a: 'refused', b: 'clean', c: NO_IDS, d: QUERY, e: 'refused', f: 'clean' } },
  'auth.beginEnrolment': { cases: { a: 'refused', b: 'refused', c: NO_IDS, d: 'refused', e: 'refused', f: 'refused' } },
  'auth.confirmEnrolment': {
    input: () => ({ code: '000000' }),
    cases: { a: 'refused', b: 'refused', c: NO_IDS, d: 'refused', e: 'refused', f: 'refused' },
  },
  'auth.verify': {
    input: () => ({ code: '000000' }),
    cases: { a: 'refused', b: OWN, c: NO_IDS, d: OWN, e: 'refused', f: 'refused' },
  },
  'auth.me': orgRead(),
  'auth.changePassword': {
    input: () => ({ current: 'not the password', next: 'whatever whatever' }),
    cases: { a: 'refused', b: OWN, c: NO_IDS, d: OWN, e: 'refused', f: 'refused' },
  },
  'passkeys.list': orgRead(),
  'passkeys.beginRegistration': {
    cases: { a: 'refused', b: OWN, c: NO_IDS, d: OWN, e: 'refused', f: 'refused' },
  },
  'passkeys.finishRegistration': {
    input: (i) => ({ name: 'mallory', response: registration(i.credential) }),
    cases: { a: 'refused', b: 'refused', c: NO_IDS, d: 'refused', e: 'refused', f: 'refused' },
  },
  'passkeys.rename': {
    input: (i) => ({ id: i.passkey, name: 'mallory' }),
    cases: { a: 'refused', b: 'refused', c: NO_IDS, d: 'refused', e: 'refused', f: 'refused' },
  },
  'passkeys.revoke': {
    input: (i) => ({ id: i.passkey }),
    cases: { a: 'refused', b: 'refused', c: NO_IDS, d: 'refused', e: 'refused', f: 'refused' },
  },
  'passkeys.beginSecondFactor': { cases: { a: 'refused', b: OWN, c: NO_IDS, d: OWN, e: 'refused', f: 'refused' } },
  'passkeys.finishSecondFactor': {
    input: (i) => ({ response: assertion(i.credential) }),
    cases: { a: 'refused', b: 'refused', c: NO_IDS, d: 'refused', e: 'refused', f: 'refused' },
  },
  'passkeys.beginPasswordless': { cases: { a: 'clean', b: PUBLIC, c: PUBLIC, d: PUBLIC, e: PUBLIC, f: PUBLIC } },
  'passkeys.finishPasswordless': {
    input: (i) => ({ response: assertion(i.credential) }),
    cases: { a: 'refused', b: PUBLIC, c: PUBLIC, d: PUBLIC, e: PUBLIC, f: PUBLIC },
  },
  'passkeys.policy': orgRead(),
  'passkeys.setPolicy': orgWrite(() => ({ requiredForAdmins: false })),
  'passkeys.ofStaff': orgWrite((i) => ({ userId: i.user }), 'refused'),
  'passkeys.revokeOfStaff': orgWrite((i) => ({ userId: i.user }), 'refused'),
  'sso.start': {
    input: (i) => ({ organizationId: i.org }),
    cases: { a: 'refused', b: PUBLIC, c: PUBLIC, d: PUBLIC, e: PUBLIC, f: PUBLIC },
  },
  'sso.finish': {
    input: () => ({ callbackUrl: 'https://evident.example/sso/callback?code=x&state=y' }),
    cases: { a: 'refused', b: PUBLIC, c: PUBLIC, d: PUBLIC, e: PUBLIC, f: PUBLIC },
  },
  'sso.settings': orgAdminRead(),
  'sso.setSettings': orgWrite(() => ({ settings: null })),
  'portfolio.frameworks': orgRead(),
  'portfolio.matrix': orgRead(() => ({})),
  'tenant.list': orgRead(),
  'tenant.create': orgWrite(() => ({ name: 'B-new', kind: 'customer' })),
  'tenant.get': tenantRead((i) => ({ tenantId: i.tenant })),
  'tenant.rename': tenantWrite((i) => ({ tenantId: i.tenant, name: 'renamed' })),
  'tenant.delete': tenantWrite((i) => ({ tenantId: i.tenant })),
  'tenant.results': tenantRead((i) => ({ tenantId: i.tenant })),
  'tenant.history': tenantRead((i) => ({ tenantId: i.tenant, controlId: 'MFA-01' })),
  'tenant.drift': tenantRead((i) => ({ tenantId: i.tenant })),
  'tenant.schedule': tenantRead((i) => ({ tenantId: i.tenant })),
  'tenant.setSchedule': tenantWrite((i) => ({ tenantId: i.tenant, schedule: { everyMs: 3_600_000 } })),
  'tenant.assessNow': tenantWrite((i) => ({ tenantId: i.tenant })),
  'tenant.runProgress': {
    input: (i) => ({ tenantId: i.tenant, runId: i.run }),
    cases: { a: 'refused', b: 'refused', c: 'refused', d: QUERY, e: 'refused', f: 'refused' },
  },
  'controls.describe': orgRead(() => ({ controlId: 'MFA-01' })),
  'evidence.page': tenantRead((i) => ({ tenantId: i.tenant, runId: i.run, controlId: 'MFA-01' }), true),
  'packs.list': tenantRead((i) => ({ tenantId: i.tenant })),
  'packs.exportNow': tenantWrite((i) => ({ tenantId: i.tenant })),
  'packs.schedule': tenantRead((i) => ({ tenantId: i.tenant })),
  'packs.setSchedule': tenantWrite((i) => ({ tenantId: i.tenant, cron: '0 6 1 * *', tz: 'UTC' })),
  'packs.clearSchedule': tenantWrite((i) => ({ tenantId: i.tenant })),
  'integrations.accounts': orgAdminRead(),
  'integrations.createAccount': orgWrite(() => ({
    kind: 'github',
    name: 'B app',
    config: { appId: 2 },
    secret: { privateKey: 'b-key' },
  })),
  'integrations.renameAccount': orgWrite((i) => ({ accountId: i.account, name: 'mallory' }), 'refused'),
  'integrations.rotateCredential': orgWrite((i) => ({ accountId: i.account, secret: { privateKey: 'm' } }), 'refused'),
  'integrations.deleteAccount': orgWrite((i) => ({ accountId: i.account }), 'refused'),
  'integrations.discover': orgWrite((i) => ({ accountId: i.account }), 'refused'),
  'integrations.import': orgWrite((i) => ({ accountId: i.account, selection: [{ externalId: '5' }] }), 'refused'),
  'integrations.importProgress': {
    input: (i) => ({ importId: i.import }),
    cases: { a: 'refused', b: 'refused', c: NO_IDS, d: 'refused', e: 'refused', f: 'refused' },
  },
  'integrations.startConsent': orgWrite((i) => ({ accountId: i.account }), 'refused'),
  'alerts.channels.kinds': orgRead(),
  'alerts.channels.list': orgRead(),
  'alerts.channels.create': orgWrite(() => ({
    kind: 'webhook',
    name: 'mallory',
    config: { url: 'http://127.0.0.1:9/hook' },
    secret: { signingSecret: 'mallory-signing-secret-of-thirty-two-chars' },
  })),
  'alerts.channels.update': orgWrite((i) => ({ channelId: i.channel, name: 'mallory' }), 'refused'),
  'alerts.channels.remove': orgWrite((i) => ({ channelId: i.channel }), 'refused'),
  'alerts.channels.test': orgWrite((i) => ({ channelId: i.channel, tenantId: i.tenant }), 'refused'),
  'alerts.rules.options': orgRead(),
  'alerts.rules.list': orgRead(),
  'alerts.rules.create': orgWrite((i) => ({ rule: { channelId: i.channel } }), 'refused'),
  'alerts.rules.update': orgWrite((i) => ({ ruleId: i.rule, rule: { channelId: i.channel } }), 'refused'),
  'alerts.rules.remove': orgWrite((i) => ({ ruleId: i.rule }), 'refused'),
  'alerts.rules.mute': orgWrite((i) => ({ tenantId: i.tenant, until: null }), 'refused'),
  'alerts.deliveries.list': {
    input: (i) => ({ tenantId: i.tenant }),
    cases: { a: 'refused', b: 'refused', c: NO_IDS, d: QUERY, e: 'refused', f: 'refused' },
  },
  'alerts.deliveries.retry': orgWrite((i) => ({ deliveryId: i.delivery }), 'refused'),
  'alerts.psa.companies': {
    input: (i) => ({ channelId: i.channel }),
    cases: { a: 'refused', b: 'refused', c: NO_IDS, d: QUERY, e: 'refused', f: 'refused' },
  },
  'alerts.psa.map': orgWrite((i) => ({ channelId: i.channel, tenantId: i.tenant, company: '19' }), 'refused'),
  'alerts.psa.unmap': orgWrite((i) => ({ channelId: i.channel, tenantId: i.tenant }), 'refused'),
  'connections.kinds': orgRead(),
  'connections.list': tenantRead((i) => ({ tenantId: i.tenant })),
  'connections.check': tenantWrite(
    (i) => ({ tenantId: i.tenant, kind: 'github', config: githubConfig, connectionId: i.connection }),
    true,
  ),
  'connections.create': tenantWrite((i) => ({
    tenantId: i.tenant,
    kind: 'github',
    name: 'mallory',
    config: githubConfig,
    secret: { token: 'mallory' },
  })),
  'connections.update': tenantWrite(
    (i) => ({ tenantId: i.tenant, connectionId: i.connection, secret: { token: 'mallory' } }),
    true,
  ),
  'connections.delete': tenantWrite((i) => ({ tenantId: i.tenant, connectionId: i.connection }), true),
  'exceptions.list': tenantRead((i) => ({ tenantId: i.tenant })),
  'exceptions.create': tenantWrite((i) => ({
    tenantId: i.tenant,
    controlId: 'MFA-01',
    subject: 'mallory',
    reason: 'because',
    expiresAt: later(),
  })),
  'exceptions.expire': tenantWrite((i) => ({ tenantId: i.tenant, exceptionId: i.exception }), true),
  'exceptions.requests': tenantRead((i) => ({ tenantId: i.tenant })),
  'exceptions.decide': tenantWrite((i) => ({ tenantId: i.tenant, requestId: i.exceptionRequest, approve: true }), true),
  'shares.create': tenantWrite((i) => ({ tenantId: i.tenant, label: 'x', sections: ['status'], expiresInDays: 1 })),
  'shares.list': tenantRead((i) => ({ tenantId: i.tenant })),
  'shares.revoke': tenantWrite((i) => ({ tenantId: i.tenant, shareId: i.share }), true),
  'shares.accesses': tenantRead((i) => ({ tenantId: i.tenant, shareId: i.share }), true),
  'organization.branding': orgRead(),
  'organization.setBranding': orgWrite(() => ({ displayName: 'B brand', logoUrl: null, accentColor: '#000000' })),
  'organization.staff': orgAdminRead(),
  'organization.invite': orgWrite(() => ({ email: `i${Date.now()}@b.example`, role: 'viewer' })),
  'organization.invitations': orgAdminRead(),
  'organization.revokeInvitation': orgWrite((i) => ({ id: i.invitation }), 'refused'),
  'organization.setRole': orgWrite((i) => ({ userId: i.user, role: 'viewer' }), 'refused'),
  'organization.resetPassword': orgWrite((i) => ({ userId: i.user, password: 'mallory mallory' }), 'refused'),
  'organization.sessions': orgRead(() => ({ everyone: true })),
  'organization.revokeSession': {
    input: (i) => ({ handle: i.session }),
    cases: { a: 'refused', b: 'refused', c: NO_IDS, d: 'refused', e: 'refused', f: 'refused' },
  },
  'organization.audit': orgAdminRead(() => ({})),
  'organization.verifyAudit': orgAdminRead(),
  'organization.auditAlerts': orgAdminRead(),
  'shared.view': shareRead(),
  'shared.history': shareRead(() => ({ controlId: 'MFA-01' })),
  'shared.control': shareRead(() => ({ controlId: 'MFA-01' })),
  'shared.connections': {
    cases: { a: 'refused', b: 'refused', c: NO_IDS, d: QUERY, e: 'refused', f: 'refused' },
  },
  'shared.packs': {
    cases: { a: 'refused', b: 'refused', c: NO_IDS, d: QUERY, e: 'refused', f: 'refused' },
  },
  'shared.evidence': {
    input: (i) => ({ runId: i.run, controlId: 'MFA-01' }),
    cases: { a: 'refused', b: 'refused', c: NO_IDS, d: QUERY, e: 'refused', f: 'refused' },
  },
};

/** Well-formed WebAuthn answers naming A's credential, to no challenge anyone asked for. */
const registration = (credential: string) => ({
  id: credential,
  rawId: credential,
  type: 'public-key' as const,
  clientExtensionResults: {},
  response: { clientDataJSON: 'e30', attestationObject: 'oA' },
});
const assertion = (credential: string) => ({
  id: credential,
  rawId: credential,
  type: 'public-key' as const,
  clientExtensionResults: {},
  response: { clientDataJSON: 'e30', authenticatorData: 'AA', signature: 'AA' },
});

const REFUSALS = new Set<TRPCError['code']>(['UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND', 'CONFLICT']);

const result = (controlId: string, subject: string): ControlResult => ({
  controlId,
  status: 'fail',
  coverage: { numerator: 0, denominator: 1 },
  reason: `${subject} fails`,
  failing: [{ connection: 'c', subject, name: subject, why: 'no_mfa' }],
  excepted: [],
  evidence: [],
  factsAsOf: null,
  evaluatedAt: new Date().toISOString(),
});

/** An organization with a tenant holding a row of every kind, every string carrying `mark`. */
async function organization(deps: ApiDeps, mark: string) {
  const { store } = deps;
  const owner = await signedIn(deps, { email: `owner@${mark}.example`, organizationName: `${mark} MSP` });
  const org = owner.org;
  const tenant = await owner.call.tenant.create({ name: `${mark} tenant`, kind: 'customer' });
  const connection = await store.createConnection(org, {
    tenantId: tenant.id,
    kind: 'github',
    name: `${mark}-gh`,
    config: { org: mark },
    secret: { token: `${mark}-secret` },
  });
  const channel = await store.createAlertChannel(org, {
    kind: 'webhook',
    name: `${mark} hook`,
    config: { url: `https://${mark}.example/hook` },
    secret: { signingSecret: `${mark}-signing-secret-of-thirty-two-chars` },
  });
  const rule = await store.addAlertRule(org, { channelId: channel.id, controlIds: ['MFA-01'] });
  // A pass, then the failing run: the regression is an alert delivery of A's.
  const first = await store.createRun(org, { tenantId: tenant.id, trigger: 'manual' });
  await store.writeResults(org, first.id, [{ ...result('MFA-01', `${mark}-subject`), status: 'pass', failing: [] }]);
  await store.finishRun(org, first.id, { status: 'succeeded' });
  const run = await store.createRun(org, {
    tenantId: tenant.id,
    trigger: 'manual',
    startedAt: new Date(Date.now() + 1000),
  });
  const { alerts } = await store.writeResults(org, run.id, [result('MFA-01', `${mark}-subject`)]);
  await store.finishRun(org, run.id, { status: 'succeeded' });
  const request = await owner.call.exceptions.create({
    tenantId: tenant.id,
    controlId: 'MFA-01',
    subject: `${mark}-asked`,
    reason: `${mark} reason`,
    expiresAt: later(),
  });
  const exception = await store.createException(org, tenant.id, {
    controlId: 'MFA-01',
    subject: `${mark}-excepted`,
    reason: `${mark} reason`,
    approver: `ciso@${mark}.example`,
    expiresAt: later(),
  });
  const share = await owner.call.shares.create({
    tenantId: tenant.id,
    label: `${mark} share`,
    sections: ['status', 'history', 'evidence'],
    expiresInDays: 7,
  });
  const invitation = await owner.call.organization.invite({ email: `invitee@${mark}.example`, role: 'viewer' });
  await owner.call.organization.setBranding({ displayName: `${mark} brand`, logoUrl: null, accentColor: '#123456' });
  const device = new SoftAuthenticator(deps.webauthn!.origin);
  const passkey = await owner.call.passkeys.finishRegistration({
    name: `${mark} key`,
    response: device.create(await owner.call.passkeys.beginRegistration()),
  });
  const account = await store.createProviderAccount(org, {
    kind: 'github',
    name: `${mark} app`,
    config: { appId: 1, installations: [{ installationId: 5, org: mark, name: `${mark} customer` }] },
    secret: { privateKey: `${mark}-key` },
  });
  const imported = await store.createImport(org, {
    providerAccountId: account.id,
    items: [{ externalId: '5', name: `${mark} customer`, config: { org: mark } }],
    createdBy: 'usr_x',
  });
  const me = await owner.call.auth.me();
  const [session] = await owner.call.organization.sessions({ everyone: false });
  const ids: Ids = {
    org,
    tenant: tenant.id,
    run: run.id,
    connection: connection.id,
    share: share.id,
    exception: exception.id,
    exceptionRequest: request.requestId,
    user: me.user.id,
    session: session!.handle,
    invitation: invitation.id,
    email: me.user.email,
    passkey: passkey.id,
    credential: [...device.credentials.keys()][0]!,
    account: account.id,
    import: imported.id,
    channel: channel.id,
    rule: rule.id,
    delivery: alerts[0]!.id,
  };
  return { owner, ids, shareToken: share.token, markers: [mark, ...Object.values(ids)] };
}

async function call(who: Agent, path: string, input: unknown) {
  const fn = path.split('.').reduce<unknown>((at, key) => (at as Record<string, unknown>)[key], who.call) as (
    i: unknown,
  ) => Promise<unknown>;
  try {
    return { value: await fn(input) };
  } catch (error) {
    return { error };
  }
}

describeBothDrivers('isolation, generated from the router', (t) => {
  it('refuses every procedure to whoever may not call it, and leaks nothing to whoever may', async () => {
    const deps = testDeps(t().store, {
      connectors: { github: githubWithAccount },
      egress: egressPolicy('127.0.0.1:9'),
      webauthn: { origin: 'https://evident.example', rpId: 'evident.example', rpName: 'Evident' },
    });
    const a = await organization(deps, 'alphamark');
    const b = await organization(deps, 'bravomark');
    const second = await a.owner.call.tenant.create({ name: 'second tenant', kind: 'customer' });
    const viewer = await signedIn(deps, { email: 'viewer@alphamark.example', org: a.ids.org, role: 'viewer' });
    const pending = agent(deps);
    await signedIn(deps, { email: 'admin@alphamark.example', org: a.ids.org, role: 'admin' });
    await pending.call.auth.signIn({ email: 'admin@alphamark.example', password: PASSWORD });

    const procedures = Object.keys(appRouter._def.procedures).sort();
    expect(Object.keys(SPECS).sort(), 'every procedure needs its isolation cases').toEqual(procedures);

    const callers: Record<Case, Agent> = {
      a: agent(deps),
      b: b.owner,
      c: a.owner,
      d: viewer,
      e: agent(deps, { shareToken: b.shareToken }),
      f: pending,
    };
    let checked = 0;
    for (const path of procedures) {
      const spec = SPECS[path]!;
      for (const which of ['a', 'b', 'c', 'd', 'e', 'f'] as const) {
        const expected = spec.cases[which];
        if (typeof expected === 'object') continue;
        const ids = which === 'c' ? { ...a.ids, tenant: second.id } : a.ids;
        const outcome = await call(callers[which], path, spec.input?.(ids));
        const label = `${path} as (${which})`;
        if (expected === 'refused') {
          expect('error' in outcome, `${label} should be refused`).toBe(true);
          const error = (outcome as { error: unknown }).error;
          expect(error instanceof TRPCError && REFUSALS.has(error.code), `${label}: ${error}`).toBe(true);
        } else {
          expect('value' in outcome, `${label} failed: ${(outcome as { error?: unknown }).error}`).toBe(true);
          const text = JSON.stringify((outcome as { value: unknown }).value) ?? '';
          // (c) must not reach the first tenant's children; (f) is this organization's own caller, so B's markers.
          const other =
            which === 'c'
              ? [a.ids.run, a.ids.connection, a.ids.share, 'alphamark-subject']
              : which === 'f'
                ? b.markers
                : a.markers;
          expect(
            other.filter((m) => text.includes(m)),
            `${label} leaked the other side`,
          ).toEqual([]);
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(200);
    // Nothing of A's was changed by any of it.
    const results = await a.owner.call.tenant.results({ tenantId: a.ids.tenant });
    expect(results.results[0]).toMatchObject({ controlId: 'MFA-01', failingCount: 1 });
    expect((await a.owner.call.shares.list({ tenantId: a.ids.tenant }))[0]!.state).toBe('active');
    expect(await deps.store.readSecret(a.ids.org, a.ids.connection as never)).toEqual({ token: 'alphamark-secret' });
    expect((await a.owner.call.organization.verifyAudit()).valid).toBe(true);
  });
});
