import { DEFAULT_CONCURRENCY } from '@evident/connector-kit';
import type { Fact, GapFact } from '@evident/core';
import type { FaultSpec } from '@evident/simulators';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  byKey,
  type CollectOptions,
  calls,
  collect,
  type Run,
  scenarioOf,
  startWorld,
  type World,
} from './contract.fixture.ts';
import { DIAGNOSTICS_ROLE } from './permissions.ts';

const sc = scenarioOf('healthy');
let w: World;
let baseline: Run;
beforeAll(async () => {
  w = await startWorld(sc);
  baseline = await collect(w);
  expect(baseline.gaps).toEqual([]);
});
afterAll(() => w.close());
beforeEach(() => w.graph.faults.set(w.tenant, {}));

/** Faults count requests per tenant from the simulator's start; this makes "after n more requests" absolute. */
const later = (n: number) => calls(w) + n;

type Plain = Exclude<Fact, GapFact>;
const omit = (f: Plain, keys: string[]) => Object.fromEntries(Object.entries(f).filter(([k]) => !keys.includes(k)));

/**
 * Every fact of the clean run is there but the `missing` ones (by key prefix), equal but for the `hidden` fields,
 * which hold the values given instead; and nothing else is.
 */
function expectIntact(
  run: Run,
  hidden: Partial<Record<Plain['type'], Record<string, unknown>>>,
  missing: string[] = [],
) {
  const got = byKey(run);
  const truth = byKey(baseline);
  for (const key of got.keys()) expect(truth.has(key), `unexpected ${key}`).toBe(true);
  for (const [key, want] of truth) {
    const fact = got.get(key);
    if (missing.some((m) => key.startsWith(m))) {
      expect(fact, key).toBeUndefined();
      continue;
    }
    expect(fact, key).toBeDefined();
    const changed = hidden[want.type] ?? {};
    const fields = Object.keys(changed);
    expect(omit(fact!, fields), key).toEqual(omit(want, fields));
    expect(Object.fromEntries(fields.map((k) => [k, (fact as Record<string, unknown>)[k]])), key).toEqual(changed);
  }
}

describe('an access token refused mid-run', () => {
  // Sections run side by side, so which one meets the refusal first depends on timing; whichever it is, every
  // section not yet read says auth_failed, nothing starts after the refusal, and no fact is untrue.
  it.each([
    ['at the first reads', 3],
    ['among the membership and role reads', 8],
    ['in the report and the log reads', 14],
    ['in the last reads', 18],
  ])('%s: auth_failed for the rest, no further call, and nothing untrue', async (_, after) => {
    w.graph.faults.set(w.tenant, { tokenExpiresAfter: later(after) });
    const before = calls(w);
    const run = await collect(w);
    // Reads that run side by side may already be in flight when the first is refused; nothing starts after it.
    expect(calls(w) - before).toBeGreaterThanOrEqual(after + 1);
    expect(calls(w) - before).toBeLessThanOrEqual(after + DEFAULT_CONCURRENCY);
    expect(run.gaps.length).toBeGreaterThan(0);
    for (const gap of run.gaps)
      expect(gap).toMatchObject({ code: 'auth_failed', remedy: expect.stringMatching(/credentials/) });
    expect(run.gaps.flatMap((g) => g.covers)).toContain('logSource');
    const truth = byKey(baseline);
    for (const [key, fact] of byKey(run)) expect(fact, key).toEqual(truth.get(key));
  });
});

it('a tenant that does not exist: an auth_failed gap for every section and not one Graph call', async () => {
  const before = calls(w);
  const run = await collect(w, { config: { tenantId: 'no-such-tenant' } });
  expect(calls(w)).toBe(before);
  expect(run.facts).toEqual([]);
  expect(run.gaps.length).toBeGreaterThanOrEqual(8);
  for (const gap of run.gaps) expect(gap.code).toBe('auth_failed');
});

