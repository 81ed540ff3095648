import type { ControlResult } from '@evident/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listOrganizationIds } from './audit-anchor.ts';
import { pendingAlerts } from './pending-alerts.ts';
import { sha256 } from './repos/access.ts';
import { auditHash } from './repos/audit.ts';
import { staleRuns } from './stale-runs.ts';
import { identity } from './testing/sample-facts.ts';
import {
  DRIVERS,
  openRuntimeDatabase,
  openTestDatabase,
  type RuntimeDatabase,
  type Seeded,
  seed,
  type TestDatabase,
} from './testing/test-databases.ts';

const result = (status: ControlResult['status']): ControlResult => ({
  controlId: 'MFA-01',
  status,
  coverage: { numerator: 1, denominator: 2 },
  reason: 'r',
  failing: [],
  excepted: [],
  evidence: [],
  factsAsOf: null,
  evaluatedAt: new Date().toISOString(),
});

/** Every table with customer data; a new one is added here and to the row-security list of its migration. */
const CUSTOMER_TABLES = [
  'organizations',
  'staff_users',
  'tenants',
  'connections',
  'assessment_runs',
  'collections',
  'facts',
  'control_results',
  'drift_events',
  'exceptions',
  'audit_events',
  'audit_alerts',
  'signing_keys',
  'staff_sessions',
  'recovery_codes',
  'invitations',
  'shares',
  'share_accesses',
  'branding',
  'result_subjects',
  'alert_channels',
  'alert_rules',
  'alert_mutes',
  'alert_flaps',
  'alert_outbox',
];

