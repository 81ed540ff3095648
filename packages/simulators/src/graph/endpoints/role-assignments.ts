import { type Endpoint, identityCost } from '../endpoint.ts';
import { errors } from '../errors.ts';
import { DIRECTORY_PAGES, page } from '../paging.ts';
import { needs } from '../permissions.ts';
import { checkSelect, project, rejectExpand } from '../query.ts';
import type { SimTenant } from '../tenants.ts';
import type { DirectoryRoleAssignment } from '../world/role-assignments.ts';
import { groupResource, typed, userResource } from './directory-objects.ts';
import { groupCreated } from './groups.ts';

const PROPERTIES: ReadonlySet<string> = new Set([
  'id',
  'principalId',
  'principalOrganizationId',
  'directoryScopeId',
  'appScopeId',
  'condition',
  'roleDefinitionId',
  'principal',
]);

const CLAUSE = /^\s*(roleDefinitionId|principalId)\s+(?:eq\s+'([^']*)'|in\s*\(([^)]*)\))\s*$/i;
const LISTED = /^\s*'([^']*)'\s*$/;
/** Graph's cap on the values an `in` (an OR of equalities) may list, with the error it answers beyond it. */
const MAX_IN = 15;

function values(clause: string, eq: string | undefined, list: string | undefined): string[] {
  if (eq !== undefined) return [eq];
  const items = (list ?? '').split(',').map((v) => LISTED.exec(v)?.[1]);
  if (items.length === 0 || items.some((v) => v === undefined))
    throw errors.badRequest(`Invalid filter clause: '${clause.trim()}'.`);
  if (items.length > MAX_IN)
    throw errors.badRequest(
      `Too many child clauses specified in search filter expression containing 'OR' operators: ${items.length}. Max allowed: ${MAX_IN}.`,
    );
  return items as string[];
}

/** The supported `$filter`: `roleDefinitionId` and/or `principalId`, each `eq '…'` or `in ('…', …)`, joined by `and`. */
function parseFilter(filter: string | undefined): (a: { roleDefinitionId: string; principalId: string }) => boolean {
  if (filter === undefined) return () => true;
  const clauses = filter.split(/\s+and\s+/i).map((c) => {
    const m = CLAUSE.exec(c);
    if (!m) throw errors.badRequest(`Invalid filter clause: '${c.trim()}'.`);
    const field = m[1]!.toLowerCase() === 'principalid' ? 'principalId' : 'roleDefinitionId';
    return { field, accepted: new Set(values(c, m[2], m[3]).map((v) => v.toLowerCase())) } as const;
  });
  return (a) => clauses.every((c) => c.accepted.has(a[c.field].toLowerCase()));
}

function resource(tenant: SimTenant, a: DirectoryRoleAssignment, expand: boolean) {
  const principal =
    a.principal.type === 'user'
      ? typed('user', userResource(tenant.directory.user(a.principal.index)))
      : typed('group', groupResource(a.principal.group, groupCreated(tenant)));
  const principalId = a.principal.type === 'user' ? tenant.directory.user(a.principal.index).id : a.principal.group.id;
  const base = {
    id: a.id,
    principalId,
    principalOrganizationId: tenant.world.tenantId,
    directoryScopeId: a.directoryScopeId,
    appScopeId: null,
    condition: null,
    roleDefinitionId: a.roleDefinitionId,
  };
  return expand ? Object.assign(base, { principal }) : base;
}

/** `GET /roleManagement/directory/roleAssignments`: active assignments; principals are users or role-assignable groups. */
export const listRoleAssignments: Endpoint = {
  api: 'graph',
  path: '/v1.0/roleManagement/directory/roleAssignments',
  family: 'identity',
  cost: identityCost(1),
  permissions: needs.roleAssignments,
  handle({ tenant, url, origin, query }) {
    rejectExpand(query, 'principal');
    checkSelect(query.select, PROPERTIES, 'unifiedRoleAssignment');
    const expand = query.expand === 'principal';
    const keep = parseFilter(query.filter);
    const rows = tenant.directory.roleAssignments.map((a) => resource(tenant, a, expand)).filter(keep);
    const context = `roleManagement/directory/roleAssignments${expand ? '(principal())' : ''}`;
    return page(url, origin, context, rows.length, DIRECTORY_PAGES, query, (i) =>
      project(rows[i]!, query.select && expand ? [...query.select, 'principal'] : query.select),
    );
  },
};
