import {
  type CollectionId,
  type ConflictError,
  type ConnectionId,
  type ControlResult,
  type ExceptionId,
  type ExceptionRequestId,
  type ImportId,
  NotFoundError,
  newId,
  type ProviderAccountId,
  type UserId,
} from '@evident/core';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignInPolicy, sha256 } from './repos/access.ts';
import type { Repositories, Store } from './store.ts';
import { gap, identity } from './testing/sample-facts.ts';
import {
  DRIVERS,
  describeBothDrivers,
  openRuntimeDatabase,
  openTestDatabase,
  type RuntimeDatabase,
  type Seeded,
  type TestDatabase,
} from './testing/test-databases.ts';

interface World extends Seeded {
  user: UserId;
  email: string;
  collection: CollectionId;
  exception: ExceptionId;
  exceptionRequest: ExceptionRequestId;
  share: string;
  invitation: string;
  sessionHash: string;
  shareHash: string;
  channel: string;
  rule: string;
  delivery: string;
  passkey: string;
  credentialId: string;
  account: ProviderAccountId;
  accountConnection: ConnectionId;
  import: ImportId;
  ids: string[];
}

const result = (controlId: string, status: ControlResult['status'], at: string, marker: string): ControlResult => ({
  controlId,
  status,
  coverage: { numerator: 1, denominator: 2 },
  reason: `${marker} reason`,
  failing: [],
  excepted: [],
  evidence: [],
  factsAsOf: null,
  evaluatedAt: at,
});

/**
 * An organization with a row in every table, every row carrying `name` (a marker no other organization uses) in
 * its text, so a leak shows in any output whatever its shape: names, configs, facts, reasons, audit data.
 */
