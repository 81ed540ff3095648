import { effectiveRetention, type LogSourceFact } from '@evident/core';
import { z } from 'zod';
import { defineControl } from '../control.ts';
import { logName, retentionWords, SIGN_IN_CATEGORIES, withLicenceNote } from '../log-source.ts';
import { common } from '../params.ts';
import { LatestSettings, SETTING } from '../settings.ts';
import { type Grade, Tally } from '../tally.ts';

const params = z
  .object({
    ...common,
    nativeFloorDays: z
      .number()
      .int()
      .positive()
      .default(90)
      .describe('A sign-in log kept only natively is partial when kept at least this long, fail when shorter.'),
  })
  .strict();

function grade(f: LogSourceFact, floor: number): [Grade, string] {
  if (f.enabled === false) return ['failing', 'sign-in logging is turned off'];
  if (f.enabled === 'unknown') return ['unknown', 'whether sign-in logging is on could not be read'];
  if (f.destinations.length > 0) return ['compliant', ''];
  const kept = effectiveRetention(f);
  if (kept.atLeast !== null && kept.atLeast >= floor) {
    return ['weak', `not exported to the organization's log store; kept only natively (${retentionWords(f)})`];
  }
  if (!kept.exact) return ['unknown', `not exported, and its native retention could not be read`];
  return ['failing', `not exported and kept only ${kept.atLeast ?? 0} days natively, under ${floor}`];
}

export const log02 = defineControl<z.infer<typeof params>>({
  id: 'LOG-02',
  title: 'Sign-in and authentication logs collected, including MFA outcomes',
  requirement:
    'Sign-in logs of every kind (interactive, non-interactive, workload) must be on and exported to the ' +
    "organization's log store. Partial: on but kept only in the provider's own store for at least 90 days. Fail: " +
    'turned off, or kept only natively for less. Connections that report no sign-in log (such as GitHub behind SAML ' +
    'single sign-on) are not applicable. Whether the exported records carry the MFA result is not collected yet.',
  rationale:
    'Sign-in records are how failed and unusual authentication on MSP accounts is noticed; kept only in a 7- or ' +
    '30-day native store, they are gone before most intrusions are found.',
  remediation:
    'Export SignInLogs, NonInteractiveUserSignInLogs and ServicePrincipalSignInLogs through an Entra diagnostic ' +
    'setting (needs Entra ID P1 or P2) to a Log Analytics workspace, storage account or SIEM.',
  params,
  needs: [
    'logSource.sign_in',
    'logSource.non_interactive_sign_in',
    'logSource.workload_sign_in',
    'logSource.destinations',
  ],
  mappings: [
    { framework: 'essential-eight', ref: 'ISM-1683', note: 'ML2: MFA successes and failures centrally logged.' },
    { framework: 'cis-v8', ref: '8.2', note: 'Collect audit logs.' },
    { framework: 'cis-v8', ref: '8.12', note: 'Collect service-provider authentication logs.' },
    { framework: 'scuba-entra', ref: 'MS.AAD.4.1v1', note: 'Sign-in log categories go to the SOC.' },
    { framework: 'aa22-131a', ref: 'Tactical action 2', note: 'Watch MSP accounts for failed authentication.' },
    { framework: 'nist-800-53', ref: 'AU-2', note: 'Event logging of authentication events.' },
    { framework: 'iso-27001', ref: 'A.8.15', note: 'Logging.' },
  ],
  rule: {
    accepts: ['logSource', 'setting'],
    reducer(ctx) {
      const settings = new LatestSettings([SETTING.licence]);
      const tally = new Tally(ctx, {
        one: 'sign-in log',
        many: 'sign-in logs',
        ok: 'exported',
        weak: 'kept only natively',
        bad: 'off or kept too briefly',
        none: 'no sign-in log is reported',
      });
      return {
        add(f) {
          if (f.type === 'setting') settings.add(f);
          if (f.type !== 'logSource' || !SIGN_IN_CATEGORIES.includes(f.category)) return false;
          tally.add(f.subject, logName(f), ...grade(f, ctx.params.nativeFloorDays));
          return true;
        },
        finish: () => withLicenceNote(tally.outcome('strict'), settings.get(SETTING.licence)),
      };
    },
  },
});
