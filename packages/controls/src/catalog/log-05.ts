import type { LogSourceFact } from '@evident/core';
import { z } from 'zod';
import { defineControl } from '../control.ts';
import { destinationName, IMPORTANT_LOG_NEEDS, logName, withLicenceNote } from '../log-source.ts';
import { common } from '../params.ts';
import { LatestSettings, SETTING } from '../settings.ts';
import { type Grade, Tally } from '../tally.ts';
import { ageWords, HOUR_MS, listOf } from '../words.ts';

const params = z
  .object({
    ...common,
    maxDeliveryLagHours: z
      .number()
      .positive()
      .default(24)
      .describe('A destination whose last delivery is older than this (at collection time) is lagging.'),
  })
  .strict();

function grade(f: LogSourceFact, maxLagHours: number): [Grade, string] {
  if (f.destinations.length === 0) return ['failing', "kept only in the provider's own store; not exported"];
  const separate = f.destinations.filter((d) => d.boundary === 'separate');
  const observed = Date.parse(f.observedAt);
  const lagging = (d: (typeof separate)[number]) =>
    d.lastDeliveredAt === null ||
    (d.lastDeliveredAt !== undefined && observed - Date.parse(d.lastDeliveredAt) > maxLagHours * HOUR_MS);
  if (separate.some((d) => !lagging(d))) return ['compliant', ''];
  if (separate.length > 0) {
    const d = separate[0]!;
    const when = d.lastDeliveredAt
      ? `last delivered ${ageWords(observed - Date.parse(d.lastDeliveredAt))} before collection`
      : 'has never delivered';
    return ['weak', `exported outside the admin boundary to ${destinationName(d)}, which ${when}`];
  }
  const names = listOf(f.destinations.map(destinationName).sort());
  if (f.destinations.some((d) => d.boundary === 'unknown')) {
    return ['unknown', `exported to ${names}, whose admin boundary could not be determined`];
  }
  return ['weak', `exported only inside the monitored admin boundary (${names})`];
}

export const log05 = defineControl<z.infer<typeof params>>({
  id: 'LOG-05',
  title: 'Logs exported to a central store outside the monitored admin boundary',
  requirement:
    'Every important log streams to a central store in a separate admin boundary (another subscription, project or ' +
    "account, or the SOC's own), so a compromised tenant admin cannot quietly erase it, and that destination has " +
    'delivered within 24 hours of collection when its delivery time is known. Partial: exported only inside the ' +
    'same admin boundary, lagging, or only some logs exported. Fail: nothing exported.',
  rationale:
    'An attacker holding tenant admin rights can delete or stop what is stored inside the tenant; a copy outside ' +
    'their reach is what survives to the investigation.',
  remediation:
    'Add a diagnostic setting or log sink that sends the logs to a workspace, bucket or SIEM administered from a ' +
    'separate subscription, project or account (an organization-level aggregated sink in Google Cloud; in AWS, a ' +
    'multi-region or organization trail delivering to a bucket of a log-archive account).',
  params,
  needs: [...IMPORTANT_LOG_NEEDS, 'logSource.destinations'],
  mappings: [
    { framework: 'cis-v8', ref: '8.9', note: 'Centralize audit log collection and retention.' },
    { framework: 'nist-800-53', ref: 'AU-9(2)', note: 'Store audit records on a physically separate system.' },
    { framework: 'scuba-entra', ref: 'MS.AAD.4.1v1', note: "Security logs SHALL be sent to the agency's SOC." },
    { framework: 'aa22-131a', ref: 'Area 2', note: 'A SIEM and a segregated logging regime.' },
    { framework: 'iso-27001', ref: 'A.8.15', note: 'Logs protected against tampering and unauthorized access.' },
  ],
  rule: {
    accepts: ['logSource', 'setting'],
    reducer(ctx) {
      const settings = new LatestSettings([SETTING.licence]);
      const tally = new Tally(ctx, {
        one: 'important log',
        many: 'important logs',
        ok: 'exported outside the admin boundary',
        weak: 'exported but not safely or not recently',
        bad: 'not exported at all',
        none: 'no important log is reported',
      });
      return {
        add(f) {
          if (f.type === 'setting') settings.add(f);
          if (f.type !== 'logSource') return false;
          if (f.important) tally.add(f.subject, logName(f), ...grade(f, ctx.params.maxDeliveryLagHours));
          return true;
        },
        finish: () => withLicenceNote(tally.outcome('some'), settings.get(SETTING.licence)),
      };
    },
  },
});
