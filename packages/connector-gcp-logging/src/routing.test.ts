import { effectiveRetention } from '@evident/core';
import { describe, expect, it } from 'vitest';
import { parseDestination, route } from './routing.ts';
import { failure, type SinkInput, snapshotOf } from './snapshot.fixture.ts';
import { readKey } from './snapshot.ts';

const ORG = 'organizations/42';
const PROD = 'projects/acme-prod';
const CENTRAL = 'projects/acme-logs';
const archive = `logging.googleapis.com/${CENTRAL}/locations/global/buckets/audit-archive`;
const auditFilter = 'logName:"cloudaudit.googleapis.com"';

function estate(
  orgSinks: SinkInput[] = [{ name: 'audit', destination: archive, filter: auditFilter, includeChildren: true }],
) {
  return snapshotOf({
    [ORG]: { sinks: orgSinks },
    [PROD]: { parent: ORG },
    [CENTRAL]: { parent: ORG, buckets: [{ id: 'audit-archive', retentionDays: 3650, locked: true }] },
  });
}

describe('parseDestination', () => {
  it.each([
    [archive, { kind: 'log_bucket', owner: CENTRAL, bucket: `${CENTRAL}/locations/global/buckets/audit-archive` }],
    ['logging.googleapis.com/projects/other', { kind: 'log_bucket', owner: 'projects/other', bucket: null }],
    ['bigquery.googleapis.com/projects/sec/datasets/audit', { kind: 'bigquery', owner: 'projects/sec', bucket: null }],
    ['pubsub.googleapis.com/projects/sec/topics/siem', { kind: 'pubsub', owner: 'projects/sec', bucket: null }],
    ['storage.googleapis.com/acme-archive', { kind: 'storage', owner: null, bucket: null }],
    ['splunk.example.com/hec', { kind: 'stream', owner: null, bucket: null }],
  ])('%s', (destination, expected) => {
    expect(parseDestination(destination)).toEqual(expected);
  });
});

