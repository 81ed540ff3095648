import type { LogSourceFact, Tri } from '@evident/core';
import { z } from 'zod';
import { defineControl } from '../control.ts';
import { destinationName, IMPORTANT_LOG_NEEDS, logName } from '../log-source.ts';
import { common } from '../params.ts';
import { type Grade, Tally } from '../tally.ts';

const params = z
  .object({
    ...common,
    minRetentionDays: z
      .number()
      .int()
      .positive()
      .default(180)
      .describe('Days a locked store must keep the log for it to count as tamper-resistant (LOG-04 default).'),
  })
  .strict();

interface Store {
  locked: Tri;
  separate: Tri;
  /** How long the lock holds: a time-based lock may end before the store deletes. */
  lockedDays: number | 'unknown';
}

/** 2: locked for long enough; 1: locked too briefly, or out of the tenant admins' reach; 0: deletable by them. */
function strength(s: Store, min: number, assume: boolean): number {
  const locked = s.locked === 'unknown' ? assume : s.locked;
  const separate = s.separate === 'unknown' ? assume : s.separate;
  const longEnough = s.lockedDays === 'unknown' ? assume : s.lockedDays >= min;
  return locked && longEnough ? 2 : locked || separate ? 1 : 0;
}

function grade(f: LogSourceFact, min: number): [Grade, string] {
  const stores: Store[] = [
    { locked: f.locked, separate: false, lockedDays: f.nativeRetentionDays },
    ...f.destinations.map((d) => ({
      locked: d.locked,
      separate: d.boundary === 'unknown' ? ('unknown' as const) : d.boundary === 'separate',
      lockedDays: d.lockedDays ?? d.retentionDays,
    })),
  ];
  const best = Math.max(...stores.map((s) => strength(s, min, true)));
  const worst = Math.max(...stores.map((s) => strength(s, min, false)));
  const where = ["the provider's own store", ...f.destinations.map(destinationName)].join(', ');
  if (best !== worst) return ['unknown', `whether ${where} is locked or out of the admins' reach could not be read`];
  if (best === 2) return ['compliant', ''];
  if (best === 1) return ['weak', `no store keeps it locked for ${min} days (${where})`];
  return [
    'failing',
    `deletable by the monitored tenant's own admins: nothing is locked or outside their reach (${where})`,
  ];
}

export const log06 = defineControl<z.infer<typeof params>>({
  id: 'LOG-06',
  title: 'Logs tamper-resistant, with retention locked',
  requirement:
    'Every important log is kept in at least one store that is locked (retention cannot be shortened or records ' +
    'deleted) for at least 180 days: a locked log bucket, an immutable storage policy, or a provider store that ' +
    "is locked by design. Partial: the only protection is a store outside the tenant admins' boundary, or a lock " +
    "shorter than 180 days. Fail: every copy is deletable by the monitored tenant's own admins. Which principals " +
    'may delete, and integrity validation, are not collected yet.',
  rationale:
    'Deleting the trail is part of most serious intrusions; a lock or an immutable copy outside the tenant turns ' +
    'that into something the attacker cannot do.',
  remediation:
    'Lock the retention of the log bucket (Google Cloud Bucket Lock) or put a locked time-based immutability ' +
    'policy on the storage account or bucket that receives the export, for at least 180 days (in AWS, S3 Object ' +
    'Lock in compliance mode on the trail bucket).',
  params,
  needs: [...IMPORTANT_LOG_NEEDS, 'logSource.destinations', 'logSource.locked'],
  mappings: [
    { framework: 'nist-800-53', ref: 'AU-9', note: 'Protection of audit information.' },
    {
      framework: 'essential-eight',
      ref: 'ISM-1815',
      note: 'ML2: event logs protected from modification and deletion.',
    },
    { framework: 'iso-27001', ref: 'A.8.15', note: 'Logs protected against tampering.' },
    { framework: 'aa22-131a', ref: 'Area 2', note: 'A segregated logging regime.' },
  ],
  rule: {
    accepts: ['logSource'],
    reducer(ctx) {
      const tally = new Tally(ctx, {
        one: 'important log',
        many: 'important logs',
        ok: 'locked against deletion',
        weak: 'only partly protected',
        bad: 'deletable by the tenant admins',
        none: 'no important log is reported',
      });
      return {
        add(f) {
          if (f.type !== 'logSource') return false;
          if (f.important) tally.add(f.subject, logName(f), ...grade(f, ctx.params.minRetentionDays));
          return true;
        },
        finish: () => tally.outcome('strict'),
      };
    },
  },
});
