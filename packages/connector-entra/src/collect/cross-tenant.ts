import type { CollectionSession } from '@evident/connector-kit';
import type { Fact, IdentityFact, Tri } from '@evident/core';
import type { EntraConfig, EntraSecret } from '../config.ts';
import { resolveEnforcement } from '../enforcement/resolve.ts';
import { getOne, pages } from '../graph-pages.ts';
import { judging } from './identity-fact.ts';
import type { Run } from './state.ts';

type Session = CollectionSession<EntraConfig, EntraSecret>;

export const CROSS_TENANT_DEFAULT = '/policies/crossTenantAccessPolicy/default';
export const CROSS_TENANT_PARTNERS = '/policies/crossTenantAccessPolicy/partners';

interface Target {
  target?: string | null;
  targetType?: string | null;
}
interface Access {
  accessType?: string | null;
  targets?: Target[] | null;
}
interface B2bSetting {
  usersAndGroups?: Access | null;
  applications?: Access | null;
}
interface Configuration {
  tenantId?: string;
  inboundTrust?: { isMfaAccepted?: boolean | null } | null;
  b2bDirectConnectInbound?: B2bSetting | null;
}

/**
 * Every property of Graph's cross-tenant access configurations (default and partner): what the connector reads, or
 * why it leaves it. `csdl.test.ts` fails when Graph adds one not listed here.
 */
export const CONFIGURATION_PROPERTIES: Record<string, string> = {
  b2bDirectConnectInbound: 'read: which direct-connect users are let in',
  inboundTrust: 'read: whether their home MFA is trusted',
  tenantId: 'read: the partner',
  b2bCollaborationInbound: 'B2B collaboration guests have accounts here, judged one by one',
  b2bCollaborationOutbound: 'outbound: this tenant’s users elsewhere',
  b2bDirectConnectOutbound: 'outbound: this tenant’s users elsewhere',
  m365CollaborationOutbound: 'outbound: this tenant’s users elsewhere',
  m365CollaborationInbound: 'not yet judged',
  appServiceConnectInbound: 'not yet judged',
  automaticUserConsentSettings: 'consent prompts, no sign-in',
  invitationRedemptionIdentityProviderConfiguration: 'how guests redeem invitations, no sign-in',
  isServiceDefault: 'whether the default is Microsoft’s, no sign-in',
  tenantRestrictions: 'this tenant’s users elsewhere',
  isInMultiTenantOrganization: 'membership of a multitenant organization, no sign-in',
  isServiceProvider: 'GDAP service providers, judged through serviceProviderAccess',
  identitySynchronization: 'user synchronization, whose users have accounts here',
  serviceProviderConstraints: 'GDAP service providers, judged through serviceProviderAccess',
};

/** One population of B2B direct-connect users the tenant lets in, from every other tenant or one partner. */
export interface DirectConnect {
  /** A partner's tenant id; `undefined` for every tenant without a configuration of its own. */
  tenant?: string;
  /** Whether the tenant trusts MFA done in the user's home tenant. */
  mfaTrusted: Tri;
}

/**
 * Whether a direct-connect setting lets anyone in: users and applications allowed for some target. Blocking
 * everyone (or nothing stated) lets no one in; a setting not understood counts as letting them in.
 */
export function admits(setting: B2bSetting | null | undefined): Tri {
  if (!setting) return false;
  const states = [setting.usersAndGroups?.accessType, setting.applications?.accessType];
  if (states.every((s) => s === 'blocked')) return false;
  if (states.some((s) => s === 'blocked')) {
    // Users allowed, applications blocked (or the other way): only when both are blocked for all is it closed.
    const all = (a: Access | null | undefined) =>
      a?.targets?.some((t) => t.target === 'AllUsers' || t.target === 'AllApplications') === true;
    const blockedAll = [setting.usersAndGroups, setting.applications].some(
      (a) => a?.accessType === 'blocked' && all(a),
    );
    return blockedAll ? false : 'unknown';
  }
  return states.every((s) => s === 'allowed') ? true : 'unknown';
}