describe.each(DRIVERS)('the runtime role [%s]', (driver) => {
  let owner: TestDatabase;
  let runtime: RuntimeDatabase;
  let a: Seeded;
  let b: Seeded;

  beforeAll(async () => {
    owner = await openTestDatabase(driver);
    runtime = await openRuntimeDatabase(owner);
    // Everything is written through the runtime role: its grants are enough for the product's work.
    a = await seed(runtime.store);
    b = await seed(runtime.store);
    for (const s of [a, b]) {
      await runtime.store.writeCollection(s.org, s.run, s.connection, [identity(s.connection, 1)]);
      await runtime.store.appendAudit(s.org, { actor: 'usr_1', action: 'tenant.create', target: s.tenant });
      await runtime.store.appendAudit(s.org, { actor: 'usr_1', action: 'connection.create', target: s.connection });
      await runtime.store.raiseAuditAlert(s.org, { brokenAt: 1, problem: 'drill' });
      await runtime.store.addSigningKey(s.org, {
        kid: `kid-${s.org}`,
        publicJwk: { kty: 'OKP' },
        privateJwk: { d: 'x' },
      });
      const user = await runtime.store.createUser(s.org, { email: `${s.org}@x.example`, role: 'owner' });
      const later = new Date(Date.now() + 3_600_000);
      await runtime.store.createSession(s.org, sha256(`${s.org}-session`), {
        userId: user.id,
        credentialsVersion: 1,
        totpPassed: true,
        address: null,
        userAgent: null,
        expiresAt: later,
      });
      await runtime.store.replaceRecoveryCodes(s.org, user.id, [sha256(`${s.org}-code`)]);
      await runtime.store.createInvitation(s.org, sha256(`${s.org}-invite`), {
        email: `invitee-${s.org.slice(-6).toLowerCase()}@x.example`,
        role: 'viewer',
        invitedBy: user.id,
        expiresAt: later,
      });
      const share = await runtime.store.createShare(s.org, sha256(`${s.org}-share`), {
        tenantId: s.tenant,
        label: 'auditors',
        sections: ['status'],
        createdBy: user.id,
        expiresAt: later,
      });
      await runtime.store.recordShareAccess(s.org, share.id, { address: null, userAgent: null, what: 'share.view' });
      await runtime.store.setBranding(s.org, { displayName: 'B', logoUrl: null, accentColor: '#000000' });
      const channel = await runtime.store.createAlertChannel(s.org, {
        kind: 'slack',
        name: 'ops',
        config: {},
        secret: { url: 'https://hooks.example/x' },
      });
      await runtime.store.addAlertRule(s.org, { channelId: channel.id });
      await runtime.store.muteTenantAlerts(s.org, { tenantId: s.tenant, until: new Date('2020-01-01T00:00:00Z') });
      await runtime.store.writeResults(s.org, s.run, [result('pass')]);
      const next = await runtime.store.createRun(s.org, {
        tenantId: s.tenant,
        trigger: 'schedule',
        startedAt: new Date(Date.now() + 1000),
      });
      await runtime.store.writeResults(s.org, next.id, [
        { ...result('fail'), failing: [{ connection: s.connection, subject: 'u1', why: 'not enforced' }] },
      ]);
      await runtime.store.createException(s.org, s.tenant, {
        controlId: 'MFA-01',
        subject: 'u1',
        reason: 'break glass',
        approver: 'x@x.example',
        expiresAt: '2099-01-01T00:00:00.000Z',
      });
    }
  }, 120_000);
  afterAll(async () => {
    await runtime?.close();
    await owner?.close();
  });

  it.each([
    ['replication mode, which skips triggers', 'set session_replication_role = replica', /permission denied/],
    ['disabling the append-only trigger', 'alter table audit_events disable trigger all', /must be (the )?owner/],
    ['disabling row security', 'alter table audit_events disable row level security', /must be (the )?owner/],
    ['an update', "update audit_events set actor = 'mallory'", /permission denied/],
    ['a delete', 'delete from audit_events', /permission denied/],
    ['a truncate', 'truncate audit_events', /permission denied/],
    ['dropping the table', 'drop table audit_events', /must be (the )?owner/],
    ['deleting an alert', 'delete from audit_alerts', /permission denied/],
  ])('cannot bypass the audit log by %s', async (_name, statement, refusal) => {
    await expect(runtime.sql(statement)).rejects.toThrow(refusal);
    expect(await runtime.store.verifyAuditChain(a.org)).toMatchObject({ valid: true, events: 2 });
  });

  it('sees no row of any customer table without the organization setting', async () => {
    for (const table of CUSTOMER_TABLES) {
      const owned = await runtime.ownerSql(`select count(*)::int as n from ${table}`);
      expect((owned[0] as { n: number }).n, `${table} is seeded`).toBeGreaterThan(0);
      const seen = await runtime.sql(`select count(*)::int as n from ${table}`);
      expect((seen[0] as { n: number }).n, `${table} without the setting`).toBe(0);
    }
  });

  it('finds what a credential or a sweep needs across organizations through the lookups, and nothing more', async () => {
    const session = await runtime.store.findSession(sha256(`${a.org}-session`));
    expect(session).toMatchObject({ organizationId: a.org });
    expect(await runtime.store.staffAccountsByEmail(`${b.org}@x.example`)).toEqual([
      { organizationId: b.org, userId: expect.any(String) },
    ]);
    expect(await runtime.store.findShareByToken(sha256(`${b.org}-share`))).toMatchObject({ organizationId: b.org });
    expect(await runtime.store.findShareByToken(sha256('nobody-share'))).toBeNull();
    expect(await runtime.store.acceptInvitation(sha256(`${a.org}-invite`))).toMatchObject({ organizationId: a.org });
    expect(await listOrganizationIds(runtime.database)).toEqual(expect.arrayContaining([a.org, b.org]));
    const stale = await staleRuns(runtime.database, new Date(Date.now() + 60_000));
    expect(stale.map((r) => r.organizationId)).toEqual(expect.arrayContaining([a.org, b.org]));
    const pending = await pendingAlerts(runtime.database, new Date(Date.now() + 60_000));
    expect(pending.map((r) => r.organizationId)).toEqual(expect.arrayContaining([a.org, b.org]));
    expect(Object.keys(pending[0]!).sort()).toEqual(['id', 'organizationId', 'round']);
  });

  it("sees only the organization's rows with the setting, and cannot write into another's", async () => {
    const rows = await runtime.sql(
      `select (select set_config('evident.organization_id', $1, false)) as s, (select count(*)::int from tenants) as n,
        (select count(*)::int from tenants where organization_id = $2) as other`,
      [a.org, b.org],
    );
    expect(rows[0]).toMatchObject({ n: 1, other: 0 });
    await expect(
      runtime.sql(
        `insert into audit_alerts (id, organization_id, broken_at, problem) values ('alert_x', $1, 1, 'forged')`,
        [b.org],
      ),
    ).rejects.toThrow(/row-level security/);
    await runtime.sql(`select set_config('evident.organization_id', '', false)`);
  });

  it('spends a TOTP step of its own organization, once', async () => {
    const user = await runtime.store.createUser(a.org, {
      email: `totp-${a.org.toLowerCase()}@x.example`,
      role: 'viewer',
    });
    await runtime.store.setTotpSecret(a.org, user.id, 'JBSWY3DPEHPK3PXP');
    expect(await runtime.store.spendTotpStep(a.org, user.id, 1)).toBe(true);
    expect(await runtime.store.spendTotpStep(a.org, user.id, 1)).toBe(false);
    expect(await runtime.store.spendTotpStep(b.org, user.id, 2)).toBe(false);
  });

  it('a rewrite with recomputed hashes fails verification: the HMAC key is not in the database', async () => {
    const [first] = await runtime.store.listAudit(a.org);
    const at = new Date(first!.at);
    const forged = { ...first!, actor: 'someone-else' };
    const hash = auditHash(first!.prevHash, forged);
    const [second] = await runtime.store.listAudit(a.org, { afterSeq: 1 });
    const nextHash = auditHash(hash, second!);
    // As the owner, who can switch the trigger off: rewrite event 1 and re-chain event 2 with fresh hashes.
    await runtime.ownerSql(
      `begin;
       alter table audit_events disable trigger audit_events_append_only;
       update audit_events set actor = '${forged.actor}', hash = '${hash}' where organization_id = '${a.org}' and seq = 1;
       update audit_events set prev_hash = '${hash}', hash = '${nextHash}' where organization_id = '${a.org}' and seq = 2;
       alter table audit_events enable trigger audit_events_append_only;
       commit;`.replace(/\n\s+/g, ' '),
    );
    expect(at.getTime()).toBeGreaterThan(0);
    const verdict = await runtime.store.verifyAuditChain(a.org);
    expect(verdict).toMatchObject({ valid: false, brokenAt: 1, problem: expect.stringMatching(/HMAC/) });
    expect(await runtime.store.verifyAuditChain(b.org)).toMatchObject({ valid: true });
  });
});
