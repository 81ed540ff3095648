import { ConnectorError } from '@evident/connector-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { createEntraConnector } from './connector.ts';
import { calls, contextFor, FAST, requests, scenarioOf, startWorld, type World } from './contract.fixture.ts';
import { AUDIT_LAG_MS, judgeEntry, MAX_ENTRY_BYTES } from './watch.ts';

const AUDITS = '/v1.0/auditLogs/directoryAudits';
const watch = createEntraConnector(FAST).watch!;

let w: World | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

/** The watcher runs on the real clock: the change API stamps its entries with it. */
const ctxOf = (world: World, now = () => new Date()) => contextFor(world, { init: { now } });
const enabledPolicy = (world: World) => world.dir.conditionalAccessPolicies.find((p) => p.state === 'enabled')!;

function entry(over: Record<string, unknown> = {}) {
  return {
    id: `Directory_${Math.random().toString(36).slice(2)}`,
    category: 'RoleManagement',
    result: 'success',
    activityDisplayName: 'Add member to role',
    activityDateTime: new Date().toISOString(),
    initiatedBy: { user: { userPrincipalName: 'ops@northwind.example' }, app: null },
    targetResources: [{ displayName: 'Global Administrator', type: 'Role' }],
    ...over,
  };
}

describe('the Entra watcher reads the directory audit log from a cursor', () => {
  it('the first read proves access and reports no history; the next reports a change with who, what and when', async () => {
    w = await startWorld(scenarioOf('healthy'));
    const ctx = ctxOf(w);
    const first = await watch.read(ctx, null);
    expect(first.events).toEqual([]);
    expect(requests(w, AUDITS)).toBe(1);

    const policy = enabledPolicy(w);
    const id = w.graph.changes.setConditionalAccessState(w.tenant, policy.id, 'disabled', {
      user: 'mallory@northwind.example',
    });
    const second = await watch.read(ctx, first.cursor);
    expect(second.events).toEqual([
      {
        id,
        at: expect.any(String),
        actor: 'mallory@northwind.example',
        action: 'Update conditional access policy',
        target: policy.displayName,
      },
    ]);
    expect(second.skipped).toEqual([]);
    // One request per read while the trail fits a page.
    expect(requests(w, AUDITS)).toBe(2);
  });

  it('an entry readable late, but within the lag, is still found by the next read', async () => {
    w = await startWorld(scenarioOf('healthy'));
    const ctx = ctxOf(w);
    const first = await watch.read(ctx, null);
    w.graph.changes.auditDelayMs = 60 * 60_000;
    const id = w.graph.changes.setSecurityDefaults(w.tenant, true);
    const happened = new Date();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const unseen = await watch.read(ctx, first.cursor);
    expect(unseen.events).toEqual([]);
    // Dated before the last read, readable only after it.
    w.graph.changes.auditDelayMs = 0;
    w.graph.changes.appendAudit(
      w.tenant,
      entry({ id: 'Directory_late', activityDateTime: happened.toISOString() }),
      happened,
    );
    const later = await watch.read(
      ctxOf(w, () => new Date(Date.now() + AUDIT_LAG_MS / 2)),
      unseen.cursor,
    );
    expect(later.events.map((e) => e.id)).toEqual(['Directory_late']);
    expect(later.events.map((e) => e.id)).not.toContain(id);
  });

  it('a stopped watcher catches up from its cursor, oldest first, with nothing from before it began', async () => {
    w = await startWorld(scenarioOf('healthy'));
    const ctx = ctxOf(w);
    const first = await watch.read(ctx, null);
    const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
    const ids: string[] = [];
    ids.push(w.graph.changes.setSecurityDefaults(w.tenant, true));
    await tick();
    ids.push(w.graph.changes.setConditionalAccessState(w.tenant, enabledPolicy(w).id, 'disabled'));
    await tick();
    ids.push(w.graph.changes.setSecurityDefaults(w.tenant, false));
    w.graph.changes.appendAudit(
      w.tenant,
      entry({ id: 'Directory_before', activityDateTime: new Date(Date.now() - 60_000).toISOString() }),
    );
    const caught = await watch.read(
      ctxOf(w, () => new Date(Date.now() + 3 * 3_600_000)),
      first.cursor,
    );
    expect(caught.events.map((e) => e.id)).toEqual(ids);
  });

  it('malformed, huge and foreign entries are skipped with a reason and never stop the read', async () => {
    w = await startWorld(scenarioOf('healthy'));
    const ctx = ctxOf(w);
    const first = await watch.read(ctx, null);
    const add = (e: Record<string, unknown>) => w!.graph.changes.appendAudit(w!.tenant, e);
    add(entry({ id: 'Directory_huge', activityDisplayName: 'x'.repeat(MAX_ENTRY_BYTES + 1) }));
    add(entry({ id: 42 }));
    add(entry({ id: 'Directory_types', initiatedBy: 'root', targetResources: { displayName: 7 } }));
    add(entry({ id: 'Directory_foreign', tenantId: 'contoso-msp' }));
    add(entry({ id: 'Directory_future', activityDateTime: '2099-01-01T00:00:00Z' }));
    add(entry({ id: 'Directory_device', category: 'Device' }));
    add(entry({ id: 'Directory_failed', result: 'failure' }));
    add(entry({ id: 'Directory_good' }));
    const read = await watch.read(ctx, first.cursor);
    expect(read.events.map((e) => e.id)).toEqual(['Directory_good']);
    expect(read.events[0]).toMatchObject({ actor: 'ops@northwind.example', target: 'Global Administrator' });
    const reasons = new Map(read.skipped.map((s) => [s.id, s.reason]));
    expect([...reasons.keys()].sort()).toEqual(
      ['Directory_foreign', 'Directory_future', 'Directory_huge', 'Directory_types', null].sort((a, b) =>
        String(a).localeCompare(String(b)),
      ),
    );
    expect(reasons.get('Directory_huge')).toMatch(/bytes/);
    expect(reasons.get('Directory_foreign')).toMatch(/another tenant/);
    expect(reasons.get(null)).toMatch(/^not a directory audit: id/);
  });

  it('a refused trail is a gap-coded ConnectorError, never an empty read', async () => {
    w = await startWorld(scenarioOf('healthy'));
    const ctx = ctxOf(w);
    const first = await watch.read(ctx, null);
    w.graph.faults.set(w.tenant, { revokePermission: { after: calls(w), permission: 'AuditLog.Read.All' } });
    const refused = await watch.read(ctx, first.cursor).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConnectorError);
    expect(refused).toMatchObject({ code: 'permission_missing', details: { permission: 'AuditLog.Read.All' } });
    await expect(watch.read(ctx, null)).rejects.toMatchObject({ code: 'permission_missing' });
  });

  it('a cursor older than a Free tenant keeps its log says that earlier changes may be missing', async () => {
    w = await startWorld(scenarioOf('healthy'));
    const old = new Date(Date.now() - 8 * 86_400_000).toISOString();
    const read = await watch.read(ctxOf(w), JSON.stringify({ v: 1, readAt: old, floor: old }));
    expect(read.skipped).toEqual([{ id: null, reason: expect.stringMatching(/keeps 7 days/) }]);
  });

  it('an unreadable cursor starts again from now', async () => {
    w = await startWorld(scenarioOf('healthy'));
    const read = await watch.read(ctxOf(w), '{"v":9}');
    expect(read.events).toEqual([]);
    expect(JSON.parse(read.cursor)).toMatchObject({ v: 1 });
  });
});

describe('judgeEntry', () => {
  it('a cyclic or non-object entry is skipped, not thrown', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(judgeEntry(cyclic, 't', 0, Date.now())).toMatchObject({ kind: 'skipped' });
    expect(judgeEntry('text', 't', 0, Date.now())).toMatchObject({ kind: 'skipped' });
    expect(judgeEntry(null, 't', 0, Date.now())).toMatchObject({ kind: 'skipped' });
  });
});
