import type { IdentityFact } from '@evident/core';
import { z } from 'zod';
import { defineControl } from '../control.ts';
import { enforcementGrade, enforcementWhy, isExternal, signsInInteractively } from '../identity.ts';
import { band, common } from '../params.ts';
import { tallyRule } from '../tally.ts';

const params = z.object({ ...common, ...band }).strict();

/** Legacy per-user MFA skips the challenge from trusted IPs, on remembered devices and for app passwords. */
const PER_USER =
  'MFA enforced only by a per-user setting, whose trusted IPs, remembered devices and app passwords Graph does not show';

export const mfa01 = defineControl<z.infer<typeof params>>({
  id: 'MFA-01',
  title: 'MFA enforced for all human users',
  requirement:
    'Every enabled human account must be forced through MFA when it signs in; a registered method or an MFA-capable ' +
    'account is not enough. In scope: enabled identities of kind human that are neither external (MFA-04) nor ' +
    'declared MSP principals (MFA-03); break-glass accounts (MFA-08) and workload identities are out of scope. An ' +
    'account is covered only when the connector computed that MFA is enforced for it (policy, security defaults, ' +
    'per-user enforcement or an org requirement). Per-user enforcement alone is partial for the account: its ' +
    'trusted IPs, remembered devices and app passwords skip the challenge and are invisible to Graph.',
  rationale:
    'The advisory asks customers to require MFA on the services they receive, and Cyber Essentials fails an ' +
    'assessment when any cloud user lacks it. Attackers reached the NHS 111 supplier through a single customer ' +
    'account without MFA: coverage of most accounts leaves exactly such accounts open.',
  remediation:
    'Turn on a conditional-access policy that requires MFA (or an authentication strength) for all users and all ' +
    'resources, excluding only break-glass accounts, or security defaults where Entra ID P1 is not licensed; in ' +
    'GitHub, require two-factor authentication for the organization; in Google Workspace, enforce 2-Step ' +
    'Verification for every organizational unit (enrolment alone is not enforcement); in AWS, attach to every IAM ' +
    'user (or their group) a policy that denies all but MFA self-service while aws:MultiFactorAuthPresent is false.',
  params,
  needs: [
    'identity',
    'identity.mfaEnforced',
    'authPolicy',
    'setting.entra.security_defaults',
    'setting.github.two_factor_requirement',
  ],
  mappings: [
    { framework: 'aa22-131a', ref: 'Area 3', note: 'Customers require MFA on the services and products they receive.' },
    { framework: 'cis-v8', ref: '6.3', note: 'Require MFA for externally-exposed applications.' },
    { framework: 'cis-v8', ref: '6.4', note: 'Require MFA for remote network access.' },
    { framework: 'nist-800-53', ref: 'IA-2(2)', note: 'MFA for access to non-privileged accounts.' },
    { framework: 'iso-27001', ref: 'A.8.5', note: 'Secure authentication.' },
    {
      framework: 'cyber-essentials',
      ref: 'User access control: MFA',
      note: 'MFA applied to all users of cloud services (an auto-fail question).',
    },
    { framework: 'essential-eight', ref: 'ISM-0974', note: 'ML2: MFA for unprivileged users of systems.' },
    { framework: 'essential-eight', ref: 'ISM-1504', note: 'ML1: MFA for users of online services.' },
    { framework: 'scuba-entra', ref: 'MS.AAD.3.2v2', note: 'MFA SHALL be enforced for all users.' },
  ],
  rule: tallyRule<IdentityFact, z.infer<typeof params>>({
    type: 'identity',
    words: {
      one: 'human user',
      many: 'human users',
      ok: 'forced through MFA',
      limited: 'enforced only per user',
      weak: 'challenged only when Entra judges it necessary (security defaults)',
      none: 'no enabled human user is in scope',
    },
    grade(f) {
      if (!signsInInteractively(f) || f.kind !== 'human' || isExternal(f) || f.mspPrincipal === true) return undefined;
      if (f.mfaEnforced === true && (f.enforcementSource === 'per_user' || f.enforcementReason === 'enforced_per_user'))
        return ['limited', PER_USER];
      const grade = f.enforcementReason === 'security_defaults_risk_based' ? 'weak' : enforcementGrade(f.mfaEnforced);
      return [grade, enforcementWhy(f)];
    },
    mode: 'band',
    band: (p) => p.partialBand,
  }),
});