describe('route', () => {
  it('keeps Admin Activity natively in _Required and follows an aggregated sink to another project', () => {
    const r = route(estate(), PROD, 'admin_audit');
    expect(r.native).toEqual({ retentionDays: 400, locked: true });
    expect(r.destinations).toEqual([
      { kind: 'log_bucket', name: archive, boundary: 'separate', retentionDays: 3650, locked: true },
    ]);
    expect(r.missing.size).toBe(0);
    expect(effectiveRetention({ nativeRetentionDays: r.native.retentionDays, destinations: r.destinations })).toEqual({
      atLeast: 3650,
      exact: true,
    });
  });

  it('keeps Data Access natively in _Default, with the retention that bucket has', () => {
    const snapshot = snapshotOf({ [PROD]: { defaultRetentionDays: 90 } });
    expect(route(snapshot, PROD, 'data_access').native).toEqual({ retentionDays: 90, locked: false });
    expect(route(snapshot, PROD, 'admin_audit').destinations).toEqual([]);
  });

  it('keeps no Data Access natively when the _Default sink is disabled, excludes it, or is gone', () => {
    const excluded = { exclusions: [{ name: 'no-data', filter: 'LOG_ID("cloudaudit.googleapis.com/data_access")' }] };
    for (const defaultSink of [{ disabled: true }, excluded, null]) {
      const r = route(snapshotOf({ [PROD]: { defaultSink } }), PROD, 'data_access');
      expect(r.native).toEqual({ retentionDays: 0, locked: false });
    }
    const inactive = { exclusions: [{ ...excluded.exclusions[0]!, disabled: true }] };
    expect(route(snapshotOf({ [PROD]: { defaultSink: inactive } }), PROD, 'data_access').native.retentionDays).toBe(30);
  });

  it('applies only aggregated sinks of ancestors, and never a disabled one', () => {
    const notAggregated = estate([
      { name: 'audit', destination: archive, filter: auditFilter, includeChildren: false },
    ]);
    expect(route(notAggregated, PROD, 'admin_audit').destinations).toEqual([]);
    expect(route(notAggregated, ORG, 'admin_audit').destinations).toHaveLength(1);
    const disabled = estate([
      { name: 'audit', destination: archive, filter: '', includeChildren: true, disabled: true },
    ]);
    expect(route(disabled, PROD, 'admin_audit').destinations).toEqual([]);
  });

  it('routes only the logs a sink selects whole, and drops what its exclusions remove', () => {
    const sinks = [
      { name: 'activity', destination: archive, filter: 'logName:"activity"', includeChildren: true },
      { name: 'errors', destination: archive, filter: 'severity>=ERROR', includeChildren: true },
      {
        name: 'no-data',
        destination: 'bigquery.googleapis.com/projects/sec/datasets/audit',
        filter: auditFilter,
        includeChildren: true,
        exclusions: [{ name: 'x', filter: 'logName:"data_access"' }],
      },
    ];
    const snapshot = estate(sinks);
    expect(route(snapshot, PROD, 'admin_audit').destinations.map((d) => d.kind)).toEqual(['log_bucket', 'bigquery']);
    expect(route(snapshot, PROD, 'data_access').destinations).toEqual([]);
    expect(route(snapshot, PROD, 'system_event').destinations.map((d) => d.kind)).toEqual(['bigquery']);
  });

  it('credits no retention to a route whose filter it cannot read, yet shows the destination', () => {
    const snapshot = estate([{ name: 'odd', destination: archive, filter: 'logName:(', includeChildren: true }]);
    const [d] = route(snapshot, PROD, 'admin_audit').destinations;
    expect(d).toMatchObject({ name: archive, retentionDays: 'unknown', locked: 'unknown', boundary: 'separate' });
  });

  it('gives storage, BigQuery and Pub/Sub unknown retention, and storage an unknown boundary', () => {
    const snapshot = snapshotOf({
      [PROD]: {
        sinks: [
          { name: 'gcs', destination: 'storage.googleapis.com/acme-archive' },
          { name: 'bq-here', destination: `bigquery.googleapis.com/${PROD}/datasets/audit` },
          { name: 'ps', destination: 'pubsub.googleapis.com/projects/sec/topics/siem' },
        ],
      },
    });
    expect(route(snapshot, PROD, 'admin_audit').destinations).toEqual([
      {
        kind: 'storage',
        name: 'storage.googleapis.com/acme-archive',
        boundary: 'unknown',
        retentionDays: 'unknown',
        locked: 'unknown',
      },
      {
        kind: 'bigquery',
        name: `bigquery.googleapis.com/${PROD}/datasets/audit`,
        boundary: 'same_admin_domain',
        retentionDays: 'unknown',
        locked: 'unknown',
      },
      {
        kind: 'pubsub',
        name: 'pubsub.googleapis.com/projects/sec/topics/siem',
        boundary: 'separate',
        retentionDays: 'unknown',
        locked: 'unknown',
      },
    ]);
  });

  it('reads a bucket in a project named by its number as the same project', () => {
    const snapshot = snapshotOf({
      [PROD]: {
        sinks: [{ name: 'keep', destination: 'logging.googleapis.com/projects/1234/locations/eu/buckets/keep' }],
        buckets: [{ id: 'keep', location: 'eu', retentionDays: 365, locked: true }],
      },
    });
    snapshot.alias('projects/1234', PROD);
    expect(route(snapshot, PROD, 'admin_audit').destinations).toEqual([
      expect.objectContaining({ boundary: 'same_admin_domain', retentionDays: 365, locked: true }),
    ]);
  });

  it('keeps nothing in a bucket that is gone or being deleted', () => {
    const snapshot = snapshotOf({
      [PROD]: {
        sinks: [
          { name: 'a', destination: `logging.googleapis.com/${PROD}/locations/global/buckets/missing` },
          { name: 'b', destination: `logging.googleapis.com/${PROD}/locations/global/buckets/old` },
        ],
        buckets: [{ id: 'old', retentionDays: 365, deleted: true }],
      },
    });
    expect(route(snapshot, PROD, 'admin_audit').destinations.map((d) => d.retentionDays)).toEqual([0, 0]);
  });

  it('marks what failed reads leave unknown, and names those reads', () => {
    const snapshot = estate();
    snapshot.buckets.set(CENTRAL, failure(readKey.buckets(CENTRAL)));
    snapshot.buckets.set(PROD, failure(readKey.buckets(PROD)));
    const admin = route(snapshot, PROD, 'admin_audit');
    expect(admin.native).toEqual({ retentionDays: 400, locked: true });
    expect(admin.destinations[0]).toMatchObject({ retentionDays: 'unknown', locked: 'unknown' });
    expect([...admin.missing]).toEqual([readKey.buckets(CENTRAL)]);
    const data = route(snapshot, PROD, 'data_access');
    expect(data.native).toEqual({ retentionDays: 'unknown', locked: 'unknown' });
    expect([...data.missing].sort()).toEqual([readKey.buckets(CENTRAL), readKey.buckets(PROD)]);
  });

  it('applies the aggregated sinks of every ancestor, folders included, nearest first', () => {
    const folder = 'folders/7';
    const toBq = 'bigquery.googleapis.com/projects/sec/datasets/audit';
    const snapshot = snapshotOf({
      [ORG]: { sinks: [{ name: 'org', destination: archive, filter: auditFilter, includeChildren: true }] },
      [folder]: {
        parent: ORG,
        sinks: [{ name: 'folder', destination: toBq, filter: auditFilter, includeChildren: true }],
      },
      [PROD]: { parent: folder },
      [CENTRAL]: { parent: ORG, buckets: [{ id: 'audit-archive', retentionDays: 3650, locked: true }] },
    });
    expect(route(snapshot, PROD, 'admin_audit').destinations.map((d) => d.name)).toEqual([toBq, archive]);
    expect(route(snapshot, folder, 'admin_audit').destinations.map((d) => d.name)).toEqual([toBq, archive]);
  });

  it('names the ancestors it could not see, or whose sinks it could not read, which might intercept the log', () => {
    const hidden = estate();
    hidden.parents.set(PROD, failure(readKey.parent(PROD)));
    expect([...route(hidden, PROD, 'admin_audit').missing]).toEqual([readKey.parent(PROD)]);
    const unread = estate();
    unread.sinks.set(ORG, failure(readKey.sinks(ORG)));
    const r = route(unread, PROD, 'data_access');
    expect([...r.missing]).toEqual([readKey.sinks(ORG)]);
    expect(r.native.retentionDays).toBe('unknown');
    expect(route(unread, PROD, 'admin_audit').native.retentionDays).toBe(400);
  });

  it('leaves the Data Access native store unknown when the own sinks cannot be read', () => {
    const snapshot = estate();
    snapshot.sinks.set(PROD, failure(readKey.sinks(PROD)));
    const r = route(snapshot, PROD, 'data_access');
    expect(r.native).toEqual({ retentionDays: 'unknown', locked: 'unknown' });
    expect(r.missing.has(readKey.sinks(PROD))).toBe(true);
  });
});
