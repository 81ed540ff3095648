import type { LogSourceFact } from '@evident/core';
import { z } from 'zod';
import { defineControl } from '../control.ts';
import { IMPORTANT_LOG_NEEDS, logName } from '../log-source.ts';
import { common } from '../params.ts';
import { type Grade, Tally } from '../tally.ts';
import { retentionGrade } from './log-03.ts';

const params = z
  .object({
    ...common,
    minRetentionDays: z
      .number()
      .int()
      .positive()
      .default(180)
      .describe(
        "Days the most important logs must survive: the advisory's six months (184 for the strictest reading).",
      ),
    partialRetentionDays: z
      .number()
      .int()
      .positive()
      .default(90)
      .describe('Retention at or above this, but under the minimum, is partial rather than fail.'),
  })
  .strict();

function grade(f: LogSourceFact, min: number, partial: number): [Grade, string] {
  const [g, why] = retentionGrade(f, min, 'weak');
  if (g !== 'weak') return [g, why];
  return retentionGrade(f, partial, 'failing')[0] === 'failing' ? ['failing', why] : ['weak', why];
}

export const log04 = defineControl<z.infer<typeof params>>({
  id: 'LOG-04',
  title: 'Most important logs retained at least six months (AA22-131A)',
  requirement:
    'Every important log (important: true) survives at least 180 days somewhere it is kept, natively or exported, ' +
    'whichever is longest. Partial: all survive at least 90 days but some less than 180. Fail: any survives less ' +
    'than 90 days. A log whose readable retention falls short while some retention could not be read is ' +
    'undetermined.',
  rationale:
    'The advisory asks MSP customers to store their most important logs for at least six months, because ' +
    'intrusions through MSPs often take months to discover.',
  remediation:
    'Keep the logs at least 180 days: raise the workspace or bucket retention, or export to a store with a longer ' +
    'lifecycle; Entra ID needs P1 or P2 to export at all. In AWS, keep the trail bucket’s lifecycle rules and the ' +
    'CloudWatch Logs group retention at 180 days or more.',
  params,
  needs: [...IMPORTANT_LOG_NEEDS, 'logSource.destinations'],
  mappings: [
    {
      framework: 'aa22-131a',
      ref: 'Area 2',
      note: 'Store the most important logs for at least six months.',
    },
    { framework: 'nist-800-53', ref: 'AU-11', note: 'Organization-defined retention set to 180 days.' },
    { framework: 'cis-v8', ref: '8.10', note: 'Exceeds the 90-day floor.' },
    { framework: 'iso-27001', ref: 'A.8.15', note: 'Logging.' },
  ],
  rule: {
    accepts: ['logSource'],
    reducer(ctx) {
      const { minRetentionDays: min, partialRetentionDays: partial } = ctx.params;
      const tally = new Tally(ctx, {
        one: 'important log',
        many: 'important logs',
        ok: `kept at least ${min} days`,
        weak: `kept ${partial} to ${min - 1} days`,
        bad: `kept under ${partial} days`,
        none: 'no important log is reported',
      });
      return {
        add(f) {
          if (f.type !== 'logSource') return false;
          if (f.important) tally.add(f.subject, logName(f), ...grade(f, min, partial));
          return true;
        },
        finish: () => tally.outcome('strict'),
      };
    },
  },
});