async function world(store: Store, name: string): Promise<World> {
  const org = newId('org');
  await store.createOrganization(org, { name: `${name} MSP` });
  const tenant = (await store.createTenant(org, { name: `${name} tenant`, kind: 'customer' })).id;
  const connection = (
    await store.createConnection(org, {
      tenantId: tenant,
      kind: 'github',
      name: `${name}-gh`,
      config: { org: name },
      secret: { token: `${name}-secret` },
    })
  ).id;
  const run = (await store.createRun(org, { tenantId: tenant, trigger: 'manual' })).id;
  // Not marked: B echoes it back when it creates its own user with A's address.
  const email = `owner@${name.slice(0, 4)}-mail.example`;
  const user = await store.createUser(org, { email, role: 'owner', passwordHash: `${name}-hash` });
  await store.setTotpSecret(org, user.id, `${name}-totp`);
  const marked = { ...identity(connection, 1), name: `${name}@contoso.example` };
  const markedGap = { ...gap(connection), message: `${name} cannot read the audit log` };
  const { collection } = await store.writeCollection(org, run, connection, [marked, markedGap]);
  await store.writeResults(org, run, [result('MFA-01', 'pass', '2026-11-20T10:00:00.000Z', name)]);
  const channel = await store.createAlertChannel(org, {
    kind: 'webhook',
    name: `${name} hook`,
    config: { url: `https://${name}.example/hook` },
    secret: { signingSecret: `${name}-signing-secret-of-thirty-two-chars` },
  });
  const rule = await store.addAlertRule(org, { channelId: channel.id, controlIds: ['MFA-01'] });
  await store.muteTenantAlerts(org, { tenantId: tenant, until: new Date('2020-01-01T00:00:00Z') });
  const next = await store.createRun(org, {
    tenantId: tenant,
    trigger: 'schedule',
    startedAt: new Date(Date.now() + 1000),
  });
  const { alerts } = await store.writeResults(org, next.id, [
    result('MFA-01', 'fail', '2026-11-20T11:00:00.000Z', name),
  ]);
  const delivery = alerts[0]!.id;
  const exception = await store.createException(org, tenant, {
    controlId: 'MFA-01',
    subject: `${name}-u1`,
    reason: `${name} break glass`,
    approver: email,
    expiresAt: '2099-01-01T00:00:00.000Z',
  });
  const exceptionRequest = await store.requestException(org, tenant, {
    controlId: 'MFA-01',
    subject: `${name}-u2`,
    reason: `${name} service account`,
    expiresAt: '2099-01-01T00:00:00.000Z',
    requestedById: user.id,
    requestedBy: email,
  });
  await store.appendAudit(org, { actor: user.id, action: 'tenant.create', target: tenant, data: { name } });
  await store.raiseAuditAlert(org, { brokenAt: 1, problem: `${name} drill` });
  const kid = `kid-${name}-${newId('org').slice(4)}`;
  await store.addSigningKey(org, { kid, publicJwk: { kty: 'OKP', x: kid }, privateJwk: { d: `${name}-signing` } });
  const sessionHash = sha256(`${org}-session`);
  const later = new Date(Date.now() + 3_600_000);
  await store.createSession(org, sessionHash, {
    userId: user.id,
    credentialsVersion: 1,
    totpPassed: true,
    address: '127.0.0.1',
    userAgent: name,
    expiresAt: later,
  });
  await store.replaceRecoveryCodes(org, user.id, [sha256(`${name}-code`)]);
  const invitation = await store.createInvitation(org, sha256(`${org}-invite`), {
    email: `new@${name}.example`,
    role: 'analyst',
    invitedBy: user.id,
    expiresAt: later,
  });
  const shareHash = sha256(`${org}-share`);
  const share = await store.createShare(org, shareHash, {
    tenantId: tenant,
    label: `${name} auditors`,
    sections: ['status'],
    createdBy: user.id,
    expiresAt: later,
  });
  await store.recordShareAccess(org, share.id, { address: null, userAgent: name, what: 'share.view' });
  await store.setBranding(org, { displayName: `${name} brand`, logoUrl: null, accentColor: '#123456' });
  const passkey = await store.addPasskey(org, user.id, {
    id: newId('pky'),
    credentialId: `${name}-credential-${org.slice(4)}`,
    publicKey: Buffer.from(`${name}-public-key`),
    counter: 0,
    transports: ['internal'],
    deviceType: 'multiDevice',
    backedUp: true,
    name: `${name} laptop`,
    at: new Date(),
  });
  await store.setPasskeysRequired(org, true);
  await store.setSsoSettings(org, {
    tenantId: '11111111-2222-3333-4444-555555555555',
    clientId: '66666666-7777-8888-9999-000000000000',
    clientSecret: `${name}-sso-secret`,
    authority: `https://${name}.example`,
    jitRole: 'viewer',
  });
  const account = await store.createProviderAccount(org, {
    kind: 'github',
    name: `${name} app`,
    config: { appId: name },
    secret: { privateKey: `${name}-app-key` },
  });
  const accountConnection = await store.createConnection(org, {
    tenantId: tenant,
    kind: 'github',
    name: `${name}-app-gh`,
    config: { org: `${name}-org` },
    secret: { installationId: `${name}-installation` },
    providerAccountId: account.id,
    externalId: `${name}-installation`,
  });
  const imported = await store.createImport(org, {
    providerAccountId: account.id,
    items: [{ externalId: `${name}-x`, name: `${name} customer`, config: { org: `${name}-x` } }],
    createdBy: user.id,
  });
  await store.recordWatchRead(org, connection, {
    cursor: `${name}-cursor`,
    readAt: new Date(),
    events: [
      { id: `${name}-change`, at: new Date().toISOString(), actor: `${name}@example`, action: 'x', target: null },
    ],
    skipped: [{ id: `${name}-skipped`, reason: `${name} reason` }],
  });
  const ids = [
    account.id,
    accountConnection.id,
    imported.id,
    org,
    tenant,
    connection,
    run,
    next.id,
    user.id,
    collection.id,
    exception.id,
    kid,
    share.id,
    invitation.id,
    channel.id,
    rule.id,
    delivery,
    passkey.id,
  ];
  return {
    account: account.id,
    accountConnection: accountConnection.id,
    import: imported.id,
    passkey: passkey.id,
    credentialId: passkey.credentialId,
    org,
    tenant,
    connection,
    run,
    user: user.id,
    email,
    collection: collection.id,
    exception: exception.id,
    exceptionRequest: exceptionRequest.id,
    share: share.id,
    invitation: invitation.id,
    sessionHash,
    shareHash,
    channel: channel.id,
    rule: rule.id,
    delivery,
    ids,
  };
}