describe('a permission revoked mid-run', () => {
  it('AuditLog.Read.All: users from /users with registration unknown, log probes unknown, the rest intact', async () => {
    w.graph.faults.set(w.tenant, { revokePermission: { after: later(0), permission: 'AuditLog.Read.All' } });
    const run = await collect(w);
    expect(run.gaps.map((g) => [g.code, g.source, g.permission, g.covers])).toEqual([
      [
        'permission_missing',
        'GET /reports/authenticationMethods/userRegistrationDetails',
        'AuditLog.Read.All',
        ['identity.mfaRegistered', 'identity.methods', 'identity.phishingResistantRegistered'],
      ],
      ['permission_missing', 'GET /auditLogs/directoryAudits', 'AuditLog.Read.All', ['logSource.lastEventAt']],
      [
        'permission_missing',
        'GET /auditLogs/signIns',
        'AuditLog.Read.All and Directory.Read.All',
        ['logSource.lastEventAt'],
      ],
    ]);
    expectIntact(run, {
      identity: { source: 'GET /users', mfaRegistered: 'unknown', methods: [], phishingResistantRegistered: 'unknown' },
      logSource: { lastEventAt: 'unknown' },
    });
  });

  it('Policy.Read.All: security defaults and policies unknown, so is enforcement; the rest intact', async () => {
    w.graph.faults.set(w.tenant, { revokePermission: { after: later(0), permission: 'Policy.Read.All' } });
    const run = await collect(w);
    // Sections run side by side: their gaps come in the order they fail.
    expect(run.gaps.map((g) => [g.code, g.permission, g.covers]).sort()).toEqual(
      [
        ['permission_missing', 'Policy.Read.All', ['authPolicy', 'setting.entra.conditional_access']],
        ['permission_missing', 'Policy.Read.All', ['setting.entra.security_defaults']],
        // Unread cross-tenant settings may hide a population let in: enforcement cannot pass.
        ['permission_missing', 'Policy.Read.All', ['identity.mfaEnforced']],
        // Per-user MFA is read where no policy is known to enforce; it needs the same grant.
        ['permission_missing', 'Policy.Read.All', ['identity.perUserMfa']],
      ].sort(),
    );
    const enforcement = {
      mfaEnforced: 'unknown',
      enforcementSource: 'unknown',
      enforcementReason: 'unknown',
      phishingResistantEnforced: 'unknown',
      enforcementDetail: 'conditional-access policies could not be read',
    };
    expectIntact(run, { identity: enforcement }, [
      'authPolicy',
      'setting entra.security_defaults',
      'setting entra.conditional_access',
    ]);
  });

  it('the diagnostic-settings role: exports unknown behind a gap naming it; the rest intact', async () => {
    const permission = 'microsoft.aadiam/diagnosticSettings/read';
    w.graph.faults.set(w.tenant, { revokePermission: { after: later(0), permission } });
    const run = await collect(w);
    expect(run.gaps).toHaveLength(1);
    expect(run.gaps[0]).toMatchObject({ code: 'permission_missing', permission: DIAGNOSTICS_ROLE });
    expect(run.gaps[0]!.covers).toEqual(run.logs.map((l) => `logSource.${l.category}`));
    expectIntact(run, { logSource: { destinations: [] } });
  });
});

describe('a failure that does not pass', () => {
  /** Fails every request to one section's endpoint; every other request meets a healthy service. */
  const at = (endpoint: string, spec: Partial<FaultSpec>): CollectOptions => {
    w.graph.faults.set(w.tenant, { ...spec, endpoints: [endpoint] });
    return { tuning: { attempts: 3, throttleRetries: 1, timeoutMs: 200 } };
  };

  it.each<[string, Partial<FaultSpec>, string]>([
    ['5xx', { serverErrorShare: 1 }, 'provider_error'],
    ['reset', { resetShare: 1 }, 'provider_error'],
    ['timeout', { timeoutShare: 1 }, 'provider_error'],
    ['truncated body', { truncateShare: 1 }, 'provider_error'],
    ['throttling', { throttleShare: 1 }, 'throttled'],
  ])('%s: one gap for the section, everything else as it is', async (_, spec, code) => {
    const run = await collect(w, at('/v1.0/policies/authenticationMethodsPolicy', spec));
    expect(run.gaps).toHaveLength(1);
    expect(run.gaps[0]).toMatchObject({
      code,
      covers: ['setting.entra.weak_methods', 'setting.entra.methods_policy_migration'],
    });
    expectIntact(run, {}, ['setting entra.weak_methods', 'setting entra.methods_policy_migration']);
  });

  it('in the role reads: privilege from the report, and enforcement unknown where policies name roles', async () => {
    const run = await collect(w, at('/v1.0/roleManagement/directory/roleAssignments', { serverErrorShare: 1 }));
    expect(run.gaps.map((g) => [g.code, g.covers])).toEqual([
      ['provider_error', ['identity.privileged', 'identity.roles']],
    ]);
    expectIntact(run, {
      identity: {
        roles: [],
        mfaEnforced: 'unknown',
        enforcementSource: 'unknown',
        enforcementReason: 'unknown',
        phishingResistantEnforced: 'unknown',
        enforcementDetail: 'conditional-access policies could not be read',
      },
    });
  });
});
