import {
  type AuthPolicyFact,
  type ExceptedSubject,
  type FailingSubject,
  type IdentityFact,
  reachesEverySignIn,
  reachesLegacyClients,
} from '@evident/core';
import type { ReducerContext } from './control.ts';
import { exceptedSubject, withExpiry } from './exceptions.ts';
import { principalKey } from './identity.ts';
import { count, listOf, quoted } from './words.ts';

const MFA_GRANTS: ReadonlySet<AuthPolicyFact['grant']> = new Set([
  'mfa',
  'auth_strength',
  'auth_strength_phishing_resistant',
]);

/**
 * The part of a policy the MFA controls keep: a handful per tenant, never the identities it applies to. The
 * connector states it as its resolver reads the policy: every narrowing in `conditions`, client app types, and every
 * exclusion (users, group and role holders active or eligible, guest populations) in `excluded`.
 */
export type PolicySummary = Pick<
  AuthPolicyFact,
  'subject' | 'name' | 'state' | 'allUsers' | 'allApps' | 'conditions' | 'excluded' | 'clientAppTypes'
>;

export function summarize(p: AuthPolicyFact): PolicySummary {
  const { subject, name, state, allUsers, allApps, conditions, excluded, clientAppTypes } = p;
  return { subject, name, state, allUsers, allApps, conditions, excluded, clientAppTypes };
}

export function requiresMfa(p: AuthPolicyFact): boolean {
  return MFA_GRANTS.has(p.grant);
}

export function blocksLegacyAuth(p: AuthPolicyFact): boolean {
  return p.grant === 'block' && reachesLegacyClients(p.clientAppTypes);
}

/**
 * All users, all apps, no narrowing condition and (unless `anyClients`, for a block aimed at legacy clients on
 * purpose) every interactive client: the per-user resolver's reading of the same policy.
 */
export function coversEveryone(p: PolicySummary, { anyClients = false } = {}): boolean {
  const clients = anyClients || reachesEverySignIn(p.clientAppTypes);
  return p.allUsers && p.allApps && p.conditions.length === 0 && clients;
}

/** How a policy falls short of everyone, everywhere: "only selected users, only when: trusted location". */
export function narrowing(p: PolicySummary, { anyClients = false } = {}): string {
  const parts: string[] = [];
  if (!p.allUsers) parts.push('only selected users');
  if (!p.allApps) parts.push('only selected apps');
  if (!anyClients && !reachesEverySignIn(p.clientAppTypes))
    parts.push(`only client apps ${p.clientAppTypes.join(', ')}`);
  if (p.conditions.length > 0) parts.push(`only when: ${listOf(p.conditions)}`);
  return parts.join(', ');
}

export function byName(a: PolicySummary, b: PolicySummary): number {
  return a.name.localeCompare(b.name) || a.subject.localeCompare(b.subject);
}

export function policyLabel(p: Pick<PolicySummary, 'name'>): string {
  return `policy ${quoted(p.name)}`;
}

/** Declared emergency-access accounts, by provider id and by name. */
export class BreakGlassAccounts {
  private readonly keys = new Set<string>();

  add(f: IdentityFact): void {
    this.keys.add(principalKey(f.subject));
    if (f.name) this.keys.add(principalKey(f.name));
  }

  has(principal: string): boolean {
    return this.keys.has(principalKey(principal));
  }
}

export interface Exclusions {
  /** Excluded principals that are neither declared break-glass accounts nor excepted. */
  undeclared: FailingSubject[];
  excepted: ExceptedSubject[];
  declared: number;
}

/** Sorts a policy's exclusions into declared break-glass accounts, accepted exceptions and the rest. */
export function resolveExclusions(
  ctx: ReducerContext<unknown>,
  p: PolicySummary,
  breakGlass: BreakGlassAccounts,
  what: string,
): Exclusions {
  const result: Exclusions = { undeclared: [], excepted: [], declared: 0 };
  for (const principal of [...new Set(p.excluded)].sort()) {
    if (breakGlass.has(principal)) {
      result.declared++;
      continue;
    }
    const match = ctx.exceptions.match(ctx.connection, principal);
    if (match.active) {
      result.excepted.push(exceptedSubject(ctx.connection, principal, undefined, match.active));
      continue;
    }
    const why = `excluded from ${what} ${policyLabel(p)} but neither a declared break-glass account nor excepted`;
    result.undeclared.push({ connection: ctx.connection, subject: principal, why: withExpiry(why, match.expired) });
  }
  return result;
}

/** ", sparing only 2 break-glass accounts and 1 excepted principal": who a tenant-wide policy leaves out. */
export function sparing(exclusions: Exclusions): string {
  const parts: string[] = [];
  if (exclusions.declared > 0) parts.push(count(exclusions.declared, 'break-glass account', 'break-glass accounts'));
  const x = exclusions.excepted.length;
  if (x > 0) parts.push(count(x, 'excepted principal', 'excepted principals'));
  return parts.length > 0 ? `, sparing only ${parts.join(' and ')}` : '';
}
