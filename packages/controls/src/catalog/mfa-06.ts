import type { Tri } from '@evident/core';
import { z } from 'zod';
import { connectionOutcome, type Finding } from '../connection-outcome.ts';
import { defineControl, type ReducerContext } from '../control.ts';
import { common } from '../params.ts';
import {
  BreakGlassAccounts,
  blocksLegacyAuth,
  byName,
  coversEveryone,
  narrowing,
  type PolicySummary,
  policyLabel,
  resolveExclusions,
  sparing,
  summarize,
} from '../policies.ts';
import { LatestSettings, SETTING } from '../settings.ts';
import { count } from '../words.ts';

const params = z.object(common).strict();

function judge(
  ctx: ReducerContext<unknown>,
  securityDefaults: Tri | undefined,
  blocking: PolicySummary[],
  breakGlass: BreakGlassAccounts,
): Finding {
  if (securityDefaults === true) {
    return { grade: 'compliant', reason: 'security defaults are on, which block legacy authentication' };
  }
  const policies = [...blocking].sort(byName);
  const full = policies.filter((p) => p.state === 'on' && coversEveryone(p, { anyClients: true }));
  const resolved = full.map((p) => ({ p, ...resolveExclusions(ctx, p, breakGlass, 'legacy-authentication block') }));
  const clean = resolved.find((r) => r.undeclared.length === 0);
  if (clean) {
    return {
      grade: 'compliant',
      reason: `${policyLabel(clean.p)} blocks legacy authentication for all users and apps${sparing(clean)}`,
      excepted: clean.excepted,
    };
  }
  const leaky = resolved[0];
  if (leaky) {
    return {
      grade: 'weak',
      reason: `${policyLabel(leaky.p)} blocks legacy authentication but excludes ${count(leaky.undeclared.length, 'principal', 'principals')} that ${leaky.undeclared.length === 1 ? 'is' : 'are'} neither a declared break-glass account nor excepted`,
      failing: leaky.undeclared,
      excepted: leaky.excepted,
    };
  }
  const scoped = policies.find((p) => p.state === 'on');
  if (scoped) {
    return {
      grade: 'weak',
      reason: `${policyLabel(scoped)} blocks legacy authentication ${narrowing(scoped, { anyClients: true })}`,
    };
  }
  const reportOnly = policies.find((p) => p.state === 'report_only');
  if (reportOnly) {
    return {
      grade: 'weak',
      reason: `${policyLabel(reportOnly)} is report-only, so legacy authentication is not blocked`,
    };
  }
  if (securityDefaults === false) {
    return {
      grade: 'failing',
      reason: 'no enabled policy blocks legacy authentication and security defaults are off',
    };
  }
  return {
    grade: 'unknown',
    reason: 'no policy blocks legacy authentication and whether security defaults are on could not be read',
  };
}

export const mfa06 = defineControl<z.infer<typeof params>>({
  id: 'MFA-06',
  title: 'Legacy and basic authentication blocked (no MFA bypass)',
  requirement:
    'Protocols that cannot do MFA must be blocked tenant-wide: security defaults on, or an enabled policy for all ' +
    'users and all apps, with no narrowing conditions, targeting the legacy client types (Exchange ActiveSync and ' +
    'other clients) with grant block, excluding only declared break-glass accounts or excepted principals. ' +
    'Partial: such a policy is report-only, narrowed, or excludes undeclared principals. Fail: nothing blocks it. ' +
    'Evaluated per connection that reports sign-in policies or security defaults; others are not applicable. ' +
    'Successful legacy sign-ins are not yet collected, so they do not affect the result.',
  rationale:
    'Legacy protocols accept a password alone, so every MFA policy can be bypassed through them; password spraying ' +
    'against legacy endpoints is how many tenants are breached.',
  remediation:
    'Create a conditional-access policy: all users, all resources, client apps Exchange ActiveSync and other ' +
    'clients, grant block; exclude only the break-glass accounts; test in report-only, then turn it on.',
  params,
  needs: ['authPolicy', 'setting.entra.security_defaults'],
  mappings: [
    { framework: 'scuba-entra', ref: 'MS.AAD.1.1v1', note: 'Legacy authentication SHALL be blocked.' },
    { framework: 'cis-v8', ref: '6.3', note: 'Legacy protocols bypass the MFA the safeguard requires.' },
    { framework: 'nist-800-53', ref: 'CM-7', note: "Least functionality (ScubaGear's mapping)." },
    { framework: 'nist-800-53', ref: 'IA-2(1)', note: 'No single-factor path around privileged MFA.' },
    { framework: 'aa22-131a', ref: 'Area 1', note: 'Defend against brute force and password spraying.' },
    { framework: 'iso-27001', ref: 'A.8.5', note: 'Secure authentication.' },
  ],
  rule: {
    accepts: ['authPolicy', 'setting', 'identity'],
    reducer(ctx) {
      const settings = new LatestSettings([SETTING.securityDefaults]);
      const blocking: PolicySummary[] = [];
      const breakGlass = new BreakGlassAccounts();
      return {
        add(f) {
          if (f.type === 'identity' && f.kind === 'break_glass') breakGlass.add(f);
          else if (f.type === 'setting') return settings.add(f);
          else if (f.type === 'authPolicy') {
            if (blocksLegacyAuth(f)) blocking.push(summarize(f));
          } else return false;
          return true;
        },
        finish: () =>
          connectionOutcome(
            ctx,
            'legacy authentication',
            judge(ctx, settings.tri(SETTING.securityDefaults), blocking, breakGlass),
          ),
      };
    },
  },
});
