import { effectiveRetention } from '@evident/core';
import { describe, expect, it } from 'vitest';
import type { GcpCategory } from './routing.ts';
import { route } from './routing.ts';
import { failure, type SinkInput, snapshotOf } from './snapshot.fixture.ts';
import { readKey } from './snapshot.ts';

const ORG = 'organizations/42';
const FOLDER = 'folders/7';
const PROD = 'projects/acme-prod';
const central = (id: string) => `logging.googleapis.com/projects/acme-logs/locations/global/buckets/${id}`;
const SECOPS = 'logging.googleapis.com/projects/acme-secops';
const DATA_ACCESS = 'LOG_ID("cloudaudit.googleapis.com/data_access")';
const ALL_AUDIT = 'logName:"cloudaudit.googleapis.com"';

const intercepting = (filter: string, over: Partial<SinkInput> = {}): SinkInput => ({
  name: 'intercept',
  destination: SECOPS,
  filter,
  includeChildren: true,
  interceptChildren: true,
  ...over,
});

/** org ─ folder ─ prod; prod exports its audit logs to a 10-year bucket of its own. */
function estate(org: SinkInput[], folder: SinkInput[] = []) {
  return snapshotOf({
    [ORG]: { sinks: org },
    [FOLDER]: { parent: ORG, sinks: folder },
    [PROD]: {
      parent: FOLDER,
      defaultRetentionDays: 365,
      sinks: [{ name: 'own-export', destination: central('keep'), filter: ALL_AUDIT }],
    },
    'projects/acme-logs': { parent: ORG, buckets: [{ id: 'keep', retentionDays: 3650, locked: true }] },
  });
}

const names = (snapshot: ReturnType<typeof estate>, category: GcpCategory, scope = PROD) =>
  route(snapshot, scope, category).destinations.map((d) => `${d.name} ${d.retentionDays}`);

describe('intercepting aggregated sinks', () => {
  it.each([
    ['at the organization', [intercepting(DATA_ACCESS)], []],
    ['at the folder', [], [intercepting(DATA_ACCESS)]],
  ])(
    '%s take Data Access from the project’s _Default and own sinks, never Admin Activity from _Required',
    (_, org, folder) => {
      const snapshot = estate(org, folder);
      const data = route(snapshot, PROD, 'data_access');
      expect(data.native).toEqual({ retentionDays: 0, locked: false });
      expect(names(snapshot, 'data_access')).toEqual([`${SECOPS} unknown`]);
      expect(
        effectiveRetention({ nativeRetentionDays: data.native.retentionDays, destinations: data.destinations }),
      ).toEqual({ atLeast: 0, exact: false });
      const admin = route(snapshot, PROD, 'admin_audit');
      expect(admin.native).toEqual({ retentionDays: 400, locked: true });
      expect(names(snapshot, 'admin_audit')).toEqual([`${central('keep')} 3650`]);
    },
  );

  it('takes a log from the sinks of the folders below, but not from the intercepting resource’s own other sinks', () => {
    const folderSink = {
      name: 'folder-export',
      destination: central('keep'),
      filter: ALL_AUDIT,
      includeChildren: true,
    };
    const orgSink = { name: 'org-export', destination: central('keep'), filter: ALL_AUDIT, includeChildren: true };
    const below = estate([intercepting(ALL_AUDIT)], [folderSink]);
    expect(names(below, 'admin_audit')).toEqual([`${SECOPS} unknown`]);
    const beside = estate([intercepting(ALL_AUDIT), orgSink]);
    expect(names(beside, 'admin_audit')).toEqual([`${SECOPS} unknown`, `${central('keep')} 3650`]);
  });

  it('is only a plain aggregated sink without includeChildren, or when disabled', () => {
    for (const over of [{ includeChildren: false }, { disabled: true }]) {
      const snapshot = estate([intercepting(DATA_ACCESS, over)]);
      expect(route(snapshot, PROD, 'data_access').native).toEqual({ retentionDays: 365, locked: false });
      expect(names(snapshot, 'data_access')).toContain(`${central('keep')} 3650`);
    }
  });

  it('leaves a route that it takes only some entries of, or an unreadable filter of, uncredited', () => {
    const some = estate([intercepting(`${DATA_ACCESS} AND severity>=ERROR`)]);
    expect(route(some, PROD, 'data_access').native.retentionDays).toBe(0);
    expect(names(some, 'data_access')).toEqual([]);
    const unreadable = estate([intercepting('this is ( not a filter')]);
    expect(route(unreadable, PROD, 'data_access').native.retentionDays).toBe('unknown');
    expect(names(unreadable, 'data_access')).toEqual([`${central('keep')} unknown`, `${SECOPS} unknown`]);
  });

  it('makes every route below an ancestor whose sinks could not be read unknown, _Required aside', () => {
    const snapshot = estate([]);
    snapshot.sinks.set(FOLDER, failure(readKey.sinks(FOLDER)));
    const data = route(snapshot, PROD, 'data_access');
    expect(data.native.retentionDays).toBe('unknown');
    expect(names(snapshot, 'data_access')).toEqual([`${central('keep')} unknown`]);
    expect(data.missing).toEqual(new Set([readKey.sinks(FOLDER)]));
    expect(route(snapshot, PROD, 'admin_audit').native.retentionDays).toBe(400);
    expect(route(snapshot, ORG, 'data_access').native.retentionDays).toBe(30);
  });

  it('does not apply to the resource that owns it', () => {
    const snapshot = estate([intercepting(DATA_ACCESS)]);
    expect(route(snapshot, ORG, 'data_access').native).toEqual({ retentionDays: 30, locked: false });
  });
});
