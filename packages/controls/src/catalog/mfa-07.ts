import type { FailingSubject, Tri } from '@evident/core';
import { z } from 'zod';
import { connectionOutcome, type Finding } from '../connection-outcome.ts';
import { defineControl, type ReducerContext } from '../control.ts';
import { signsInInteractively } from '../identity.ts';
import { common } from '../params.ts';
import {
  BreakGlassAccounts,
  byName,
  coversEveryone,
  narrowing,
  type PolicySummary,
  policyLabel,
  requiresMfa,
  resolveExclusions,
  sparing,
  summarize,
} from '../policies.ts';
import { LatestSettings, SETTING } from '../settings.ts';
import { count } from '../words.ts';

const params = z.object(common).strict();

interface State {
  settings: LatestSettings;
  policies: PolicySummary[];
  breakGlass: BreakGlassAccounts;
  perUser: number;
}

function judgeGithub(required: Tri): Finding {
  if (required === true) return { grade: 'compliant', reason: 'the organization requires two-factor authentication' };
  if (required === false) {
    return { grade: 'failing', reason: 'the organization does not require two-factor authentication' };
  }
  return {
    grade: 'unknown',
    reason:
      'whether the organization requires two-factor authentication could not be read (the token may not belong to an owner)',
  };
}

function judge(ctx: ReducerContext<unknown>, s: State): Finding {
  const securityDefaults = s.settings.tri(SETTING.securityDefaults);
  const githubTwoFactor = s.settings.tri(SETTING.githubTwoFactor);
  if (securityDefaults === true) return { grade: 'compliant', reason: 'security defaults require MFA for all users' };
  if (githubTwoFactor !== undefined) return judgeGithub(githubTwoFactor);
  const policies = [...s.policies].sort(byName);
  const full = policies.filter((p) => p.state === 'on' && coversEveryone(p));
  const resolved = full.map((p) => ({ p, ...resolveExclusions(ctx, p, s.breakGlass, 'MFA') }));
  const clean = resolved.find((r) => r.undeclared.length === 0);
  if (clean) {
    return {
      grade: 'compliant',
      reason: `${policyLabel(clean.p)} requires MFA for all users and all apps${sparing(clean)}`,
      excepted: clean.excepted,
    };
  }
  const shortfalls: string[] = [];
  const failing: FailingSubject[] = resolved.flatMap((r) => r.undeclared);
  if (resolved[0]) shortfalls.push(`${policyLabel(resolved[0].p)} excludes principals that are not declared`);
  for (const p of policies.filter((p) => p.state === 'on' && !coversEveryone(p))) {
    shortfalls.push(`${policyLabel(p)} requires MFA ${narrowing(p)}`);
    failing.push({ connection: ctx.connection, subject: p.subject, name: p.name, why: `requires MFA ${narrowing(p)}` });
  }
  for (const p of policies.filter((p) => p.state === 'report_only' && coversEveryone(p))) {
    shortfalls.push(`${policyLabel(p)} would require MFA for everyone but is report-only`);
    failing.push({
      connection: ctx.connection,
      subject: p.subject,
      name: p.name,
      why: 'report-only, enforces nothing',
    });
  }
  if (s.perUser > 0) shortfalls.push(`${count(s.perUser, 'user relies', 'users rely')} on per-user MFA`);
  if (shortfalls.length > 0) {
    return {
      grade: 'weak',
      reason: `no policy requires MFA for everyone: ${shortfalls.join('; ')}`,
      failing,
      excepted: resolved.flatMap((r) => r.excepted),
    };
  }
  if (securityDefaults === false || policies.length > 0) {
    return {
      grade: 'failing',
      reason:
        'no enabled policy, security defaults or organization requirement enforces MFA; registration alone does not',
    };
  }
  return {
    grade: 'unknown',
    reason: 'neither sign-in policies nor an organization setting were collected, so how MFA is enforced is unknown',
  };
}

export const mfa07 = defineControl<z.infer<typeof params>>({
  id: 'MFA-07',
  title: 'MFA enforced by an org-wide policy, not by registration or per-user opt-in',
  requirement:
    'MFA must come from a tenant- or org-level mechanism: security defaults, the GitHub organization 2FA ' +
    'requirement, or an enabled policy requiring MFA or an authentication strength for all users and all apps, ' +
    'with no narrowing conditions, excluding only declared break-glass accounts or excepted principals. Partial: ' +
    'enforcement exists but is scoped (some users, some apps, conditions), excludes undeclared principals, relies ' +
    'on per-user MFA, or the all-users policy is report-only. Fail: registration only.',
  rationale:
    'A registered method protects nothing until something requires it at sign-in, and per-user or scoped ' +
    'enforcement silently misses new accounts. Only an org-wide rule keeps coverage at 100% as people come and go.',
  remediation:
    'Enable a conditional-access policy: all users, all resources, grant "Require MFA" or an authentication ' +
    'strength, excluding only break-glass accounts; retire per-user MFA. In GitHub, require 2FA for the organization. ' +
    'In Google Workspace, enforce 2-Step Verification at the top-level organizational unit (the Admin SDK does not ' +
    'expose that policy, only its effect on each user).',
  params,
  needs: [
    'authPolicy',
    'setting.entra.security_defaults',
    'setting.github.two_factor_requirement',
    // Google Workspace does not expose its 2SV policy: its connector always reports this as a gap.
    'setting.google_workspace.two_step_enforcement',
  ],
  mappings: [
    { framework: 'scuba-entra', ref: 'MS.AAD.3.2v2', note: 'MFA SHALL be enforced for all users.' },
    { framework: 'cis-v8', ref: '6.3', note: 'Enforcing MFA through a directory or SSO provider counts.' },
    { framework: 'nist-800-53', ref: 'IA-2(1)', note: 'Enforced for privileged accounts.' },
    { framework: 'nist-800-53', ref: 'IA-2(2)', note: 'Enforced for non-privileged accounts.' },
    { framework: 'cyber-essentials', ref: 'User access control: MFA', note: 'MFA enforced, not merely available.' },
    { framework: 'aa22-131a', ref: 'Area 3', note: 'Enforce MFA.' },
    { framework: 'iso-27001', ref: 'A.8.5', note: 'Secure authentication.' },
  ],
  rule: {
    accepts: ['authPolicy', 'setting', 'identity'],
    reducer(ctx) {
      const settings = new LatestSettings([SETTING.securityDefaults, SETTING.githubTwoFactor]);
      const state: State = { settings, policies: [], breakGlass: new BreakGlassAccounts(), perUser: 0 };
      return {
        add(f) {
          if (f.type === 'authPolicy') {
            if (requiresMfa(f)) state.policies.push(summarize(f));
          } else if (f.type === 'setting') {
            return state.settings.add(f);
          } else if (f.type === 'identity') {
            if (f.kind === 'break_glass') state.breakGlass.add(f);
            if (!signsInInteractively(f)) return false;
            if (f.enforcementSource === 'per_user') state.perUser++;
          } else return false;
          return true;
        },
        finish: () => connectionOutcome(ctx, 'MFA enforcement', judge(ctx, state)),
      };
    },
  },
});
