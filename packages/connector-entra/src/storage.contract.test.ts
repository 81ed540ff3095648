import type { LogDestination } from '@evident/core';
import { type LifecycleRule, scenario } from '@evident/simulators';
import { diagnosticDestinations } from '@evident/simulators/graph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, NOW, type Run, requests, startWorld, type World } from './contract.fixture.ts';
import { STORAGE_READER } from './permissions.ts';

const rule = (name: string, del: Record<string, number>, filters: object | undefined, more: object = {}) =>
  ({
    name,
    type: 'Lifecycle',
    ...more,
    definition: {
      actions: { baseBlob: { delete: del } },
      ...(filters ? { filters: { blobTypes: ['appendBlob'], ...filters } } : {}),
    },
  }) as LifecycleRule;

/** Storage accounts receiving the audit log, each with one shape of lifecycle or immutability. */
const ACCOUNTS: Record<string, object> = {
  // The container's own prefix keeps 400 days; a rule for every blob deletes after 200: the shorter wins.
  'prefix-and-all': {
    lifecycleRules: [
      rule('audit', { daysAfterModificationGreaterThan: 400 }, { prefixMatch: ['insights-logs-auditlogs'] }),
      rule('everything', { daysAfterCreationGreaterThan: 200 }, undefined),
    ],
  },
  // A prefix inside the container deletes part of the log; one for another container does not touch it.
  'inner-prefix': {
    lifecycleRules: [
      rule('tenant', { daysAfterModificationGreaterThan: 120 }, { prefixMatch: ['insights-logs-auditlogs/tenantId='] }),
      rule('other', { daysAfterModificationGreaterThan: 3 }, { prefixMatch: ['insights-logs-signinlogs'] }),
    ],
  },
  'last-access': {
    lifecycleRules: [rule('idle', { daysAfterLastAccessTimeGreaterThan: 60 }, { prefixMatch: ['insights-logs'] })],
  },
  // Disabled, block blobs only, and tiering: none of them deletes an append blob.
  'no-delete': {
    lifecycleRules: [
      rule('off', { daysAfterModificationGreaterThan: 5 }, undefined, { enabled: false }),
      {
        ...rule('blocks', { daysAfterModificationGreaterThan: 5 }, undefined),
        definition: {
          actions: { baseBlob: { delete: { daysAfterModificationGreaterThan: 5 } } },
          filters: { blobTypes: ['blockBlob'] },
        },
      },
      {
        name: 'archive',
        type: 'Lifecycle',
        definition: {
          actions: { baseBlob: { tierToArchive: { daysAfterModificationGreaterThan: 1 } } },
          filters: { blobTypes: ['appendBlob'] },
        },
      },
      rule('long', { daysAfterModificationGreaterThan: 500 }, undefined),
    ],
  },
  // Whether blob index tags select the logs cannot be told: the earlier delete leaves retention unknown.
  'index-tags': {
    lifecycleRules: [
      rule('long', { daysAfterModificationGreaterThan: 500 }, undefined),
      rule(
        'tagged',
        { daysAfterModificationGreaterThan: 10 },
        { blobIndexMatch: [{ name: 'x', op: '==', value: 'y' }] },
      ),
    ],
  },
  'locked-policy': { immutability: { days: 365, state: 'Locked' } },
  'unlocked-policy': { immutability: { days: 365, state: 'Unlocked' } },
  'short-lock': {
    lifecycleRules: [rule('long', { daysAfterModificationGreaterThan: 730 }, undefined)],
    immutability: { days: 30, state: 'Locked' },
  },
  'legal-hold': { legalHoldTags: ['litigation2026'] },
  'version-level': { lifecycleRules: [], immutability: { scope: 'account', days: 2555, state: 'Locked' } },
};

const sc = scenario.parse({
  name: 'storage',
  now: NOW,
  tenants: [
    {
      name: 'storage',
      entra: {
        tenantId: 'storage',
        users: 10,
        conditionalAccess: [],
        diagnosticSettings: Object.entries(ACCOUNTS).map(([name, storage]) => ({
          name,
          destination: 'storage',
          categories: ['AuditLogs'],
          retentionDays: 90,
          storage,
        })),
      },
    },
  ],
});

