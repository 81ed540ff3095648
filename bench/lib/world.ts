import { PRIVILEGED_ROLES, ROLES_PER_QUERY } from '@evident/connector-entra';
import { administers } from '@evident/connector-github';
import type { FaultSpec, Scenario, ScenarioInput, TenantWorld } from '@evident/simulators';
import { githubOrg } from '@evident/simulators/github';
import { entraDirectory } from '@evident/simulators/graph';

export const LATENCY = { latencyMs: 40, jitterMs: 20 } satisfies Partial<FaultSpec>;
const GRAPH_MAX_PAGE = 999;
const GITHUB_MAX_PAGE = 100;
const REPORTS = { limit: 5, windowMs: 10_000 };

export interface PortfolioSize {
  tenants: number;
  users: [number, number];
  members: [number, number];
}

const spread = ([lo, hi]: [number, number], i: number, n: number) =>
  Math.round(lo + ((hi - lo) * ((i * 7) % n)) / Math.max(1, n - 1));

/** N customer tenants of mixed sizes, each with Entra, GitHub and three GCP projects, behind realistic latency. */
export function portfolio(size: PortfolioSize): ScenarioInput {
  const tenants = Array.from({ length: size.tenants }, (_, i) => {
    const name = `t${String(i + 1).padStart(3, '0')}`;
    return {
      name,
      entra: { tenantId: name, domain: `${name}.example`, users: spread(size.users, i, size.tenants), guests: 10 },
      github: { org: name, members: spread(size.members, i, size.tenants) },
      gcp: { projects: ['prod', 'staging', 'logs'].map((p) => ({ projectId: `${name}-${p}` })) },
    };
  });
  return { name: 'bench-portfolio', seed: 7, tenants, faults: { graph: LATENCY, github: LATENCY, gcp: LATENCY } };
}

const pages = (items: number, max: number) => Math.max(1, Math.ceil(items / max));

