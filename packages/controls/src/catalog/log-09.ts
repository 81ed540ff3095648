import type { LogSourceFact } from '@evident/core';
import { z } from 'zod';
import { defineControl } from '../control.ts';
import { destinationName, IMPORTANT_LOG_NEEDS, logName } from '../log-source.ts';
import { common } from '../params.ts';
import { type Grade, Tally } from '../tally.ts';
import { ageWords, HOUR_MS, listOf } from '../words.ts';

const params = z
  .object({
    ...common,
    quietHours: z
      .number()
      .positive()
      .default(24)
      .describe('Silence (no event, or no delivery) longer than this at collection time makes a log partial.'),
    silentHours: z
      .number()
      .positive()
      .default(72)
      .describe('Silence longer than this at collection time makes a log fail.'),
  })
  .strict();

function grade(f: LogSourceFact, quiet: number, silent: number): [Grade, string] {
  if (f.enabled === false) return ['failing', 'the log is turned off'];
  if (f.lastEventAt === null) return ['failing', 'no event has ever been recorded'];
  const never = f.destinations.find((d) => d.lastDeliveredAt === null);
  if (never) return ['failing', `${destinationName(never)} has never received anything`];
  if (f.lastEventAt === 'unknown') return ['unknown', 'when the last event was recorded could not be read'];
  const observed = Date.parse(f.observedAt);
  const silences: Array<[number, string]> = [[observed - Date.parse(f.lastEventAt), 'the last event']];
  for (const d of f.destinations) {
    if (d.lastDeliveredAt)
      silences.push([observed - Date.parse(d.lastDeliveredAt), `the last delivery to ${destinationName(d)}`]);
  }
  const [longest, what] = silences.sort((a, b) => b[0] - a[0] || a[1].localeCompare(b[1]))[0]!;
  const why = `${what} was ${ageWords(longest)} before collection`;
  if (longest > silent * HOUR_MS) return ['failing', why];
  // An export whose deliveries are not measured may have stopped: only a silence already beyond failing is certain.
  const unmeasured = f.destinations.filter((d) => d.lastDeliveredAt === undefined).map(destinationName);
  if (unmeasured.length > 0) return ['unknown', `when ${listOf(unmeasured)} last received anything is not measured`];
  return longest <= quiet * HOUR_MS ? ['compliant', ''] : ['weak', why];
}

export const log09 = defineControl<z.infer<typeof params>>({
  id: 'LOG-09',
  title: 'Log pipeline health (no silent gaps)',
  requirement:
    'Every important log keeps delivering: at collection time its last event, and the last delivery to each export ' +
    'destination, are at most 24 hours old. Partial: 24 to 72 hours. Fail: older, never, or the log is off. ' +
    'Unknown: an export destination whose deliveries are not measured, unless the log is already failing. The ' +
    'longest gap over the past 30 days is not collected yet, so only the current silence is judged.',
  rationale: 'A pipeline that broke silently looks exactly like a quiet tenant until the day the logs are needed.',
  remediation:
    'Repair or recreate the broken diagnostic setting, sink or stream, check the destination accepts writes, and ' +
    'alert on delivery failures.',
  params,
  needs: [...IMPORTANT_LOG_NEEDS, 'logSource.lastEventAt'],
  mappings: [
    { framework: 'nist-800-53', ref: 'AU-5', note: 'Response to audit logging process failures.' },
    { framework: 'cis-v8', ref: '8.2', note: 'Collect audit logs.' },
    { framework: 'cis-v8', ref: '8.9', note: 'Centralize audit logs.' },
    { framework: 'iso-27001', ref: 'A.8.15', note: 'Logging.' },
    { framework: 'aa22-131a', ref: 'Area 2', note: 'Enable or improve monitoring and logging.' },
  ],
  rule: {
    accepts: ['logSource'],
    reducer(ctx) {
      const { quietHours, silentHours } = ctx.params;
      const tally = new Tally(ctx, {
        one: 'important log',
        many: 'important logs',
        ok: `delivering within ${quietHours} hours`,
        weak: `quiet for ${quietHours} to ${silentHours} hours`,
        bad: 'silent or off',
        none: 'no important log is reported',
      });
      return {
        add(f) {
          if (f.type !== 'logSource') return false;
          if (f.important) tally.add(f.subject, logName(f), ...grade(f, quietHours, silentHours));
          return true;
        },
        finish: () => tally.outcome('strict'),
      };
    },
  },
});