const trusted = (c: Configuration | null | undefined): Tri =>
  typeof c?.inboundTrust?.isMfaAccepted === 'boolean' ? c.inboundTrust.isMfaAccepted : 'unknown';

/** The direct-connect populations the cross-tenant access settings let in: the default's, and each partner's. */
export async function crossTenantAccess(run: Run, session: Session): Promise<void> {
  const def = await getOne<Configuration, EntraConfig, EntraSecret>(
    session,
    run.graph,
    CROSS_TENANT_DEFAULT,
    'Policy.Read.All',
  );
  const populations: (DirectConnect & { admitted: Tri })[] = [
    { admitted: admits(def.b2bDirectConnectInbound), mfaTrusted: trusted(def) },
  ];
  for await (const page of pages<Configuration, EntraConfig, EntraSecret>(
    session,
    run.graph,
    CROSS_TENANT_PARTNERS,
    'Policy.Read.All',
  )) {
    for (const p of page) {
      // A partner without a setting of its own inherits the default's.
      const admitted = p.b2bDirectConnectInbound ? admits(p.b2bDirectConnectInbound) : populations[0]!.admitted;
      const mfaTrusted = p.inboundTrust ? trusted(p) : populations[0]!.mfaTrusted;
      populations.push({ tenant: p.tenantId ?? 'unknown', admitted, mfaTrusted });
    }
  }
  run.state.directConnect = populations.filter((p) => p.admitted !== false);
}

export const directConnectSubject = (p: DirectConnect) => `b2b-direct-connect:${p.tenant ?? '*'}`;

/** A home tenant no policy can list: users from every tenant without a configuration of its own. */
const ANY_OTHER_TENANT = '(any tenant without a partner configuration)';

/**
 * B2B direct-connect users have no account here: one identity stands for each population let in, judged by the
 * policies that reach `b2bDirectConnectUser` from its tenant. Trusting their home tenant's MFA enforces nothing by
 * itself; it only lets a policy that requires MFA be met there.
 */
export async function* directConnectIdentities(run: Run): AsyncGenerator<Fact> {
  for (const p of run.state.directConnect ?? []) {
    const principal = {
      id: directConnectSubject(p),
      guestType: 'b2bDirectConnectUser' as const,
      homeTenant: p.tenant ?? ANY_OTHER_TENANT,
      groups: new Set<string>(),
      roles: new Set<string>(),
      mfaRegistered: 'unknown' as const,
    };
    const judged = resolveEnforcement(principal, judging(run).tenant);
    // A setting not understood may let them in: only an enforcing policy settles it.
    const e =
      p.admitted === 'unknown' && judged.mfaEnforced !== true
        ? { ...judged, mfaEnforced: 'unknown' as const, source: 'unknown' as const, reason: 'unknown' as const }
        : judged;
    const trust =
      p.mfaTrusted === true
        ? 'MFA done in their home tenant is trusted'
        : p.mfaTrusted === false
          ? 'MFA done in their home tenant is not trusted'
          : 'whether MFA done in their home tenant is trusted is unknown';
    const fact: IdentityFact = {
      type: 'identity',
      ...run.stamp,
      source: `GET ${CROSS_TENANT_DEFAULT}, GET ${CROSS_TENANT_PARTNERS}, GET /identity/conditionalAccess/policies`,
      subject: principal.id,
      name: `B2B direct-connect users from ${p.tenant ?? 'any other tenant'}`,
      kind: 'guest',
      enabled: true,
      external: true,
      guestType: 'b2bDirectConnectUser',
      mspPrincipal: 'unknown',
      privileged: false,
      roles: [],
      eligible: false,
      mfaRegistered: 'unknown',
      methods: [],
      phishingResistantRegistered: 'unknown',
      mfaEnforced: e.mfaEnforced,
      enforcementSource: e.source,
      enforcementReason: e.reason,
      enforcementDetail: `${e.detail}; ${trust}`,
      phishingResistantEnforced: e.phishingResistantEnforced,
      lastSignIn: 'unknown',
    };
    yield fact;
  }
}
