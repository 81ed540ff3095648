import type { IdentityFact } from '@evident/core';
import { z } from 'zod';
import { defineControl } from '../control.ts';
import { enforcementGrade, enforcementWhy, signsInInteractively } from '../identity.ts';
import { common } from '../params.ts';
import { type Grade, Tally } from '../tally.ts';

const params = z.object(common).strict();

function grade(f: IdentityFact): [Grade, string] {
  if (f.mfaEnforced === true && f.enforcementSource === 'federated') {
    return ['weak', "MFA is asserted by the MSP's own tenant or identity provider and cannot be verified here"];
  }
  return [enforcementGrade(f.mfaEnforced), enforcementWhy(f)];
}

export const mfa03 = defineControl<z.infer<typeof params>>({
  id: 'MFA-03',
  title: 'MFA enforced on all MSP and delegated accounts that reach customer environments',
  requirement:
    'Every enabled identity the MSP (or its subcontractors) uses to reach this customer must be forced through MFA. ' +
    'MSP principals are the identities marked `mspPrincipal: true` from the declared MSP tenants, domains and ' +
    'accounts; break-glass accounts are judged by MFA-08 instead. Partial: MFA is only asserted by the MSP side (federated trust) and cannot be verified from the ' +
    'customer. Unknown while no identity is declared one way or the other.',
  rationale:
    "This is the advisory's central MFA demand: MSP accounts are the path into every customer at once, and must be " +
    'treated as privileged.',
  remediation:
    'Declare the MSP tenant ids, domains and accounts so MSP principals can be recognised; then require MFA for ' +
    'them with a conditional-access policy covering guests and service-provider users, or require 2FA in GitHub.',
  params,
  needs: [
    'identity',
    'identity.mspPrincipal',
    'identity.mfaEnforced',
    'authPolicy',
    'setting.entra.security_defaults',
    'setting.github.two_factor_requirement',
  ],
  mappings: [
    {
      framework: 'aa22-131a',
      ref: 'Tactical action 2',
      note: 'Enforce MFA on MSP accounts that access the customer environment.',
    },
    { framework: 'aa22-131a', ref: 'Area 3', note: 'Contracts mandate MFA on all MSP accounts.' },
    { framework: 'cis-v8', ref: '6.5', note: 'Administrative access through a third-party provider.' },
    { framework: 'nist-800-53', ref: 'IA-2(1)', note: 'MSP accounts are treated as privileged.' },
    { framework: 'essential-eight', ref: 'ISM-1173', note: 'MSP staff are privileged users of customer systems.' },
    { framework: 'iso-27001', ref: 'A.8.5', note: 'Secure authentication.' },
  ],
  rule: {
    accepts: ['identity'],
    reducer(ctx) {
      let declared = false;
      const tally = new Tally(ctx, {
        one: 'MSP account',
        many: 'MSP accounts',
        ok: 'forced through MFA',
        weak: "trusted to the MSP's own MFA without proof here",
        none: 'no enabled MSP account reaches this connection',
      });
      return {
        add(f) {
          if (f.type !== 'identity') return false;
          if (f.mspPrincipal !== 'unknown') declared = true;
          if (signsInInteractively(f) && f.mspPrincipal === true && f.kind !== 'break_glass')
            tally.add(f.subject, f.name, ...grade(f));
          return true;
        },
        finish() {
          if (declared) return tally.outcome('strict');
          return {
            status: 'unknown',
            reason:
              'MSP principals not declared: no identity is marked as belonging to the MSP or not, so MFA on MSP access cannot be checked',
            numerator: 0,
            denominator: 0,
            failing: [],
            excepted: [],
          };
        },
      };
    },
  },
});
