import { type ChangeRead, ConnectorError, createLimiter } from '@evident/connector-kit';
import { scenario } from '@evident/simulators';
import { type GcpSimulator, startGcpSimulator } from '@evident/simulators/gcp';
import { afterEach, describe, expect, it } from 'vitest';
import { createGcpLoggingConnector } from './connector.ts';
import { contextFor, FAST, NOW } from './contract.fixture.ts';
import { GCP_LAG_MS, judge, MAX_PAGES } from './watch.ts';

const PROJECT = 'projects/nw-prod';
const ACTIVITY = `${PROJECT}/logs/cloudaudit.googleapis.com%2Factivity`;
const WORLD = scenario.parse({
  now: NOW.toISOString(),
  tenants: [
    {
      name: 'northwind',
      gcp: {
        projects: [
          {
            projectId: 'nw-prod',
            buckets: [{ id: 'keep', retentionDays: 400 }],
            sinks: [{ name: 'to-gcs', destination: 'storage.googleapis.com/nw-logs' }],
          },
        ],
      },
    },
  ],
});
const SECOND = 1000;
const ORG = 'organizations/42';
const ORG_WORLD = scenario.parse({
  now: NOW.toISOString(),
  tenants: [
    {
      name: 'northwind',
      gcp: {
        organizationId: '42',
        organizationSinks: [
          { name: 'org-audit', destination: 'bigquery.googleapis.com/projects/sec/datasets/a', includeChildren: true },
        ],
        projects: [
          { projectId: 'nw-prod', sinks: [{ name: 'to-gcs', destination: 'storage.googleapis.com/nw-logs' }] },
          { projectId: 'nw-dev' },
        ],
      },
    },
  ],
});

let sim: GcpSimulator | undefined;
let clock = NOW.getTime();
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

/** A simulator and a watcher sharing one clock the test moves; `calls` counts the limiter's slots taken. */
async function watching(resources = [PROJECT], pageSize?: number, world = WORLD) {
  clock = NOW.getTime();
  const s = await startGcpSimulator(world, { now: () => clock, worldNow: NOW });
  sim = s;
  const base = createLimiter({ concurrency: 2 });
  const limiter = {
    calls: 0,
    schedule: <T>(fn: () => Promise<T>, signal?: AbortSignal) => {
      limiter.calls++;
      return base.schedule(fn, signal);
    },
  };
  const ctx = contextFor(s, resources, { limiter, now: () => new Date(clock) });
  const watch = createGcpLoggingConnector({ ...FAST, ...(pageSize ? { pageSize } : {}) }).watch!;
  return { sim: s, limiter, read: (cursor: string | null) => watch.read(ctx, cursor) };
}

const ids = (r: ChangeRead) => r.events.map((e) => e.id);
const from = (r: ChangeRead) => (JSON.parse(r.cursor) as { from: number }).from;
const at = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1e6 });