/** Everything organization A can read about itself, secrets included. */
async function everything(store: Store, a: World) {
  const all = async <T>(source: AsyncIterable<T>) => {
    const out: T[] = [];
    for await (const x of source) out.push(x);
    return out;
  };
  return {
    org: await store.getOrganization(a.org),
    users: await store.listUsers(a.org),
    hash: await store.readPasswordHash(a.org, a.user),
    totp: await store.readTotpSecret(a.org, a.user),
    tenants: await store.listTenants(a.org),
    connections: await store.listConnections(a.org),
    secret: await store.readSecret(a.org, a.connection),
    runs: await store.listRuns(a.org, a.tenant),
    collections: await store.listCollections(a.org, a.run),
    facts: await all(store.latestFacts(a.org, a.tenant)),
    results: await store.latestResults(a.org, a.tenant),
    drift: await store.listDrift(a.org, a.tenant),
    exceptions: await store.listExceptions(a.org, a.tenant),
    audit: await store.listAudit(a.org),
    signingKeys: await store.listSigningKeys(a.org),
    activeSigningKey: await store.activeSigningKey(a.org),
    alerts: await store.listAuditAlerts(a.org),
    sessions: await store.listSessions(a.org),
    codes: await store.unusedRecoveryCodes(a.org, a.user),
    invitations: await store.listInvitations(a.org),
    shares: await store.listShares(a.org, a.tenant),
    accesses: await store.listShareAccesses(a.org, a.share),
    branding: await store.getBranding(a.org),
    schedule: await store.getTenantSchedule(a.org, a.tenant),
    alertChannels: await store.listAlertChannels(a.org),
    alertChannel: await store.readAlertChannel(a.org, a.channel),
    alertRules: await store.listAlertRules(a.org),
    alertDeliveries: await store.listAlertDeliveries(a.org),
    passkeys: await store.listPasskeys(a.org, a.user),
    authSettings: await store.staffAuthSettings(a.org),
    ssoSecret: await store.readSsoClientSecret(a.org),
    accounts: await store.listProviderAccounts(a.org),
    accountSecret: await store.readProviderAccountSecret(a.org, a.account),
    effective: await store.readEffectiveConnection(a.org, a.accountConnection),
    links: await store.accountLinks(a.org),
    import: await store.getImport(a.org, a.import),
    importItems: await store.readImportItems(a.org, a.import),
    watches: await store.listWatches(a.org),
    cursor: await store.watchState(a.org, a.connection),
    runChanges: await store.runChanges(a.org, a.run),
  };
}

/** In every row of organization A; never in anything B is given. */
const MARKER = 'mkalphaqx';
const SIGN_IN_POLICY: SignInPolicy = { free: 5, firstMs: 30_000, maxMs: 900_000, forgetMs: 86_400_000 };

type Case = { expect: 'refused' | 'clean'; run: (b: World, a: World) => unknown };
const refused = (run: Case['run']): Case => ({ expect: 'refused', run });
const clean = (run: Case['run']): Case => ({ expect: 'clean', run });

