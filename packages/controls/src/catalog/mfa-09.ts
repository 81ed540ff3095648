import type { FailingSubject, IdentityFact, SettingFact } from '@evident/core';
import { z } from 'zod';
import { connectionOutcome, type Finding } from '../connection-outcome.ts';
import { defineControl } from '../control.ts';
import { common } from '../params.ts';
import { LatestSettings, SETTING } from '../settings.ts';

const params = z.object(common).strict();

/** GitHub: how many accounts its owner-only `2fa_insecure` filter lists (SMS as second factor); null when unread. */
const GITHUB_INSECURE = 'github.insecure_2fa_accounts';
/** Google Workspace: the 2SV methods its policy allows, which the Admin SDK does not expose (always a gap). */
const WORKSPACE_METHODS = 'google_workspace.two_step_methods';
const SMS = 'sms';

/**
 * Until the authentication methods policy is migrated, the legacy MFA and SSPR policies still offer SMS and voice
 * codes, and Graph does not show them: an empty list then proves nothing.
 */
function migrationUnknown(migration: SettingFact | undefined): Finding | undefined {
  if (migration?.value === 'migrationComplete') return undefined;
  const state =
    typeof migration?.value === 'string'
      ? `is in migration state ${migration.value}`
      : 'has a migration state that could not be read';
  return {
    grade: 'unknown',
    reason:
      `the authentication methods policy enables no phishable method, but it ${state} (not migrationComplete), so ` +
      'the legacy MFA and SSPR policies may still offer SMS and voice codes, which Graph does not show',
  };
}

function judge(setting: SettingFact | undefined, migration: SettingFact | undefined): Finding {
  if (typeof setting?.value !== 'string') {
    return { grade: 'unknown', reason: 'which authentication methods are enabled could not be read' };
  }
  const methods = setting.value
    .split(',')
    .map((m) => m.trim())
    .filter((m) => m.length > 0)
    .sort();
  if (methods.length === 0) {
    return (
      migrationUnknown(migration) ?? {
        grade: 'compliant',
        reason: 'no phishable method (SMS, voice call, email one-time passcode) is enabled',
      }
    );
  }
  return {
    grade: 'failing',
    reason: `${methods.length === 1 ? 'a phishable method is' : 'phishable methods are'} enabled for sign-in: ${methods.join(', ')}`,
  };
}

function judgeGithub(setting: SettingFact, sms: FailingSubject[]): Finding {
  const count = setting.value;
  if (typeof count !== 'number') {
    return {
      grade: 'unknown',
      reason: 'which GitHub accounts use SMS as their second factor could not be read (an owner-only filter)',
    };
  }
  if (count === 0 && sms.length === 0) {
    return { grade: 'compliant', reason: 'GitHub lists no member or outside collaborator with SMS as a second factor' };
  }
  const n = Math.max(count, sms.length);
  const names = sms.map((f) => f.name ?? f.subject).sort();
  const listed = names.length > 0 ? `: ${names.join(', ')}` : '';
  return {
    grade: 'failing',
    reason: `${n === 1 ? '1 GitHub account uses' : `${n} GitHub accounts use`} SMS as a second factor${listed}`,
    failing: sms,
  };
}

export const mfa09 = defineControl<z.infer<typeof params>>({
  id: 'MFA-09',
  title: 'Phishable MFA methods (SMS, voice, email codes) disabled',
  requirement:
    'The tenant must not allow SMS, voice-call or email one-time passcodes as authentication methods (the setting ' +
    '`entra.weak_methods` lists the enabled ones and must be empty). Until that policy reports ' +
    '`policyMigrationState: migrationComplete` (`entra.methods_policy_migration`), the legacy MFA and SSPR ' +
    'policies may still offer SMS and voice, which Graph does not show: an empty list is then unknown. On GitHub, where an org cannot switch SMS ' +
    'off, no member or outside collaborator may have SMS as a second factor (the owner-only `2fa_insecure` filter, ' +
    'reported as `github.insecure_2fa_accounts`, must list none; unknown when it could not be read). Google ' +
    'Workspace does not expose the 2-Step Verification methods its policy allows, so it is unknown there. ' +
    'Evaluated per connection that reports either setting; others are not applicable.',
  rationale:
    'SMS and voice codes can be intercepted through SIM swaps and relayed by phishing kits; while they are allowed, ' +
    'an attacker can choose the weakest method any user registered.',
  remediation:
    'In the authentication methods policy, disable SMS, Voice call and Email OTP once users have moved to the ' +
    'Authenticator app, passkeys or FIDO2 keys, and complete the migration from the legacy MFA and SSPR policies. On GitHub, ask each listed account to replace SMS with an ' +
    'authenticator app, passkey or security key, and require secure 2FA methods in the org settings. In Google ' +
    'Workspace, set the allowed 2-Step Verification methods to "Only security key" (at least for admins).',
  params,
  needs: [
    'setting.entra.weak_methods',
    'setting.entra.methods_policy_migration',
    `setting.${GITHUB_INSECURE}`,
    `setting.${WORKSPACE_METHODS}`,
  ],
  mappings: [
    {
      framework: 'scuba-entra',
      ref: 'MS.AAD.3.5v2',
      note: 'SMS, Voice Call and Email OTP SHALL be disabled.',
    },
    { framework: 'essential-eight', ref: 'ISM-1682', note: 'ML2: phishing-resistant MFA; phone codes are not.' },
    { framework: 'iso-27001', ref: 'A.8.5', note: 'Secure authentication.' },
  ],
  rule: {
    accepts: ['setting', 'identity'],
    reducer(ctx) {
      const settings = new LatestSettings([SETTING.weakMethods, SETTING.methodsMigration, GITHUB_INSECURE]);
      const sms = new Map<string, FailingSubject>();
      const why = 'uses SMS as a second factor (GitHub lists it under 2fa_insecure)';
      const listed = (f: IdentityFact) =>
        f.provider === 'github' &&
        f.methods.includes(SMS) &&
        !!sms.set(f.subject, {
          connection: ctx.connection,
          subject: f.subject,
          name: f.name,
          why,
        });
      return {
        add: (f) => (f.type === 'setting' ? settings.add(f) : f.type === 'identity' && listed(f)),
        finish: () => {
          const entra = settings.get(SETTING.weakMethods);
          const github = settings.get(GITHUB_INSECURE);
          const migration = settings.get(SETTING.methodsMigration);
          const finding = entra || !github ? judge(entra, migration) : judgeGithub(github, [...sms.values()]);
          return connectionOutcome(ctx, 'phishable MFA methods', finding);
        },
      };
    },
  },
});
