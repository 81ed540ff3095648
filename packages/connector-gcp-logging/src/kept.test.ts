import type { LogSourceFact } from '@evident/core';
import { describe, expect, it } from 'vitest';
import { assemble } from './facts.ts';
import { route } from './routing.ts';
import { allServices, failure, type NodeInput, type SinkInput, snapshotOf } from './snapshot.fixture.ts';
import { readKey } from './snapshot.ts';

const PROD = 'projects/acme-prod';
const ALL_DATA_ACCESS = 'LOG_ID("cloudaudit.googleapis.com/data_access")';
const base = { connection: 'acme-gcp', observedAt: '2026-11-28T12:00:00.000Z' };

function dataAccessFact(input: NodeInput): LogSourceFact {
  const snapshot = snapshotOf({ [PROD]: { auditConfigs: [allServices()], ...input } });
  const found = assemble(snapshot, [PROD], base).facts.find(
    (f): f is LogSourceFact => f.type === 'logSource' && f.category === 'data_access',
  );
  if (!found) throw new Error('no data_access fact');
  return found;
}

const excludeOnDefault = (filter: string, disabled = false): NodeInput => ({
  defaultSink: { exclusions: [{ name: 'drop', filter, disabled }] },
});

describe('a Data Access log is logged only where some sink stores it', () => {
  it('is not kept, nor logged, when an exclusion on _Default drops it and no other sink takes it', () => {
    const snapshot = snapshotOf({ [PROD]: { auditConfigs: [allServices()], ...excludeOnDefault(ALL_DATA_ACCESS) } });
    expect(route(snapshot, PROD, 'data_access')).toMatchObject({ kept: false, destinations: [] });
    expect(dataAccessFact(excludeOnDefault(ALL_DATA_ACCESS))).toMatchObject({
      enabled: false,
      nativeRetentionDays: 0,
    });
  });

  it('is kept when the exclusion is disabled', () => {
    expect(dataAccessFact(excludeOnDefault(ALL_DATA_ACCESS, true))).toMatchObject({
      enabled: true,
      nativeRetentionDays: 30,
    });
  });

  it('is unknown, never logged, when an exclusion filter cannot be read', () => {
    const fact = dataAccessFact(excludeOnDefault('logName:( AND'));
    expect(fact).toMatchObject({ enabled: 'unknown', nativeRetentionDays: 'unknown' });
  });

  it('applies what the exclusions API lists to _Default, even when the sink itself shows none', () => {
    expect(dataAccessFact({ exclusions: [{ name: 'drop', filter: ALL_DATA_ACCESS }] }).enabled).toBe(false);
    expect(dataAccessFact({ exclusions: [{ name: 'drop', filter: ALL_DATA_ACCESS, disabled: true }] }).enabled).toBe(
      true,
    );
    expect(dataAccessFact({ exclusions: [{ name: 'odd', filter: 'logName:(' }] }).enabled).toBe('unknown');
    const snapshot = snapshotOf({ [PROD]: { auditConfigs: [allServices()] } });
    snapshot.exclusions.set(PROD, failure(readKey.exclusions(PROD)));
    const r = route(snapshot, PROD, 'data_access');
    expect(r).toMatchObject({ kept: 'unknown', native: { retentionDays: 'unknown' } });
    expect([...r.missing]).toEqual([readKey.exclusions(PROD)]);
    expect(route(snapshot, PROD, 'admin_audit').missing.size).toBe(0);
  });

  it('is not logged when the _Default sink is disabled or gone, nor when an exclusion on its sink drops it', () => {
    expect(dataAccessFact({ defaultSink: { disabled: true } }).enabled).toBe(false);
    expect(dataAccessFact({ defaultSink: null }).enabled).toBe(false);
    const filtered: SinkInput = {
      name: 'archive',
      destination: 'storage.googleapis.com/acme-archive',
      exclusions: [{ name: 'no-data', filter: 'logName:"data_access"' }],
    };
    expect(dataAccessFact({ defaultSink: { disabled: true }, sinks: [filtered] }).enabled).toBe(false);
  });

  it('is logged where another sink stores it, and unknown where one only forwards it or cannot be read', () => {
    const to = (destination: string, filter = ''): NodeInput => ({
      defaultSink: { disabled: true },
      sinks: [{ name: 'copy', destination, filter }],
    });
    expect(dataAccessFact(to('bigquery.googleapis.com/projects/sec/datasets/audit')).enabled).toBe(true);
    expect(dataAccessFact(to('pubsub.googleapis.com/projects/sec/topics/siem')).enabled).toBe('unknown');
    expect(dataAccessFact(to('storage.googleapis.com/acme-archive', 'logName:(')).enabled).toBe('unknown');
    expect(dataAccessFact(to('storage.googleapis.com/acme-archive', 'severity>=ERROR')).enabled).toBe(false);
  });

  it('is unknown while the bucket list that would show its native store is unread', () => {
    const snapshot = snapshotOf({ [PROD]: { auditConfigs: [allServices()] } });
    snapshot.buckets.set(PROD, failure(readKey.buckets(PROD)));
    expect(route(snapshot, PROD, 'data_access').kept).toBe('unknown');
  });

  it('never says logged when the audit configs or the storage are unknown (fail closed)', () => {
    const unknowns: NodeInput[] = [
      excludeOnDefault('logName:('),
      excludeOnDefault('frobnicate("x")'),
      { defaultSink: { filter: 'logName:(' } },
      { defaultSink: { disabled: true }, sinks: [{ name: 's', destination: 'splunk.example.com/hec' }] },
    ];
    for (const input of unknowns) expect(dataAccessFact(input).enabled).not.toBe(true);
    const snapshot = snapshotOf({ [PROD]: { ...excludeOnDefault(ALL_DATA_ACCESS) } });
    snapshot.policies.set(PROD, failure(readKey.policy(PROD)));
    const fact = assemble(snapshot, [PROD], base).facts.find(
      (f): f is LogSourceFact => f.type === 'logSource' && f.category === 'data_access',
    );
    expect(fact?.enabled).toBe(false);
  });
});
