import type { IdentityFact } from '@evident/core';
import { z } from 'zod';
import { defineControl } from '../control.ts';
import { signsInInteractively } from '../identity.ts';
import { common } from '../params.ts';
import { type Grade, tallyRule } from '../tally.ts';

const params = z.object(common).strict();

function grade(f: IdentityFact): [Grade, string] {
  if (f.privileged === 'unknown') return ['unknown', 'whether the account is privileged could not be determined'];
  if (f.phishingResistantEnforced === true) return ['compliant', ''];
  if (f.phishingResistantRegistered === false) {
    return ['failing', 'no phishing-resistant method (passkey, FIDO2 key, Windows Hello, certificate) registered'];
  }
  if (f.phishingResistantEnforced === false && f.phishingResistantRegistered === true) {
    return ['weak', 'a phishing-resistant method is registered but no policy requires it'];
  }
  return ['unknown', 'whether a phishing-resistant method is registered and required could not be determined'];
}

export const mfa05 = defineControl<z.infer<typeof params>>({
  id: 'MFA-05',
  title: 'Phishing-resistant MFA enforced for privileged accounts',
  requirement:
    'Enabled privileged accounts (MSP and guest admins included; break-glass accounts are judged by MFA-08) must be ' +
    'forced by policy to use phishing-resistant methods: FIDO2 keys or passkeys, Windows Hello for Business, or ' +
    'certificates. Partial: such a method is registered but not required (or the provider cannot require it). ' +
    'Fail: a privileged account has no phishing-resistant method at all.',
  rationale:
    'Push, code and SMS MFA can be phished or fatigued; admins are the targets of adversary-in-the-middle kits. ' +
    'ScubaGear and the Essential Eight (ML2) require phishing-resistant MFA for privileged users.',
  remediation:
    'Register passkeys or FIDO2 keys for every admin, then require the built-in "Phishing-resistant MFA" ' +
    'authentication strength for the privileged directory roles with a conditional-access policy. In Google ' +
    'Workspace, allow only security keys for admins and enrol super admins in Advanced Protection (the Admin SDK ' +
    'shows neither, so Workspace stays unknown here). In AWS, register a FIDO security key for the root user and ' +
    'every administrator.',
  params,
  needs: [
    'identity',
    'identity.privileged',
    'identity.mfaRegistered',
    'identity.phishingResistantRegistered',
    'authPolicy',
  ],
  mappings: [
    {
      framework: 'scuba-entra',
      ref: 'MS.AAD.3.6v1',
      note: 'Phishing-resistant MFA SHALL be required for highly privileged roles.',
    },
    { framework: 'nist-800-53', ref: 'IA-2(1)', note: 'FedRAMP asks for phishing-resistant MFA here.' },
    { framework: 'essential-eight', ref: 'ISM-1682', note: 'ML2: MFA for systems is phishing-resistant.' },
    { framework: 'cis-v8', ref: '6.5', note: 'Strengthens MFA on administrative access.' },
    { framework: 'iso-27001', ref: 'A.8.5', note: 'Secure authentication.' },
  ],
  rule: tallyRule<IdentityFact, z.infer<typeof params>>({
    type: 'identity',
    words: {
      one: 'privileged account',
      many: 'privileged accounts',
      ok: 'forced to use phishing-resistant MFA',
      weak: 'registered for it but not forced',
      bad: 'without a phishing-resistant method',
      none: 'no enabled privileged account is in scope',
    },
    grade: (f) =>
      signsInInteractively(f) && f.kind !== 'break_glass' && f.privileged !== false ? grade(f) : undefined,
    mode: 'strict',
  }),
});
