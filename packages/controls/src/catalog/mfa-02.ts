import type { IdentityFact } from '@evident/core';
import { z } from 'zod';
import { defineControl } from '../control.ts';
import { enforcementWhy, signsInInteractively } from '../identity.ts';
import { common } from '../params.ts';
import { type Grade, Tally } from '../tally.ts';

const params = z.object(common).strict();

function grade(f: IdentityFact): [Grade, string] {
  if (f.privileged === 'unknown') return ['unknown', 'whether the account is privileged could not be determined'];
  if (f.mfaEnforced === true) {
    return f.enforcementSource === 'per_user'
      ? ['weak', 'MFA enforced only by a per-user setting, not by a tenant-wide policy']
      : ['compliant', ''];
  }
  if (f.mfaEnforced === 'unknown') return ['unknown', enforcementWhy(f)];
  if (f.mfaRegistered === true) return ['weak', enforcementWhy(f)];
  if (f.mfaRegistered === false) return ['failing', `no MFA enforced and no method registered (${enforcementWhy(f)})`];
  return ['unknown', `MFA not enforced and whether a method is registered could not be determined`];
}

export const mfa02 = defineControl<z.infer<typeof params>>({
  id: 'MFA-02',
  title: 'MFA enforced for all privileged accounts',
  requirement:
    'Every enabled account holding an admin or privileged role (active or eligible) must be forced through MFA by a ' +
    'tenant- or org-wide mechanism. Privileged guests and MSP accounts are included; break-glass accounts are ' +
    'governed by MFA-08. Pass: all enforced. Partial: the rest rely on a registered method or a per-user setting. ' +
    'Fail: any privileged account with neither enforcement nor a registered method. An account whose privilege is ' +
    'unknown counts as undetermined.',
  rationale:
    'Privileged accounts are what attackers want: one admin without MFA undoes every other control. CIS 6.5 asks ' +
    'for MFA on all administrative access, including accounts a third party manages.',
  remediation:
    'Require MFA (ideally phishing-resistant) for every directory role with a conditional-access policy targeting ' +
    'the roles, or for all users; replace per-user MFA with that policy. In GitHub, require 2FA for the organization.',
  params,
  needs: [
    'identity',
    'identity.privileged',
    'identity.mfaEnforced',
    'identity.mfaRegistered',
    'authPolicy',
    'setting.entra.security_defaults',
    'setting.github.two_factor_requirement',
  ],
  mappings: [
    { framework: 'cis-v8', ref: '6.5', note: 'MFA for all administrative access, including third-party-managed.' },
    { framework: 'nist-800-53', ref: 'IA-2(1)', note: 'MFA for access to privileged accounts.' },
    { framework: 'essential-eight', ref: 'ISM-1173', note: 'ML2: MFA for privileged users of systems.' },
    { framework: 'cyber-essentials', ref: 'User access control: MFA', note: 'Administrators of cloud services.' },
    { framework: 'aa22-131a', ref: 'Area 3', note: 'Accounts that reach customer environments are privileged.' },
    { framework: 'iso-27001', ref: 'A.8.5', note: 'Secure authentication.' },
  ],
  rule: {
    accepts: ['identity'],
    reducer(ctx) {
      const tally = new Tally(ctx, {
        one: 'privileged account',
        many: 'privileged accounts',
        ok: 'forced through MFA',
        weak: 'relying on a registered method or a per-user setting',
        bad: 'without any MFA',
        none: 'no enabled privileged account is in scope',
      });
      return {
        add(f) {
          if (f.type !== 'identity') return false;
          if (signsInInteractively(f) && f.kind !== 'break_glass' && f.privileged !== false) {
            tally.add(f.subject, f.name, ...grade(f));
          }
          return true;
        },
        finish: () => tally.outcome('strict'),
      };
    },
  },
});