/** One case per repository function: B, holding A's ids, either is refused or gets nothing of A's. */
const cases = (store: Store): Record<keyof Repositories, Case> => ({
  createOrganization: refused((_b, a) => store.createOrganization(a.org, { name: 'takeover' })),
  getOrganization: clean((b) => store.getOrganization(b.org)),
  createUser: clean((b, a) => store.createUser(b.org, { email: a.email, role: 'owner' })),
  getUser: refused((b, a) => store.getUser(b.org, a.user)),
  findUserByEmail: clean((b, a) => store.findUserByEmail(b.org, a.email)),
  listUsers: clean((b) => store.listUsers(b.org)),
  setUserRole: refused((b, a) => store.setUserRole(b.org, a.user, 'viewer')),
  setPasswordHash: refused((b, a) => store.setPasswordHash(b.org, a.user, 'mallory')),
  readPasswordHash: refused((b, a) => store.readPasswordHash(b.org, a.user)),
  setTotpSecret: refused((b, a) => store.setTotpSecret(b.org, a.user, 'mallory')),
  readTotpSecret: refused((b, a) => store.readTotpSecret(b.org, a.user)),
  spendTotpStep: clean((b, a) => store.spendTotpStep(b.org, a.user, 1)),
  createTenant: clean((b) => store.createTenant(b.org, { name: 'B2', kind: 'customer' })),
  createTenants: clean((b) => store.createTenants(b.org, [{ name: 'B3', kind: 'customer' }])),
  liveTenants: clean((b, a) => store.liveTenants(b.org, [a.tenant])),
  getTenant: refused((b, a) => store.getTenant(b.org, a.tenant)),
  listTenants: clean((b) => store.listTenants(b.org)),
  createConnection: refused((b, a) =>
    store.createConnection(b.org, { tenantId: a.tenant, kind: 'github', name: 'x', config: {}, secret: {} }),
  ),
  createConnections: refused((b, a) =>
    store.createConnections(b.org, [
      { tenantId: a.tenant, kind: 'github', name: 'x', config: {}, secret: {}, externalId: 'x' },
    ]),
  ),
  getConnection: refused((b, a) => store.getConnection(b.org, a.connection)),
  listConnections: clean((b, a) => store.listConnections(b.org, { tenantId: a.tenant })),
  setConnectionStatus: refused((b, a) => store.setConnectionStatus(b.org, a.connection, 'disabled', 'x')),
  replaceSecret: refused((b, a) => store.replaceSecret(b.org, a.connection, { token: 'mallory' })),
  updateConnectionConfig: refused((b, a) => store.updateConnectionConfig(b.org, a.connection, { org: 'mallory' })),
  readSecret: refused((b, a) => store.readSecret(b.org, a.connection)),
  getRun: refused((b, a) => store.getRun(b.org, a.run)),
  createRun: refused((b, a) => store.createRun(b.org, { tenantId: a.tenant, trigger: 'manual' })),
  listRuns: clean((b, a) => store.listRuns(b.org, a.tenant)),
  finishRun: refused((b, a) => store.finishRun(b.org, a.run, { status: 'failed', error: 'x' })),
  writeCollection: refused((b, a) => store.writeCollection(b.org, b.run, a.connection, [identity(a.connection, 9)])),
  getCollection: refused((b, a) => store.getCollection(b.org, a.collection)),
  listCollections: clean((b, a) => store.listCollections(b.org, a.run)),
  collectionFacts: clean((b, a) => store.collectionFacts(b.org, a.collection)),
  latestCollections: clean((b, a) => store.latestCollections(b.org, a.tenant)),
  latestFacts: clean((b, a) => store.latestFacts(b.org, a.tenant)),
  writeResults: refused((b, a) =>
    store.writeResults(b.org, a.run, [result('LOG-01', 'fail', '2026-11-21T00:00:00Z', 'bravo')]),
  ),
  runResults: clean((b, a) => store.runResults(b.org, a.run)),
  latestResults: clean((b, a) => store.latestResults(b.org, a.tenant)),
  runResultHeads: clean((b, a) => store.runResultHeads(b.org, a.run)),
  resultSubjects: clean((b, a) => store.resultSubjects(b.org, a.run, 'MFA-01', 'failing')),
  resultHistory: clean((b, a) => store.resultHistory(b.org, a.tenant, 'MFA-01')),
  listDrift: clean((b, a) => store.listDrift(b.org, a.tenant)),
  createException: refused((b, a) =>
    store.createException(b.org, a.tenant, {
      controlId: '*',
      subject: 'x',
      reason: 'x',
      approver: 'x',
      expiresAt: '2099-01-01T00:00:00Z',
    }),
  ),
  listExceptions: clean((b, a) => store.listExceptions(b.org, a.tenant)),
  activeExceptions: clean((b, a) => store.activeExceptions(b.org, a.tenant)),
  listTenantSchedules: clean((b) => store.listTenantSchedules(b.org)),
  expireException: refused((b, a) => store.expireException(b.org, a.exception)),
  requestException: refused((b, a) =>
    store.requestException(b.org, a.tenant, {
      controlId: '*',
      subject: 'x',
      reason: 'x',
      expiresAt: '2099-01-01T00:00:00Z',
      requestedById: b.user,
      requestedBy: 'mallory@b.example',
    }),
  ),
  listExceptionRequests: clean((b, a) => store.listExceptionRequests(b.org, a.tenant)),
  decideExceptionRequest: refused((b, a) =>
    store.decideExceptionRequest(b.org, a.exceptionRequest, { approve: true, by: 'mallory@b.example', at: new Date() }),
  ),
  appendAudit: clean((b) => store.appendAudit(b.org, { actor: 'mallory', action: 'tenant.read' })),
  raiseAuditAlert: clean((b) => store.raiseAuditAlert(b.org, { brokenAt: 1, problem: 'bravo' })),
  listAuditAlerts: clean((b) => store.listAuditAlerts(b.org)),
  listAudit: clean((b) => store.listAudit(b.org)),
  verifyAuditChain: clean((b) => store.verifyAuditChain(b.org)),
  addSigningKey: clean((b) =>
    store.addSigningKey(b.org, { kid: `kid-mallory-${newId('org').slice(4)}`, publicJwk: {}, privateJwk: {} }),
  ),
  activeSigningKey: clean((b) => store.activeSigningKey(b.org)),
  listSigningKeys: clean((b) => store.listSigningKeys(b.org)),
  renameTenant: refused((b, a) => store.renameTenant(b.org, a.tenant, 'mallory')),
  deleteTenant: refused((b, a) => store.deleteTenant(b.org, a.tenant)),
  getTenantSchedule: refused((b, a) => store.getTenantSchedule(b.org, a.tenant)),
  setTenantSchedule: refused((b, a) => store.setTenantSchedule(b.org, a.tenant, { everyMs: 60_000 })),
  confirmTotp: refused((b, a) => store.confirmTotp(b.org, a.user)),
  setUserDisabled: refused((b, a) => store.setUserDisabled(b.org, a.user, true)),
  // Global by design: an e-mail address, a session or share token, an invitation token are the credential.
  staffAccountsByEmail: clean((b) => store.staffAccountsByEmail(b.email)),
  findSession: clean((b) => store.findSession(b.sessionHash)),
  findShareByToken: clean((b) => store.findShareByToken(b.shareHash)),
  acceptInvitation: clean(() => store.acceptInvitation(sha256('nobody-invite'))),
  signInLock: clean(() => store.signInLock('account:nobody@example.com')),
  takeSignInAttempt: clean(() => store.takeSignInAttempt('account:nobody@example.com', SIGN_IN_POLICY)),
  releaseSignInAttempt: clean(() => store.releaseSignInAttempt('account:nobody@example.com', SIGN_IN_POLICY)),
  clearSignInFailures: clean(() => store.clearSignInFailures('account:nobody@example.com')),
  createSession: refused((b, a) =>
    store.createSession(b.org, sha256('mallory'), {
      userId: a.user,
      credentialsVersion: 1,
      totpPassed: true,
      address: null,
      userAgent: null,
      expiresAt: new Date(Date.now() + 60_000),
    }),
  ),
  touchSession: clean((b, a) => store.touchSession(b.org, a.sessionHash)),
  revokeSession: refused((b, a) => store.revokeSession(b.org, a.sessionHash)),
  revokeUserSessions: clean((b, a) => store.revokeUserSessions(b.org, a.user)),
  revokeSessionsWithoutPasskey: clean((b) => store.revokeSessionsWithoutPasskey(b.org, ['owner', 'admin'], 'none')),
  listSessions: clean((b, a) => store.listSessions(b.org, { userId: a.user })),
  replaceRecoveryCodes: refused((b, a) => store.replaceRecoveryCodes(b.org, a.user, [sha256('mallory')])),
  useRecoveryCode: clean((b, a) => store.useRecoveryCode(b.org, a.user, sha256(`${MARKER}-code`))),
  unusedRecoveryCodes: clean((b, a) => store.unusedRecoveryCodes(b.org, a.user)),
  createInvitation: clean((b) =>
    store.createInvitation(b.org, sha256(`${b.org}-invite-2`), {
      email: 'x@bravo.example',
      role: 'viewer',
      invitedBy: b.user,
      expiresAt: new Date(Date.now() + 60_000),
    }),
  ),
  listInvitations: clean((b) => store.listInvitations(b.org)),
  revokeInvitation: refused((b, a) => store.revokeInvitation(b.org, a.invitation)),
  createShare: refused((b, a) =>
    store.createShare(b.org, sha256('mallory-share'), {
      tenantId: a.tenant,
      label: 'x',
      sections: ['status'],
      createdBy: b.user,
      expiresAt: new Date(Date.now() + 60_000),
    }),
  ),
  listShares: clean((b, a) => store.listShares(b.org, a.tenant)),
  getShare: refused((b, a) => store.getShare(b.org, a.share)),
  revokeShare: refused((b, a) => store.revokeShare(b.org, a.share)),
  recordShareAccess: refused((b, a) =>
    store.recordShareAccess(b.org, a.share, { address: null, userAgent: null, what: 'x' }),
  ),
  listShareAccesses: clean((b, a) => store.listShareAccesses(b.org, a.share)),
  getBranding: clean((b) => store.getBranding(b.org)),
  setBranding: clean((b) => store.setBranding(b.org, { displayName: 'B', logoUrl: null, accentColor: '#000000' })),
  latestResultSummaries: clean((b, a) => store.latestResultSummaries(b.org, a.tenant)),
  portfolioCells: clean((b) => store.portfolioCells(b.org)),
  portfolioTrend: clean((b) => store.portfolioTrend(b.org, new Date(0))),
  portfolioStamp: clean((b) => store.portfolioStamp(b.org)),
  connectionHealth: clean((b, a) => store.connectionHealth(b.org, a.tenant)),
  evidencePage: clean((b, a) => store.evidencePage(b.org, a.run, 'MFA-01', { kind: 'failing' })),
  createAlertChannel: clean((b) =>
    store.createAlertChannel(b.org, { kind: 'slack', name: 'b', config: {}, secret: { url: 'https://b.example' } }),
  ),
  listAlertChannels: clean((b) => store.listAlertChannels(b.org)),
  readAlertChannel: refused((b, a) => store.readAlertChannel(b.org, a.channel)),
  addAlertRule: refused((b, a) => store.addAlertRule(b.org, { channelId: a.channel })),
  listAlertRules: clean((b) => store.listAlertRules(b.org)),
  removeAlertRule: refused((b, a) => store.removeAlertRule(b.org, a.rule)),
  muteTenantAlerts: refused((b, a) => store.muteTenantAlerts(b.org, { tenantId: a.tenant, until: new Date() })),
  getAlertDelivery: refused((b, a) => store.getAlertDelivery(b.org, a.delivery)),
  listAlertDeliveries: clean((b, a) => store.listAlertDeliveries(b.org, { tenantId: a.tenant })),
  markAlertDelivered: refused((b, a) => store.markAlertDelivered(b.org, a.delivery, new Date())),
  recordAlertFailure: refused((b, a) => store.recordAlertFailure(b.org, a.delivery, { error: 'x', dead: true })),
  retryAlertDelivery: refused((b, a) => store.retryAlertDelivery(b.org, a.delivery)),
  getAlertChannel: refused((b, a) => store.getAlertChannel(b.org, a.channel)),
  updateAlertChannel: refused((b, a) => store.updateAlertChannel(b.org, a.channel, { name: 'mallory' })),
  removeAlertChannel: refused((b, a) => store.removeAlertChannel(b.org, a.channel)),
  updateAlertRule: refused((b, a) => store.updateAlertRule(b.org, a.rule, { channelId: a.channel })),
  listAlertMutes: clean((b) => store.listAlertMutes(b.org)),
  pageAlertDeliveries: clean((b, a) => store.pageAlertDeliveries(b.org, { tenantId: a.tenant })),
  latestRunOf: clean((b, a) => store.latestRunOf(b.org, a.tenant)),
  assessedTenants: clean((b) => store.assessedTenants(b.org)),
  addTestAlert: refused(async (b, a) =>
    store.addTestAlert(b.org, { channelId: a.channel, event: (await store.getAlertDelivery(a.org, a.delivery)).event }),
  ),
  setAlertPsaCompany: refused((b, a) =>
    store.setAlertPsaCompany(b.org, { channelId: a.channel, tenantId: a.tenant, companyId: '1', companyName: 'x' }),
  ),
  removeAlertPsaCompany: clean((b, a) => store.removeAlertPsaCompany(b.org, a.channel, a.tenant)),
  alertPsaCompany: clean((b, a) => store.alertPsaCompany(b.org, a.channel, a.tenant)),
  listAlertPsaCompanies: clean((b, a) => store.listAlertPsaCompanies(b.org, a.channel)),
  recordAlertPsaTicket: refused((b, a) =>
    store.recordAlertPsaTicket(b.org, {
      ...{ channelId: a.channel, tenantId: a.tenant, controlId: 'MFA-01', ref: 'EV-1', ticketId: '1' },
      ...{ action: 'opened', at: new Date() },
    }),
  ),
  raiseAlertNotices: refused((b, a) =>
    store.raiseAlertNotices(b.org, [
      {
        ...{ type: 'connection.attention', tenantId: a.tenant, cause: 'auth_failed', controlId: null, runId: null },
        ...{ subject: { kind: 'connection', id: 'con_x', name: 'x' }, reason: 'x', expiresAt: null },
        ...{ at: new Date().toISOString(), dedupeKey: 'x' },
      },
    ]),
  ),
  listAlertPsaTickets: clean((b, a) => store.listAlertPsaTickets(b.org, { tenantId: a.tenant })),
  openAlertDigest: clean((b, a) => store.openAlertDigest(b.org, a.rule, new Date())),
  claimAlertDigest: clean((b, a) => store.claimAlertDigest(b.org, a.rule, new Date(), new Date())),
  markAlertDigestDelivered: clean((b) => store.markAlertDigestDelivered(b.org, 'ald_x', new Date())),
  recordAlertDigestFailure: clean((b) =>
    store.recordAlertDigestFailure(b.org, 'ald_x', { error: 'x', dead: true, retryAt: new Date() }),
  ),
  getAlertDigest: refused((b) => store.getAlertDigest(b.org, 'ald_x')),
  listAlertDigests: clean((b) => store.listAlertDigests(b.org)),
  retryAlertDigest: clean((b) => store.retryAlertDigest(b.org, 'ald_x')),
  addPasskey: refused((b, a) =>
    store.addPasskey(b.org, a.user, {
      id: newId('pky'),
      credentialId: 'mallory-credential-0001',
      publicKey: Buffer.from('x'),
      counter: 0,
      transports: [],
      deviceType: 'singleDevice',
      backedUp: false,
      name: 'mallory',
      at: new Date(),
    }),
  ),
  listPasskeys: clean((b, a) => store.listPasskeys(b.org, a.user)),
  usePasskey: clean((b, a) => store.usePasskey(b.org, a.passkey, 99, new Date())),
  renamePasskey: refused((b, a) => store.renamePasskey(b.org, a.user, a.passkey, 'mallory')),
  deletePasskey: refused((b, a) => store.deletePasskey(b.org, a.user, a.passkey)),
  deleteUserPasskeys: clean((b, a) => store.deleteUserPasskeys(b.org, a.user)),
  // Global by design: the credential id is what the authenticator presents; a ceremony key is the browser's.
  passkeyByCredential: clean(() => store.passkeyByCredential('nobody-credential-0001')),
  putAuthFlow: clean(() =>
    store.putAuthFlow({ keyHash: sha256('x'), purpose: 'x', data: {}, expiresAt: new Date() }, new Date()),
  ),
  takeAuthFlow: clean(() => store.takeAuthFlow(sha256('nobody'), 'x', new Date())),
  staffAuthSettings: clean((b) => store.staffAuthSettings(b.org)),
  setPasskeysRequired: clean((b) => store.setPasskeysRequired(b.org, false)),
  setSsoSettings: clean((b) => store.setSsoSettings(b.org, null)),
  readSsoClientSecret: clean((b) => store.readSsoClientSecret(b.org)),
  createProviderAccount: clean((b) =>
    store.createProviderAccount(b.org, { kind: 'github', name: 'B app', config: {}, secret: {} }),
  ),
  getProviderAccount: refused((b, a) => store.getProviderAccount(b.org, a.account)),
  listProviderAccounts: clean((b) => store.listProviderAccounts(b.org)),
  renameProviderAccount: refused((b, a) => store.renameProviderAccount(b.org, a.account, 'mallory')),
  updateProviderAccountConfig: refused((b, a) => store.updateProviderAccountConfig(b.org, a.account, { k: 'm' })),
  rotateProviderAccountSecret: refused((b, a) => store.rotateProviderAccountSecret(b.org, a.account, { k: 'm' })),
  readProviderAccountSecret: refused((b, a) => store.readProviderAccountSecret(b.org, a.account)),
  deleteProviderAccount: refused((b, a) => store.deleteProviderAccount(b.org, a.account)),
  // Global by design: ids only, and only of organizations reaching the customer asked about.
  organizationsReaching: clean(() => store.organizationsReaching('github', 'org', 'nobody-org')),
  readEffectiveConnection: refused((b, a) => store.readEffectiveConnection(b.org, a.accountConnection)),
  accountLinks: clean((b, a) => store.accountLinks(b.org, { providerAccountId: a.account })),
  createImport: refused((b, a) =>
    store.createImport(b.org, {
      providerAccountId: a.account,
      items: [{ externalId: 'x', name: 'x', config: {} }],
      createdBy: 'mallory',
    }),
  ),
  getImport: refused((b, a) => store.getImport(b.org, a.import)),
  readImportItems: refused((b, a) => store.readImportItems(b.org, a.import)),
  advanceImport: clean((b, a) => store.advanceImport(b.org, a.import, { from: 0, to: 1, created: [], failures: [] })),
  finishImport: refused((b, a) => store.finishImport(b.org, a.import, 'mallory')),
  watchState: clean((b, a) => store.watchState(b.org, a.connection)),
  recordCollectionCost: refused((b, a) => store.recordCollectionCost(b.org, a.connection, 1)),
  listWatches: clean((b, a) => store.listWatches(b.org, { tenantId: a.tenant })),
  recordWatchRead: refused((b, a) =>
    store.recordWatchRead(b.org, a.connection, { cursor: 'mallory', readAt: new Date(), events: [] }),
  ),
  recordWatchFailure: refused((b, a) =>
    store.recordWatchFailure(b.org, a.connection, { code: 'auth_failed', message: 'mallory', at: new Date() }),
  ),
  takePendingChanges: clean((b, a) => store.takePendingChanges(b.org, a.tenant)),
  setRunChanges: refused((b, a) => store.setRunChanges(b.org, a.run, [])),
  runChanges: refused((b, a) => store.runChanges(b.org, a.run)),
  changesOfRuns: clean((b, a) => store.changesOfRuns(b.org, [a.run])),
});

