import { guid } from '../../rng.ts';
import { type Endpoint, identityCost } from '../endpoint.ts';
import { errors } from '../errors.ts';
import { DIRECTORY_PAGES, page } from '../paging.ts';
import { needs } from '../permissions.ts';
import { rejectExpand } from '../query.ts';
import type { SimTenant } from '../tenants.ts';
import type { EntraDirectory } from '../world/directory.ts';
import { roleDefinitionIdOf } from '../world/roles.ts';
import { typed, userResource } from './directory-objects.ts';

/** PIM's eligible holders, one instance per user and role, built from the world's eligible blocks. */
function instances(tenant: SimTenant) {
  const d = tenant.directory;
  const blocks = d.layout.eligibleBlocks.flatMap((b) =>
    Array.from({ length: b.count }, (_, k) => {
      const u = d.user(b.start + k);
      return { user: u, roleDefinitionId: u.eligibleRoleTemplateIds[0]!, directoryScopeId: '/' };
    }),
  );
  const edges = d.world.edges.roleAssignments
    .filter((a) => a.eligible)
    .map((a) => ({
      user: d.user(a.user),
      roleDefinitionId: roleDefinitionIdOf(a.role),
      directoryScopeId: a.directoryScopeId,
    }));
  return [...blocks, ...edges];
}

const START = '2026-01-01T00:00:00Z';

/** `GET /roleManagement/directory/roleEligibilityScheduleInstances`: who may activate which role, at which scope. */
export const listRoleEligibilityInstances: Endpoint = {
  api: 'graph',
  path: '/v1.0/roleManagement/directory/roleEligibilityScheduleInstances',
  family: 'identity',
  cost: identityCost(1),
  permissions: needs.roleAssignments,
  premium: 'governance',
  handle({ tenant, url, origin, query }) {
    rejectExpand(query, 'principal');
    if (query.filter !== undefined) throw errors.unsupportedQuery('The simulator lists eligibility unfiltered.');
    const expand = query.expand === 'principal';
    const rows = instances(tenant).map(({ user, roleDefinitionId, directoryScopeId }) => {
      const base = {
        id: guid(tenant.directory.seed, tenant.world.tenantId, 'eligibility', user.id, roleDefinitionId),
        principalId: user.id,
        roleDefinitionId,
        directoryScopeId,
        appScopeId: null,
        startDateTime: START,
        endDateTime: null,
        memberType: 'Direct',
        roleEligibilityScheduleId: guid(tenant.directory.seed, 'schedule', user.id, roleDefinitionId),
      };
      return expand ? { ...base, principal: typed('user', userResource(user)) } : base;
    });
    const context = `roleManagement/directory/roleEligibilityScheduleInstances${expand ? '(principal())' : ''}`;
    return page(url, origin, context, rows.length, DIRECTORY_PAGES, query, (i) => rows[i]!);
  },
};

const GROUP_FILTER = /^\s*groupId\s+eq\s+'([^']*)'\s*$/i;

/** `GET /identityGovernance/privilegedAccess/group/eligibilityScheduleInstances`: PIM for Groups; a filter is required. */
export const listGroupEligibilityInstances: Endpoint = {
  api: 'graph',
  path: '/v1.0/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances',
  family: 'identity',
  cost: identityCost(1),
  permissions: needs.groupEligibility,
  premium: 'governance',
  handle({ url, origin, query }) {
    const m = GROUP_FILTER.exec(query.filter ?? '');
    if (!m) throw errors.badRequest("A filter on groupId or principalId is required, e.g. groupId eq '{id}'.");
    // The world keeps role-assignable groups' members active; none is eligible through PIM for Groups.
    return page(
      url,
      origin,
      'identityGovernance/privilegedAccess/group/eligibilityScheduleInstances',
      0,
      DIRECTORY_PAGES,
      query,
      () => ({}),
    );
  },
};

const indexes = new WeakMap<EntraDirectory, Map<string, number>>();

/** User id → position, built once per directory from the ids alone. */
function indexOf(d: EntraDirectory): Map<string, number> {
  let map = indexes.get(d);
  if (!map) {
    map = new Map();
    for (let i = 0; i < d.layout.total; i++) map.set(guid(d.seed, d.world.tenantId, 'user', i), i);
    indexes.set(d, map);
  }
  return map;
}

/** `GET /beta/users/{id}/authentication/requirements`: legacy per-user MFA. */
export const getAuthenticationRequirements: Endpoint = {
  api: 'graph',
  path: '/beta/users/{id}/authentication/requirements',
  family: 'identity',
  cost: identityCost(1),
  permissions: needs.policy,
  handle({ tenant, params, origin }) {
    const d = tenant.directory;
    const id = params.id ?? '';
    const index = indexOf(d).get(id);
    if (index === undefined) throw errors.notFound(id);
    const state = d.user(index).perUserMfaState;
    return {
      '@odata.context': `${origin}/beta/$metadata#users('${id}')/authentication/requirements/$entity`,
      perUserMfaState: state,
    };
  },
};
