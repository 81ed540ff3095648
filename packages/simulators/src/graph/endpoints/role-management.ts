import { guid } from '../../rng.ts';
import { type Endpoint, identityCost } from '../endpoint.ts';
import { errors } from '../errors.ts';
import { DIRECTORY_PAGES, page } from '../paging.ts';
import { needs } from '../permissions.ts';
import { rejectExpand } from '../query.ts';
import type { SimTenant } from '../tenants.ts';
import { DIRECTORY_ROLE_TEMPLATES, isPrivilegedTemplate, roleDefinitionIdOf } from '../world/roles.ts';

/** Built-in roles, then the tenant's custom ones, as beta lists them (`isPrivileged` is beta only). */
function definitions(tenant: SimTenant) {
  const builtIn = DIRECTORY_ROLE_TEMPLATES.map((r) => ({
    id: r.templateId,
    displayName: r.displayName,
    isBuiltIn: true,
    isEnabled: true,
    isPrivileged: isPrivilegedTemplate(r.templateId),
    templateId: r.templateId,
  }));
  const custom = tenant.directory.world.edges.customRoles.map((r) => ({
    id: r.id,
    displayName: r.displayName,
    isBuiltIn: false,
    isEnabled: true,
    isPrivileged: r.isPrivileged,
    templateId: r.id,
  }));
  return [...builtIn, ...custom];
}

/** `GET /beta/roleManagement/directory/roleDefinitions`: every role the tenant has, with whether it is privileged. */
export const listRoleDefinitions: Endpoint = {
  api: 'graph',
  path: '/beta/roleManagement/directory/roleDefinitions',
  family: 'identity',
  cost: identityCost(1),
  permissions: needs.roleAssignments,
  handle({ tenant, url, origin, query }) {
    rejectExpand(query);
    if (query.filter !== undefined) throw errors.unsupportedQuery('The simulator lists role definitions unfiltered.');
    const rows = definitions(tenant);
    return page(url, origin, 'roleManagement/directory/roleDefinitions', rows.length, DIRECTORY_PAGES, query, (i) => {
      const row = rows[i]!;
      const keep = query.select;
      return keep ? Object.fromEntries(Object.entries(row).filter(([k]) => keep.includes(k))) : row;
    });
  },
};

const DIRECTORY_ROLE_FILTER = /^\s*scopeId\s+eq\s+'\/'\s+and\s+scopeType\s+eq\s+'DirectoryRole'\s*$/i;

function requireDirectoryScope(filter: string | undefined): void {
  if (!DIRECTORY_ROLE_FILTER.test(filter ?? '')) {
    throw errors.badRequest("The filter scopeId eq '/' and scopeType eq 'DirectoryRole' is required.");
  }
}

const policyId = (tenant: SimTenant, role: string) =>
  `DirectoryRole_${tenant.world.tenantId}_${guid(tenant.directory.seed, 'role-policy', role)}`;

const target = (caller: string, level: string) => ({
  caller,
  operations: ['all'],
  level,
  inheritableSettings: [],
  enforcedSettings: [],
});

/** One policy per role: PIM's defaults (justification on activation) unless the world states its activation rules. */
function policyOf(tenant: SimTenant, role: string) {
  const rule = tenant.directory.world.edges.activation.find((a) => roleDefinitionIdOf(a.role) === role);
  const context = rule?.authenticationContext;
  return {
    id: policyId(tenant, role),
    displayName: 'DirectoryRole',
    description: 'DirectoryRole',
    isOrganizationDefault: false,
    scopeId: '/',
    scopeType: 'DirectoryRole',
    lastModifiedDateTime: null,
    rules: [
      {
        '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
        id: 'Enablement_EndUser_Assignment',
        enabledRules: rule?.mfa ? ['MultiFactorAuthentication', 'Justification'] : ['Justification'],
        target: target('EndUser', 'Assignment'),
      },
      {
        '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyAuthenticationContextRule',
        id: 'AuthenticationContext_EndUser_Assignment',
        isEnabled: context !== undefined,
        claimValue: context ?? '',
        target: target('EndUser', 'Assignment'),
      },
      {
        '@odata.type': '#microsoft.graph.unifiedRoleManagementPolicyEnablementRule',
        id: 'Enablement_Admin_Assignment',
        enabledRules: ['Justification'],
        target: target('Admin', 'Assignment'),
      },
    ],
  };
}

const roleIds = (tenant: SimTenant) => definitions(tenant).map((d) => d.id);

/** `GET /policies/roleManagementPolicies`: PIM's settings per directory role, rules inline with `$expand=rules`. */
export const listRoleManagementPolicies: Endpoint = {
  api: 'graph',
  path: '/v1.0/policies/roleManagementPolicies',
  family: 'identity',
  cost: identityCost(1),
  permissions: needs.roleManagementPolicies,
  premium: 'governance',
  handle({ tenant, url, origin, query }) {
    rejectExpand(query, 'rules');
    requireDirectoryScope(query.filter);
    const expand = query.expand === 'rules';
    const roles = roleIds(tenant);
    return page(url, origin, 'policies/roleManagementPolicies', roles.length, DIRECTORY_PAGES, query, (i) => {
      const { rules, ...policy } = policyOf(tenant, roles[i]!);
      return expand ? { ...policy, rules } : policy;
    });
  },
};

/** `GET /policies/roleManagementPolicyAssignments`: which policy governs which directory role. */
export const listRoleManagementPolicyAssignments: Endpoint = {
  api: 'graph',
  path: '/v1.0/policies/roleManagementPolicyAssignments',
  family: 'identity',
  cost: identityCost(1),
  permissions: needs.roleManagementPolicies,
  premium: 'governance',
  handle({ tenant, url, origin, query }) {
    rejectExpand(query);
    requireDirectoryScope(query.filter);
    const roles = roleIds(tenant);
    return page(url, origin, 'policies/roleManagementPolicyAssignments', roles.length, DIRECTORY_PAGES, query, (i) => {
      const role = roles[i]!;
      const policy = policyId(tenant, role);
      return {
        id: `${policy}_${role}`,
        policyId: policy,
        scopeId: '/',
        scopeType: 'DirectoryRole',
        roleDefinitionId: role,
      };
    });
  },
};