async function settle(value: unknown): Promise<{ error: unknown } | { value: unknown }> {
  try {
    if (value && typeof value === 'object' && Symbol.asyncIterator in value) {
      const out: unknown[] = [];
      for await (const x of value as AsyncIterable<unknown>) out.push(x);
      return { value: out };
    }
    return { value: await value };
  } catch (error) {
    return { error };
  }
}

/** B, holding A's ids, is refused by every function or gets nothing of A's; A's data is unchanged after. */
async function checkEveryFunction(store: Store): Promise<void> {
  const a = await world(store, MARKER);
  const b = await world(store, 'bravo');
  expect(JSON.stringify(await everything(store, a)).split(MARKER).length).toBeGreaterThan(12);
  const before = await everything(store, a);
  const table = cases(store);
  const exposed = (text: string) => a.ids.filter((id) => text.includes(id));
  const { transaction: _, ...functions } = store;
  expect(Object.keys(table).sort()).toEqual(Object.keys(functions).sort());

  for (const [name, c] of Object.entries(table)) {
    const outcome = await settle(c.run(b, a));
    if (c.expect === 'refused') {
      expect('error' in outcome, `${name} should be refused`).toBe(true);
      const error = (outcome as { error: Error }).error;
      expect(error instanceof NotFoundError || (error as ConflictError).code === 'conflict', `${name}: ${error}`).toBe(
        true,
      );
    } else {
      expect('value' in outcome, `${name} failed: ${(outcome as { error?: unknown }).error}`).toBe(true);
      const text = JSON.stringify((outcome as { value: unknown }).value) ?? '';
      expect(exposed(text), `${name} returned rows of the other organization`).toEqual([]);
      expect(text.toLowerCase(), `${name} returned something of the other organization`).not.toContain(MARKER);
    }
  }
  expect(await everything(store, a)).toEqual(before);
  expect(await store.verifyAuditChain(a.org)).toMatchObject({ valid: true, events: 1 });
}

