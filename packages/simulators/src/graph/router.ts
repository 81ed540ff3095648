import type { Endpoint } from './endpoint.ts';
import { getEventHub, getWorkspace, getWorkspaceTable } from './endpoints/arm-destinations.ts';
import { getDiagnosticSetting, getSubscription, listDiagnosticSettings } from './endpoints/arm-diagnostic-settings.ts';
import {
  getBlobContainer,
  getContainerImmutabilityPolicy,
  getStorageAccount,
  getStorageManagementPolicy,
} from './endpoints/arm-storage.ts';
import { listSignIns } from './endpoints/audit-logs.ts';
import { getConditionalAccessPolicy, listConditionalAccessPolicies } from './endpoints/conditional-access.ts';
import { getCrossTenantDefault, listCrossTenantPartners } from './endpoints/cross-tenant.ts';
import { listDirectoryAudits } from './endpoints/directory-audits.ts';
import { listDelegatedAdminCustomers, listDelegatedAdminRelationships } from './endpoints/gdap.ts';
import { getGroup, listTransitiveMembers } from './endpoints/groups.ts';
import { listOrganization, listSubscribedSkus } from './endpoints/organization.ts';
import {
  getAuthenticationRequirements,
  listGroupEligibilityInstances,
  listRoleEligibilityInstances,
} from './endpoints/pim.ts';
import { getAuthenticationMethodsPolicy, getSecurityDefaults } from './endpoints/policies.ts';
import { listRegistrationDetails } from './endpoints/registration-details.ts';
import { listRoleAssignments } from './endpoints/role-assignments.ts';
import {
  listRoleDefinitions,
  listRoleManagementPolicies,
  listRoleManagementPolicyAssignments,
} from './endpoints/role-management.ts';
import { listUsers } from './endpoints/users.ts';

const ENDPOINTS: readonly Endpoint[] = [
  listUsers,
  listRegistrationDetails,
  getGroup,
  listTransitiveMembers,
  listRoleAssignments,
  listRoleEligibilityInstances,
  listGroupEligibilityInstances,
  listRoleDefinitions,
  listRoleManagementPolicies,
  listRoleManagementPolicyAssignments,
  getAuthenticationRequirements,
  listConditionalAccessPolicies,
  getConditionalAccessPolicy,
  getSecurityDefaults,
  getAuthenticationMethodsPolicy,
  getCrossTenantDefault,
  listCrossTenantPartners,
  listSignIns,
  listDirectoryAudits,
  listOrganization,
  listSubscribedSkus,
  listDelegatedAdminCustomers,
  listDelegatedAdminRelationships,
  listDiagnosticSettings,
  getDiagnosticSetting,
  getSubscription,
  getWorkspace,
  getWorkspaceTable,
  getStorageAccount,
  getStorageManagementPolicy,
  getBlobContainer,
  getContainerImmutabilityPolicy,
  getEventHub,
];

interface Compiled {
  endpoint: Endpoint;
  segments: (string | { param: string })[];
}

export type RouteMatch =
  | { kind: 'found'; endpoint: Endpoint; params: Record<string, string> }
  | { kind: 'unknown'; segment: string };

/** Matches a request path to an endpoint; segments compare case-insensitively, as both Graph and ARM do. */
export class Router {
  private readonly routes: Compiled[];

  constructor(endpoints: readonly Endpoint[] = ENDPOINTS) {
    this.routes = endpoints.map((endpoint) => ({
      endpoint,
      segments: split(endpoint.path).map((s) => (s.startsWith('{') ? { param: s.slice(1, -1) } : s.toLowerCase())),
    }));
  }

  match(pathname: string): RouteMatch {
    const parts = split(pathname);
    let deepest = 0;
    for (const r of this.routes) {
      const params: Record<string, string> = {};
      let i = 0;
      for (; i < parts.length && i < r.segments.length; i++) {
        const seg = r.segments[i]!;
        const part = parts[i]!;
        if (typeof seg === 'string' ? seg !== part.toLowerCase() : part.length === 0) break;
        if (typeof seg !== 'string') params[seg.param] = decodeURIComponent(part);
      }
      if (i === parts.length && i === r.segments.length) return { kind: 'found', endpoint: r.endpoint, params };
      deepest = Math.max(deepest, i);
    }
    return { kind: 'unknown', segment: parts[deepest] ?? '' };
  }
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}