describe('GCP change watch over the Admin Activity log, through the Logging client over gRPC', () => {
  it('finds a deleted sink once Cloud Logging shows it, and again in the overlapping read', async () => {
    const w = await watching();
    const first = await w.read(null);
    // The generated entries are hours old: the first read looks back only `lagMs`.
    expect(first.events).toEqual([]);
    expect(first.skipped).toEqual([]);
    expect(w.limiter.calls).toBe(1);

    clock += 30 * SECOND;
    w.sim.trail.delayMs = 90 * SECOND;
    const change = w.sim.trail.deleteSink(PROJECT, 'to-gcs', 'mallory@northwind.example');
    clock += 10 * SECOND;
    const early = await w.read(first.cursor);
    expect(early.events).toEqual([]);
    expect(from(early)).toBeGreaterThan(from(first));

    clock += 90 * SECOND;
    const seen = await w.read(early.cursor);
    expect(seen.events).toEqual([
      {
        id: change.insertId,
        at: new Date(NOW.getTime() + 30 * SECOND).toISOString(),
        actor: 'mallory@northwind.example',
        action: 'google.logging.v2.ConfigServiceV2.DeleteSink',
        target: `${PROJECT}/sinks/to-gcs`,
      },
    ]);
    expect(from(seen)).toBe(clock);

    clock += SECOND;
    const again = await w.read(seen.cursor);
    expect(ids(again)).toEqual([change.insertId]);
    expect(from(again)).toBeGreaterThan(from(seen));

    // Once a read has started more than the overlap after it, the next one does not read it again.
    clock += GCP_LAG_MS + SECOND;
    const later = await w.read(again.cursor);
    clock += SECOND;
    expect((await w.read(later.cursor)).events).toEqual([]);
  });

  it('reports only the calls that move a verdict, oldest first', async () => {
    const w = await watching();
    const first = await w.read(null);
    const t = w.sim.trail;
    clock += SECOND;
    const lock = t.record(
      PROJECT,
      'google.logging.v2.ConfigServiceV2.UpdateBucket',
      `${PROJECT}/locations/global/buckets/keep`,
    );
    clock += SECOND;
    t.record(
      PROJECT,
      'v1.compute.instances.insert',
      `${PROJECT}/zones/a/instances/vm`,
      'a@x',
      'compute.googleapis.com',
    );
    clock += SECOND;
    const iam = t.record(PROJECT, 'SetIamPolicy', PROJECT, 'owner@northwind.example');
    clock += SECOND;
    t.record(PROJECT, 'storage.setIamPermissions', 'projects/_/buckets/b', 'a@x', 'storage.googleapis.com');
    clock += SECOND;
    const exclusion = t.record(PROJECT, 'google.logging.v2.ConfigServiceV2.CreateExclusion', `${PROJECT}/exclusions/x`);
    clock += SECOND;
    const read = await w.read(first.cursor);
    expect(ids(read)).toEqual([lock.insertId, iam.insertId, exclusion.insertId]);
    expect(read.events[1]).toMatchObject({ action: 'SetIamPolicy', actor: 'owner@northwind.example', target: PROJECT });
    expect(read.skipped).toEqual([]);
  });

  it('skips entries whose payload is foreign, undecodable, huge or whose id is missing, and reads on', async () => {
    const w = await watching();
    const first = await w.read(null);
    const t = w.sim.trail;
    const base = { logName: ACTIVITY, resource: { type: 'audited_resource', labels: {} }, timestamp: at(clock) };
    const auditLog = 'type.googleapis.com/google.cloud.audit.AuditLog';
    t.inject(PROJECT, {
      ...base,
      insertId: 'foreign',
      protoPayload: { type_url: 'type.googleapis.com/x.Evil', value: Buffer.from('x') },
    });
    t.inject(PROJECT, {
      ...base,
      insertId: 'garbage',
      protoPayload: { type_url: auditLog, value: Buffer.from([0x42, 0xff, 0xff, 0xff]) },
    });
    t.inject(PROJECT, {
      ...base,
      insertId: 'huge',
      protoPayload: { type_url: auditLog, value: Buffer.alloc(70_000, 0x20) },
    });
    t.inject(PROJECT, { ...base, insertId: 'text', textPayload: 'DeleteSink' });
    const good = t.record(PROJECT, 'google.logging.v2.ConfigServiceV2.UpdateSink', `${PROJECT}/sinks/to-gcs`);
    t.inject(PROJECT, { ...base, protoPayload: good.protoPayload });
    clock += SECOND;
    const read = await w.read(first.cursor);
    expect(ids(read)).toEqual([good.insertId]);
    const reasons = Object.fromEntries(read.skipped.map((k) => [String(k.id), k.reason]));
    expect(Object.keys(reasons).sort()).toEqual(['foreign', 'garbage', 'huge', 'null', 'text']);
    expect(reasons.foreign).toMatch(/not an AuditLog \(type\.googleapis\.com\/x\.Evil\)/);
    expect(reasons.garbage).toMatch(/does not decode/);
    expect(reasons.huge).toMatch(/70000 bytes, more than/);
    expect(reasons.text).toMatch(/not an AuditLog \(none\)/);
    expect(reasons.null).toMatch(/malformed entry.*insertId/);
  });

  it('follows the page tokens, and a read cut short resumes where it stopped', async () => {
    const w = await watching([PROJECT], 2);
    const first = await w.read(null);
    const written: { id: string; at: number }[] = [];
    for (let i = 0; i < MAX_PAGES * 2 + 5; i++) {
      clock += 10;
      const e = w.sim.trail.record(PROJECT, 'google.logging.v2.ConfigServiceV2.UpdateSink', `${PROJECT}/sinks/s${i}`);
      written.push({ id: e.insertId, at: clock });
    }
    const one = await w.read(first.cursor);
    expect(ids(one)).toEqual(written.slice(0, MAX_PAGES * 2).map((e) => e.id));
    const last = written[MAX_PAGES * 2 - 1]!.at;
    expect(JSON.parse(one.cursor)).toEqual({ v: 1, from: clock, resume: { [PROJECT]: last } });
    const two = await w.read(one.cursor);
    expect(ids(two)).toEqual(written.slice(MAX_PAGES * 2 - 1).map((e) => e.id));
  });

  it('watching an organization reads its own log and those of the projects under it', async () => {
    const w = await watching([ORG], undefined, ORG_WORLD);
    const first = await w.read(null);
    clock += SECOND;
    const sink = w.sim.trail.deleteSink(PROJECT, 'to-gcs');
    clock += SECOND;
    const org = w.sim.trail.record(ORG, 'google.logging.v2.ConfigServiceV2.UpdateSink', `${ORG}/sinks/org-audit`);
    clock += SECOND;
    const before = w.sim.accounting.total({ endpoint: 'LoggingServiceV2.ListLogEntries' });
    const read = await w.read(first.cursor);
    expect(ids(read)).toEqual([sink.insertId, org.insertId]);
    expect(w.sim.accounting.total({ endpoint: 'LoggingServiceV2.ListLogEntries' }) - before).toBe(3);
  });

  it('watching an organization whose projects cannot be listed fails, rather than watching less', async () => {
    const w = await watching([ORG], undefined, ORG_WORLD);
    w.sim.faults.set('northwind', { revokePermission: { after: 0, permission: 'resourcemanager.projects.list' } });
    await expect(w.read(null)).rejects.toMatchObject({
      code: 'permission_missing',
      details: { permission: 'resourcemanager.projects.list' },
    });
  });

  it('an entry of another log is skipped, whatever it says', () => {
    const entry = {
      insertId: 'i',
      logName: 'projects/evil/logs/cloudaudit.googleapis.com%2Factivity',
      timestamp: at(clock),
    };
    expect(judge(entry, ACTIVITY, () => ({}))).toEqual({ skip: expect.stringMatching(/another log \(projects\/evil/) });
  });

  it('without logging.logEntries.list the trail is refused: permission_missing naming it', async () => {
    const w = await watching();
    w.sim.faults.set('northwind', { revokePermission: { after: 0, permission: 'logging.logEntries.list' } });
    const error = await w.read(null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).code).toBe('permission_missing');
    expect((error as ConnectorError).details.permission).toBe('logging.logEntries.list');
  });

  it('a cursor it did not write is refused, not taken as "no changes"', async () => {
    const w = await watching();
    await expect(w.read('not json')).rejects.toMatchObject({ code: 'provider_error' });
  });
});
