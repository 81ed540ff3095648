import type { IdentityFact } from '@evident/core';
import { z } from 'zod';
import { defineControl } from '../control.ts';
import { common } from '../params.ts';
import { BreakGlassAccounts, type PolicySummary, policyLabel, requiresMfa, summarize } from '../policies.ts';
import { type Grade, Tally } from '../tally.ts';
import { count, listOf } from '../words.ts';

const params = z
  .object({
    ...common,
    minBreakGlass: z
      .number()
      .int()
      .nonnegative()
      .default(2)
      .describe('Fewest enabled break-glass accounts a tenant should have, so that losing one does not lock it out.'),
  })
  .strict();

function credentialGrade(f: IdentityFact): [Grade, string] {
  if (f.phishingResistantRegistered === true) return ['compliant', ''];
  if (f.phishingResistantRegistered === false) {
    return ['weak', 'break-glass account without a phishing-resistant credential (passkey, FIDO2 key or certificate)'];
  }
  return ['unknown', "whether the break-glass account's credential is phishing-resistant could not be determined"];
}

export const mfa08 = defineControl<z.infer<typeof params>>({
  id: 'MFA-08',
  title: 'Break-glass accounts and MFA exceptions controlled',
  requirement:
    'Every principal excluded from a policy that requires MFA must be a declared break-glass account (an identity ' +
    'of kind break_glass) or carry an approved, unexpired exception; each enabled break-glass account holds a ' +
    'phishing-resistant credential, and a tenant has at least two. Fail: any undeclared exclusion (a user, group or ' +
    'role). Partial: a break-glass account without a phishing-resistant credential, or fewer than the minimum. ' +
    'Unknown: no break-glass account is declared and nothing is excluded. Sign-in alerting on these accounts is ' +
    'judged by LOG-08.',
  rationale:
    'Exclusions are where MFA quietly stops applying: a group excluded "temporarily" outlives everyone who knew why. ' +
    'Emergency accounts are necessary but must be few, strong and watched.',
  remediation:
    'Declare the break-glass accounts, remove every other exclusion from the MFA policies or record it as an ' +
    'exception with a reason, an approver and an expiry; give each break-glass account a FIDO2 key or passkey.',
  params,
  needs: ['identity', 'authPolicy'],
  mappings: [
    { framework: 'nist-800-53', ref: 'AC-2(2)', note: 'Emergency accounts are managed and time-bound.' },
    { framework: 'essential-eight', ref: 'ISM-1610', note: 'Break-glass accounts documented and tested (ISM).' },
    { framework: 'cis-v8', ref: '6.5', note: 'Exceptions to administrative MFA are controlled.' },
    { framework: 'scuba-entra', ref: 'MS.AAD.3.2v2', note: 'Exclusions from the all-users MFA policy.' },
    { framework: 'aa22-131a', ref: 'Area 12', note: 'Manage account authentication and authorization.' },
    { framework: 'iso-27001', ref: 'A.8.5', note: 'Secure authentication.' },
  ],
  rule: {
    accepts: ['identity', 'authPolicy'],
    reducer(ctx) {
      const declared = new BreakGlassAccounts();
      const accounts: IdentityFact[] = [];
      const policies: PolicySummary[] = [];
      const tally = new Tally(ctx, {
        one: 'break-glass account or MFA exclusion',
        many: 'break-glass accounts and MFA exclusions',
        ok: 'controlled',
        weak: 'without a phishing-resistant credential',
        bad: 'an undeclared exclusion',
        none: 'no break-glass account or MFA exclusion is in scope',
      });
      return {
        add(f) {
          if (f.type === 'identity' && f.kind === 'break_glass') {
            declared.add(f);
            if (f.enabled) accounts.push(f);
          } else if (f.type === 'authPolicy' && requiresMfa(f) && f.state !== 'off') {
            policies.push(summarize(f));
          } else return f.type === 'authPolicy';
          return true;
        },
        finish() {
          for (const f of accounts) tally.add(f.subject, f.name, ...credentialGrade(f));
          const excludedBy = new Map<string, string[]>();
          for (const p of policies) {
            for (const principal of p.excluded) {
              if (!declared.has(principal)) excludedBy.set(principal, [...(excludedBy.get(principal) ?? []), p.name]);
            }
          }
          for (const [principal, names] of [...excludedBy.entries()].sort(([a], [b]) => a.localeCompare(b))) {
            const by = [...new Set(names)].sort().map((n) => policyLabel({ name: n }));
            tally.add(principal, undefined, 'failing', `excluded from MFA by ${listOf(by)} without being declared`);
          }
          const outcome = tally.outcome('strict');
          if (accounts.length === 0 && outcome.status !== 'fail') {
            const rest = excludedBy.size > 0 ? `; ${outcome.reason}` : ' and no policy excludes anyone from MFA';
            return {
              ...outcome,
              status: 'unknown',
              reason: `no enabled break-glass account is declared${rest}, so emergency access cannot be checked`,
            };
          }
          const { minBreakGlass } = ctx.params;
          if (accounts.length >= minBreakGlass || outcome.status === 'fail') return outcome;
          const few = `only ${count(accounts.length, 'enabled break-glass account is', 'enabled break-glass accounts are')} declared, fewer than ${minBreakGlass}`;
          return {
            ...outcome,
            status: outcome.status === 'pass' ? 'partial' : outcome.status,
            reason: `${few}; ${outcome.reason}`,
          };
        },
      };
    },
  },
});