describeBothDrivers('isolation between organizations', (t) => {
  it('holds for every repository function: refused, or nothing of the other organization', async () => {
    await checkEveryFunction(t().store);
  });

  it('holds inside a transaction too', async () => {
    const { store } = t();
    const a = await world(store, 'alpha');
    const b = await world(store, 'bravo');
    await expect(store.transaction((tx) => tx.getTenant(b.org, a.tenant))).rejects.toBeInstanceOf(NotFoundError);
  });

  it("is enforced by the schema: a row cannot point at another organization's row", async () => {
    const { store, database } = t();
    const a = await world(store, 'alpha');
    const b = await world(store, 'bravo');
    const attempt = database.drizzle.execute(sql`
      insert into assessment_runs (id, organization_id, tenant_id, trigger, started_at)
      values (${newId('run')}, ${b.org}, ${a.tenant}, 'manual', now())`);
    await expect(attempt).rejects.toSatisfy((e: Error) => /assessment_runs_tenant_fk/.test(String(e.cause)));
  });
});

describe.each(DRIVERS)('isolation through the runtime role, row security on [%s]', (driver) => {
  let owner: TestDatabase | undefined;
  let runtime: RuntimeDatabase | undefined;
  beforeAll(async () => {
    owner = await openTestDatabase(driver);
    runtime = await openRuntimeDatabase(owner);
  }, 120_000);
  afterAll(async () => {
    await runtime?.close();
    await owner?.close();
  });

  it('holds for every repository function', async () => {
    await checkEveryFunction(runtime!.store);
  });
});
