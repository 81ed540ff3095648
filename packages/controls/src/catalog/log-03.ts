import { effectiveRetention, type LogSourceFact } from '@evident/core';
import { z } from 'zod';
import { defineControl } from '../control.ts';
import { IMPORTANT_LOG_NEEDS, isCoreLog, logName, retentionWords } from '../log-source.ts';
import { common } from '../params.ts';
import { type Grade, tallyRule } from '../tally.ts';

const params = z
  .object({
    ...common,
    minRetentionDays: z
      .number()
      .int()
      .positive()
      .default(90)
      .describe('Days every important log must survive somewhere it is kept (CIS 8.10: 90).'),
  })
  .strict();

/** Retention graded against a floor: shared by LOG-03 (90 days) and, with its own bands, LOG-04. */
export function retentionGrade(f: LogSourceFact, min: number, shortGrade: Grade): [Grade, string] {
  const kept = effectiveRetention(f);
  if (kept.atLeast !== null && kept.atLeast >= min) return ['compliant', ''];
  if (!kept.exact) {
    return ['unknown', `retention below ${min} days where readable, and unreadable elsewhere (${retentionWords(f)})`];
  }
  return [shortGrade, `kept at most ${kept.atLeast ?? 0} days, under ${min} (${retentionWords(f)})`];
}

export const log03 = defineControl<z.infer<typeof params>>({
  id: 'LOG-03',
  title: 'Important logs retained at least 90 days (CIS baseline)',
  requirement:
    'Every important log (important: true) survives at least 90 days somewhere it is kept: natively or in any ' +
    'export destination, whichever is longest. A log whose readable retention falls short while some retention ' +
    'could not be read is undetermined; one whose known retention already meets the floor passes. Fail: an admin ' +
    'audit or sign-in log falls short. Partial: only other important logs fall short.',
  rationale:
    'Intrusions are usually found weeks after they start; 90 days is the floor CIS sets for being able to look back.',
  remediation:
    'Export the logs to a store that keeps them at least 90 days (Log Analytics, a storage account, a log bucket ' +
    'with longer retention, a SIEM), or raise the retention of the bucket or workspace that holds them.',
  params,
  needs: [...IMPORTANT_LOG_NEEDS, 'logSource.destinations'],
  mappings: [
    { framework: 'cis-v8', ref: '8.10', note: 'Retain audit logs for a minimum of 90 days.' },
    { framework: 'nist-800-53', ref: 'AU-11', note: 'FedRAMP: at least 90 days online.' },
    { framework: 'iso-27001', ref: 'A.8.15', note: 'Logging (no period set).' },
    { framework: 'aa22-131a', ref: 'Area 2', note: "The advisory's own floor is six months (LOG-04)." },
  ],
  rule: tallyRule<LogSourceFact, z.infer<typeof params>>({
    type: 'logSource',
    words: (p) => ({
      one: 'important log',
      many: 'important logs',
      ok: `kept at least ${p.minRetentionDays} days`,
      weak: 'a secondary log kept too briefly',
      bad: 'an admin or sign-in log kept too briefly',
      none: 'no important log is reported',
    }),
    name: logName,
    grade: (f, p) =>
      f.important ? retentionGrade(f, p.minRetentionDays, isCoreLog(f) ? 'failing' : 'weak') : undefined,
    mode: 'strict',
  }),
});