let w: World;
let run: Run;
let byName: (name: string) => LogDestination;
beforeAll(async () => {
  w = await startWorld(sc);
  run = await collect(w);
  const ids = new Map(diagnosticDestinations(w.dir.world, sc.seed).map((d) => [d.setting.name, d.resourceId]));
  const audit = run.logs.find((l) => l.category === 'admin_audit')!;
  byName = (name) => audit.destinations.find((d) => d.name === ids.get(name))!;
});
afterAll(() => w?.close());

const kept = (d: LogDestination) => {
  const { retentionDays, retentionAtLeast, locked, lockedDays } = d;
  return { retentionDays, retentionAtLeast, locked, lockedDays };
};
const plain = (retentionDays: number | 'unknown', locked: boolean | 'unknown' = false) => ({
  retentionDays,
  retentionAtLeast: undefined,
  locked,
  lockedDays: undefined,
});

describe('Entra logs in a storage account, as Azure applies its lifecycle rules', () => {
  it('the shortest delete that reaches the container wins, whichever age it counts', () => {
    expect(run.gaps.filter((g) => !g.covers.includes('identity.eligible'))).toEqual([]);
    expect(kept(byName('prefix-and-all'))).toEqual(plain(200));
    expect(kept(byName('inner-prefix'))).toEqual(plain(120));
    expect(kept(byName('last-access'))).toEqual(plain(60));
  });

  it('disabled rules, block-blob rules and tiering delete nothing', () => {
    expect(kept(byName('no-delete'))).toEqual(plain(500));
  });

  it('a rule whose reach cannot be told leaves retention unknown, not long', () => {
    expect(kept(byName('index-tags'))).toEqual(plain('unknown'));
  });

  it('reads each account once, and each log container', () => {
    const n = Object.keys(ACCOUNTS).length;
    expect(
      requests(
        w,
        '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Storage/storageAccounts/{account}/managementPolicies/default',
      ),
    ).toBe(n);
    expect(
      requests(
        w,
        '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroup}/providers/Microsoft.Storage/storageAccounts/{account}',
      ),
    ).toBe(n);
  });
});

describe('immutability policies and legal holds', () => {
  it('a locked policy locks the logs and keeps them at least its period', () => {
    expect(kept(byName('locked-policy'))).toEqual({ ...plain(365, true), lockedDays: 365 });
  });

  it('an unlocked policy keeps them while it stands but locks nothing', () => {
    expect(kept(byName('unlocked-policy'))).toEqual(plain(365, false));
  });

  it('a lock shorter than the delete holds only its own days', () => {
    expect(kept(byName('short-lock'))).toEqual({ ...plain(730, true), lockedDays: 30 });
  });

  it('a legal hold locks the logs for as long as it stands', () => {
    expect(kept(byName('legal-hold'))).toEqual(plain(90, true));
  });

  it("version-level immutability: the account's locked default covers the container; nothing deletes after it", () => {
    expect(kept(byName('version-level'))).toEqual({ ...plain(2555, true), retentionAtLeast: true, lockedDays: 2555 });
  });
});

describe('a storage account the app may not read', () => {
  it('leaves retention and lock unknown, behind a gap naming the role', async () => {
    w.graph.faults.set(w.tenant, {
      revokePermission: { after: 0, permission: 'Microsoft.Storage/storageAccounts/blobServices/containers/read' },
    });
    try {
      const refused = await collect(w);
      const audit = refused.logs.find((l) => l.category === 'admin_audit')!;
      for (const d of audit.destinations) expect(d.locked, d.name).not.toBe(false);
      const gaps = refused.gaps.filter((g) => !g.covers.includes('identity.eligible'));
      expect(gaps).toHaveLength(Object.keys(ACCOUNTS).length);
      for (const g of gaps) {
        expect(g).toMatchObject({ code: 'permission_missing', permission: STORAGE_READER });
        expect(g.covers).toEqual(['logSource.destinations.retentionDays', 'logSource.destinations.locked']);
      }
      // Lifecycle rules still read: a known delete stays, but only as a floor the unread policy may extend.
      const ids = new Map(diagnosticDestinations(w.dir.world, sc.seed).map((d) => [d.setting.name, d.resourceId]));
      const last = audit.destinations.find((d) => d.name === ids.get('last-access'))!;
      expect(kept(last)).toEqual({ ...plain(60, 'unknown'), retentionAtLeast: true });
      const locked = audit.destinations.find((d) => d.name === ids.get('locked-policy'))!;
      expect(kept(locked)).toEqual({ ...plain(90, 'unknown'), retentionAtLeast: true });
    } finally {
      w.graph.faults.set(w.tenant, {});
    }
  });
});
