import { githubConnector } from '@evident/connector-github';
import type { ControlResult } from '@evident/core';
import { openTestDatabase, type TestDatabase } from '@evident/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedIn, testDeps } from '../testing/index.ts';

/** Any connector with a `watch` member is watched; the API only reads what the watcher stored. */
const watching = {
  ...githubConnector,
  watch: { lagMs: 0, read: async () => ({ events: [], cursor: '', skipped: [] }) },
};

let db: TestDatabase;
beforeAll(async () => {
  db = await openTestDatabase('pglite');
}, 120_000);
afterAll(() => db?.close());

describe('connections.list says what each change watcher is doing', () => {
  it('waiting before its first read, watching with the last change seen, failing with the gap code', async () => {
    // A connector without a trail to watch, whatever the registry's GitHub connector does.
    const { watch: _, ...unwatched } = githubConnector;
    const deps = testDeps(db.store, { connectors: { entra: watching, github: unwatched } });
    const owner = await signedIn(deps, { email: 'watch@p.example' });
    const tenant = await owner.call.tenant.create({ name: 'Northwind', kind: 'customer' });
    const orgId = owner.org;
    const entra = await db.store.createConnection(orgId, {
      tenantId: tenant.id,
      kind: 'entra',
      name: 'entra',
      config: { tenantId: 'northwind' },
      secret: { clientSecret: 'x' },
    });
    await db.store.createConnection(orgId, {
      tenantId: tenant.id,
      kind: 'github',
      name: 'github',
      config: { org: 'northwind' },
      secret: { token: 'x' },
    });
    const watchOf = async (kind: string) =>
      (await owner.call.connections.list({ tenantId: tenant.id })).find((c) => c.kind === kind)!.watch;

    expect(await watchOf('github')).toBeNull();
    expect(await watchOf('entra')).toEqual({
      state: 'waiting',
      lastReadAt: null,
      lastChangeAt: null,
      error: null,
      pendingChanges: 0,
    });
    await db.store.recordWatchRead(orgId, entra.id, {
      cursor: 'c1',
      readAt: new Date('2026-12-07T09:10:00Z'),
      events: [
        {
          id: 'Directory_1',
          at: '2026-12-07T09:05:00Z',
          actor: 'mallory@northwind.example',
          action: 'Update conditional access policy',
          target: 'Require MFA for all users',
        },
      ],
    });
    expect(await watchOf('entra')).toEqual({
      state: 'watching',
      lastReadAt: '2026-12-07T09:10:00.000Z',
      lastChangeAt: '2026-12-07T09:05:00.000Z',
      error: null,
      pendingChanges: 1,
    });
    await db.store.recordWatchFailure(orgId, entra.id, {
      code: 'permission_missing',
      message: 'Graph refused the request (needs AuditLog.Read.All)',
      at: new Date('2026-12-07T09:20:00Z'),
    });
    expect(await watchOf('entra')).toMatchObject({
      state: 'failing',
      error: { code: 'permission_missing', at: '2026-12-07T09:20:00.000Z' },
    });
  });
});

const result = (controlId: string, status: ControlResult['status']): ControlResult => ({
  controlId,
  status,
  coverage: { numerator: 1, denominator: 1 },
  reason: 'r',
  failing: [],
  excepted: [],
  evidence: [],
  factsAsOf: null,
  evaluatedAt: new Date().toISOString(),
});

describe('tenant.drift names the change that set a change run off', () => {
  it('who did what, when, beside the status change it caused', async () => {
    const deps = testDeps(db.store, { connectors: { entra: watching } });
    const owner = await signedIn(deps, { email: 'drift@p.example' });
    const tenant = await owner.call.tenant.create({ name: 'Northwind', kind: 'customer' });
    const first = await db.store.createRun(owner.org, { tenantId: tenant.id, trigger: 'schedule' });
    await db.store.finishRun(owner.org, first.id, { status: 'succeeded' });
    await db.store.writeResults(owner.org, first.id, [result('MFA-01', 'pass')]);
    const second = await db.store.createRun(owner.org, { tenantId: tenant.id, trigger: 'change' });
    const change = {
      connectionId: 'con_00000000000000000000000000',
      id: 'Directory_1',
      at: '2026-12-07T09:05:00.000Z',
      actor: 'mallory@northwind.example',
      action: 'Update conditional access policy',
      target: 'Require MFA for all users',
    };
    await db.store.setRunChanges(owner.org, second.id, [change]);
    await db.store.finishRun(owner.org, second.id, { status: 'succeeded' });
    await db.store.writeResults(owner.org, second.id, [result('MFA-01', 'fail')]);
    const drift = await owner.call.tenant.drift({ tenantId: tenant.id });
    expect(drift.events).toEqual([
      expect.objectContaining({
        controlId: 'MFA-01',
        from: 'pass',
        to: 'fail',
        runId: second.id,
        changes: [{ at: change.at, actor: change.actor, action: change.action, target: change.target }],
      }),
    ]);
  });
});
