import { type GapFact, gapCovers, type IdentityFact } from '@evident/core';
import { z } from 'zod';
import { defineControl, type Outcome } from '../control.ts';
import { enforcementWhy, signsInInteractively } from '../identity.ts';
import { common } from '../params.ts';
import { type Grade, Tally } from '../tally.ts';

const params = z.object(common).strict();

/** As MFA-01 judges a user: only enforcement counts; registration only words why an account falls short. */
function grade(f: IdentityFact): [Grade, string] {
  if (f.privileged === 'unknown') return ['unknown', 'whether the account is privileged could not be determined'];
  const held = f.eligible ? ' (holds a privileged role as eligible, through PIM)' : '';
  if (f.mfaEnforced === true) {
    return f.enforcementSource === 'per_user'
      ? ['weak', `MFA enforced only by a per-user setting, not by a tenant-wide policy${held}`]
      : ['compliant', ''];
  }
  // Privilege held only as eligible is gated where activating it demands MFA, whatever the account's sign-in.
  if (f.activationMfa === true) return ['compliant', ''];
  const gate = f.activationDetail ? `; activation: ${f.activationDetail}` : '';
  if (f.mfaEnforced === 'unknown' || f.activationMfa === 'unknown') {
    return ['unknown', enforcementWhy(f) + held + gate];
  }
  const registration =
    f.mfaRegistered === true
      ? 'a method is registered, but nothing forces its use'
      : f.mfaRegistered === false
        ? 'no method registered either'
        : 'whether a method is registered is unknown';
  return ['failing', `${enforcementWhy(f)}; ${registration}${held}${gate}`];
}

/** Where the tenant's role definitions were not read, the documented list of privileged roles stood in. */
const DEFINITIONS = 'identity.privileged.definitions';

function withDefinitions(outcome: Outcome, unread: GapFact[]): Outcome {
  if (unread.length === 0) return outcome;
  const words = unread.map((g) => g.message).join('; ');
  return {
    ...outcome,
    reason: `${outcome.reason}; privileged roles are Microsoft's documented list, as the tenant's role definitions could not be read: ${words}`,
  };
}

/** Eligible role holders that could not be read: a licence gap leaves the verdict, anything else blocks a pass. */
function withUnseen(outcome: Outcome, unseen: GapFact[]): Outcome {
  if (unseen.length === 0) return outcome;
  const words = unseen.map((g) => g.message).join('; ');
  const reason = `${outcome.reason}; eligible (PIM) role holders could not be read: ${words}`;
  const licenceOnly = unseen.every((g) => g.code === 'licence_required');
  if (licenceOnly || outcome.status !== 'pass') return { ...outcome, reason };
  return { ...outcome, status: 'unknown', reason };
}

export const mfa02 = defineControl<z.infer<typeof params>>({
  id: 'MFA-02',
  title: 'MFA enforced for all privileged accounts',
  requirement:
    'Every enabled account holding an admin or privileged role (active or eligible through PIM) must be forced ' +
    'through MFA by a tenant- or org-wide mechanism. Privileged guests and MSP accounts are included; break-glass ' +
    'accounts are governed by MFA-08. Pass: all enforced. Partial: the rest rely on a per-user setting. Fail: any ' +
    'privileged account nothing forces through MFA, as in MFA-01 (a registered method does not count). An account ' +
    'whose privilege is unknown counts as undetermined; eligible holders that could not be read are named.',
  rationale:
    'Privileged accounts are what attackers want: one admin without MFA undoes every other control. CIS 6.5 asks ' +
    'for MFA on all administrative access, including accounts a third party manages.',
  remediation:
    'Require MFA (ideally phishing-resistant) for every directory role with a conditional-access policy targeting ' +
    'the roles, or for all users; replace per-user MFA with that policy. In GitHub, require 2FA for the organization. ' +
    'In Google Workspace, enforce 2-Step Verification for the organizational units or groups of every super and ' +
    'delegated admin. ' +
    'In AWS, give the root user an MFA device and force administrators through MFA with a deny-without-MFA policy.',
  params,
  needs: [
    'identity',
    'identity.privileged',
    'identity.mfaEnforced',
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
    accepts: ['identity', 'gap'],
    reducer(ctx) {
      const unseen: GapFact[] = [];
      const definitions: GapFact[] = [];
      const tally = new Tally(ctx, {
        one: 'privileged account',
        many: 'privileged accounts',
        ok: 'forced through MFA',
        weak: 'relying on a per-user setting',
        bad: 'not forced through MFA',
        none: 'no enabled privileged account is in scope',
      });
      return {
        add(f) {
          if (f.type === 'gap') {
            if (f.covers.includes(DEFINITIONS)) {
              definitions.push(f);
              return true;
            }
            if (!f.covers.some((c) => gapCovers(c, 'identity.eligible'))) return false;
            unseen.push(f);
            return true;
          }
          if (f.type !== 'identity') return false;
          if (signsInInteractively(f) && f.kind !== 'break_glass' && f.privileged !== false) {
            tally.add(f.subject, f.name, ...grade(f));
          }
          return true;
        },
        finish: () => withDefinitions(withUnseen(tally.outcome('strict'), unseen), definitions),
      };
    },
  },
});