/** Requests a tenant needs, per simulator endpoint: its data at the largest page size, each fixed call once. */
export function neededRequests(t: TenantWorld, sc: Scenario): Map<string, number> {
  const need = new Map<string, number>();
  const put = (key: string, n: number) => need.set(key, (need.get(key) ?? 0) + n);
  if (t.entra) {
    const d = entraDirectory(t.entra, sc.seed, sc.now ? new Date(sc.now) : new Date());
    const policyUsers = d.conditionalAccessPolicies.map((p) => p.conditions.users);
    const groups = new Set(policyUsers.flatMap((u) => (u ? [...u.includeGroups, ...u.excludeGroups] : [])));
    const roles = new Set([
      ...Object.keys(PRIVILEGED_ROLES),
      ...policyUsers.flatMap((u) => (u ? [...u.includeRoles, ...u.excludeRoles] : [])),
    ]);
    let groupPages = 0;
    for (const id of groups) {
      const g = d.group(id);
      if (g) groupPages += pages(d.transitiveMembers(g).count, GRAPH_MAX_PAGE);
    }
    put('graph /{tenant}/v2.0/.well-known/openid-configuration', 1);
    // One token per audience: Microsoft Graph and Azure Resource Manager.
    put('graph /{tenant}/oauth2/v2.0/token', 2);
    for (const p of ['subscribedSkus', 'organization', 'policies/identitySecurityDefaultsEnforcementPolicy'])
      put(`graph /v1.0/${p}`, 1);
    put('graph /v1.0/policies/authenticationMethodsPolicy', 1);
    // Which roles the tenant itself calls privileged, built-in and custom.
    put('graph /beta/roleManagement/directory/roleDefinitions', 1);
    put('graph /v1.0/policies/crossTenantAccessPolicy/default', 1);
    put(
      'graph /v1.0/policies/crossTenantAccessPolicy/partners',
      pages(d.world.edges.crossTenant.partners.length, GRAPH_MAX_PAGE),
    );
    // Every account's external-identity attributes: the report has no `creationType` or `externalUserState`.
    put('graph /v1.0/users', pages(d.counts.users, GRAPH_MAX_PAGE));
    put('graph /v1.0/identity/conditionalAccess/policies', pages(d.conditionalAccessPolicies.length, GRAPH_MAX_PAGE));
    // One filtered read per fifteen roles (Graph's cap on an `in` list), each assignment on one page of 999; the
    // members of each group holding one of them; PIM's eligibility once (refused without P2), then per such group.
    const assigned = d.roleAssignments.filter((a) => roles.has(a.roleDefinitionId));
    const held = assigned.length;
    const roleGroups = new Map(
      assigned.flatMap((a) => (a.principal.type === 'group' ? [[a.principal.group.id, a.principal.group]] : [])),
    );
    for (const g of roleGroups.values()) groupPages += pages(d.transitiveMembers(g).count, GRAPH_MAX_PAGE);
    put('graph /v1.0/roleManagement/directory/roleEligibilityScheduleInstances', 1);
    if (t.entra.licence === 'p2')
      put('graph /v1.0/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances', roleGroups.size);
    put(
      'graph /v1.0/roleManagement/directory/roleAssignments',
      Math.max(Math.ceil(roles.size / ROLES_PER_QUERY), pages(held, GRAPH_MAX_PAGE)),
    );
    put('graph /v1.0/groups/{id}/transitiveMembers', groupPages);
    put(
      'graph /v1.0/reports/authenticationMethods/userRegistrationDetails',
      pages(d.counts.registrationDetails, GRAPH_MAX_PAGE),
    );
    put('graph /v1.0/auditLogs/directoryAudits', 1);
    put('graph /v1.0/auditLogs/signIns', 1);
    put('graph /providers/microsoft.aadiam/diagnosticSettings', 1);
  }
  if (t.github) {
    const g = t.github;
    put('github GET /orgs/{org}', 1);
    put(
      'github GET /orgs/{org}/members',
      pages(g.members, GITHUB_MAX_PAGE) +
        pages(g.owners, GITHUB_MAX_PAGE) +
        pages(g.membersWithout2fa, GITHUB_MAX_PAGE) +
        pages(g.membersWithInsecure2fa, GITHUB_MAX_PAGE),
    );
    put(
      'github GET /orgs/{org}/outside_collaborators',
      pages(g.outsideCollaborators, GITHUB_MAX_PAGE) +
        pages(g.collaboratorsWithout2fa, GITHUB_MAX_PAGE) +
        pages(g.collaboratorsWithInsecure2fa, GITHUB_MAX_PAGE),
    );
    put('github GET /orgs/{org}/audit-log', 1);
    // The organization roles, then the holders of each one that administers; the enterprise's owners in one query.
    put('github GET /orgs/{org}/organization-roles', 1);
    const view = githubOrg(g, sc.seed);
    const administering = view.roles.filter((r) => administers({ base_role: r.baseRole, permissions: r.permissions }));
    put(
      'github GET /orgs/{org}/organization-roles/{role_id}/users',
      administering.reduce((n, r) => n + pages(r.members.length, GITHUB_MAX_PAGE), 0),
    );
    put('github POST /graphql', 1);
  }
  if (t.gcp) {
    const projects = t.gcp.projects.length;
    for (const rpc of [
      'Projects.GetProject',
      'Projects.GetIamPolicy',
      'ConfigServiceV2.ListSinks',
      'ConfigServiceV2.ListBuckets',
      'ConfigServiceV2.ListExclusions',
    ])
      put(`gcp ${rpc}`, projects);
    // The newest entry of each of the three audit logs.
    put('gcp LoggingServiceV2.ListLogEntries', projects * 3);
  }
  return need;
}

/**
 * The least time one tenant can take: its longest chain of dependent requests (sign-in, then page after page) at
 * the mean latency, or the reports family's 5 requests per window, whichever is longer.
 */
export function tenantBoundMs(t: TenantWorld, sc: Scenario, throttleScale: number): number {
  const need = neededRequests(t, sc);
  const n = (k: string) => need.get(k) ?? 0;
  const registration = n('graph /v1.0/reports/authenticationMethods/userRegistrationDetails');
  const reports = registration + n('graph /v1.0/auditLogs/directoryAudits') + n('graph /v1.0/auditLogs/signIns');
  const windows = Math.max(0, Math.ceil(reports / REPORTS.limit) - 1);
  const auth = t.entra ? 2 : 0;
  const chain = Math.max(auth + registration, t.github ? pages(t.github.members, GITHUB_MAX_PAGE) : 0, 1);
  const throttled = windows * REPORTS.windowMs * throttleScale + (auth + 1) * LATENCY.latencyMs;
  return Math.max(chain * LATENCY.latencyMs, throttled);
}

/** The portfolio's lower bound at a concurrency: no tenant faster than its own bound, no lane idle. */
export function portfolioBoundMs(sc: Scenario, throttleScale: number, concurrency: number): number {
  const bounds = sc.tenants.map((t) => tenantBoundMs(t, sc, throttleScale));
  return Math.max(Math.max(...bounds), bounds.reduce((a, b) => a + b, 0) / concurrency);
}
