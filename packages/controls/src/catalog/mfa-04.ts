import type { IdentityFact } from '@evident/core';
import { z } from 'zod';
import { defineControl } from '../control.ts';
import { enforcementGrade, enforcementWhy, isExternal, signsInInteractively } from '../identity.ts';
import { band, common } from '../params.ts';
import { tallyRule } from '../tally.ts';

const params = z.object({ ...common, ...band }).strict();

export const mfa04 = defineControl<z.infer<typeof params>>({
  id: 'MFA-04',
  title: 'MFA enforced for external and guest users',
  requirement:
    'Guests and other external users who can sign in to the tenant or organization (kind guest, or external: true, ' +
    'such as GitHub outside collaborators) must be forced through MFA. Declared MSP principals are judged by MFA-03 ' +
    'instead. Not applicable when there are no enabled external identities.',
  rationale:
    'Guests authenticate somewhere else and are easy to forget; an unprotected guest with access to customer data ' +
    'is an open door that the home tenant does not watch.',
  remediation:
    'Add guests and external users to the conditional-access MFA policy (or trust the home tenant MFA claim and ' +
    'require it); in GitHub, require 2FA, which removes outside collaborators who lack it.',
  params,
  needs: [
    'identity',
    'identity.mfaEnforced',
    'authPolicy',
    'setting.entra.security_defaults',
    'setting.github.two_factor_requirement',
  ],
  mappings: [
    { framework: 'cis-v8', ref: '6.3', note: 'MFA for externally-exposed and third-party applications.' },
    { framework: 'nist-800-53', ref: 'IA-2(2)', note: 'MFA for non-privileged accounts, external users included.' },
    { framework: 'cyber-essentials', ref: 'User access control: MFA', note: 'All users of cloud services.' },
    { framework: 'aa22-131a', ref: 'Area 3', note: 'MFA across the services the customer receives.' },
    { framework: 'scuba-entra', ref: 'MS.AAD.3.2v2', note: 'All users, guests included.' },
    { framework: 'iso-27001', ref: 'A.8.5', note: 'Secure authentication.' },
  ],
  rule: tallyRule<IdentityFact, z.infer<typeof params>>({
    type: 'identity',
    words: {
      one: 'external account',
      many: 'external accounts',
      ok: 'forced through MFA',
      none: 'no enabled guest or external account is in scope',
    },
    grade(f) {
      if (!signsInInteractively(f) || f.kind === 'break_glass' || !isExternal(f) || f.mspPrincipal === true) {
        return undefined;
      }
      return [enforcementGrade(f.mfaEnforced), enforcementWhy(f)];
    },
    mode: 'band',
    band: (p) => p.partialBand,
  }),
});
