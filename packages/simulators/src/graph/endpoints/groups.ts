import { type Endpoint, identityCost, metadata } from '../endpoint.ts';
import { errors } from '../errors.ts';
import { DIRECTORY_PAGES, page } from '../paging.ts';
import { needs } from '../permissions.ts';
import { checkSelect, project, rejectExpand, rejectFilter } from '../query.ts';
import type { SimTenant } from '../tenants.ts';
import type { DirectoryGroup } from '../world/groups.ts';
import {
  GROUP_DEFAULT_PROPERTIES,
  GROUP_PROPERTIES,
  groupResource,
  typed,
  USER_DEFAULT_PROPERTIES,
  USER_PROPERTIES,
  userResource,
} from './directory-objects.ts';

const MEMBER_PROPERTIES: ReadonlySet<string> = new Set([...USER_PROPERTIES, ...GROUP_PROPERTIES]);

function findGroup(tenant: SimTenant, id: string | undefined): DirectoryGroup {
  const group = id === undefined ? undefined : tenant.directory.group(id);
  if (!group) throw errors.notFound(id ?? '');
  return group;
}

export function groupCreated(tenant: SimTenant): string {
  return new Date(tenant.directory.now.getTime() - 400 * 86_400_000).toISOString();
}

/** `GET /groups/{id}` */
export const getGroup: Endpoint = {
  api: 'graph',
  path: '/v1.0/groups/{id}',
  family: 'identity',
  cost: identityCost(2),
  permissions: needs.group,
  handle({ tenant, origin, params, query }) {
    rejectExpand(query);
    checkSelect(query.select, GROUP_PROPERTIES, 'group');
    const group = findGroup(tenant, params.id);
    const body = project(groupResource(group, groupCreated(tenant)), query.select ?? GROUP_DEFAULT_PROPERTIES);
    return Object.assign({ '@odata.context': metadata(origin, 'groups/$entity') }, body);
  },
};

/** `GET /groups/{id}/transitiveMembers`: nested groups first, then every user reached through any of them. */
export const listTransitiveMembers: Endpoint = {
  api: 'graph',
  path: '/v1.0/groups/{id}/transitiveMembers',
  family: 'identity',
  cost: identityCost(5),
  permissions: needs.groupMembers,
  handle({ tenant, url, origin, params, query }) {
    rejectFilter(query);
    rejectExpand(query);
    checkSelect(query.select, MEMBER_PROPERTIES, 'directoryObject');
    const members = tenant.directory.transitiveMembers(findGroup(tenant, params.id));
    const created = groupCreated(tenant);
    return page(url, origin, 'directoryObjects', members.count, DIRECTORY_PAGES, query, (k) => {
      const m = members.at(k);
      if (m.type === 'group')
        return typed('group', project(groupResource(m.group, created), query.select ?? GROUP_DEFAULT_PROPERTIES));
      const user = userResource(tenant.directory.user(m.index));
      return typed('user', project(user, query.select ?? USER_DEFAULT_PROPERTIES));
    });
  },
};
