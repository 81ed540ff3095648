import { type CollectionSession, ConnectorError } from '@evident/connector-kit';
import type { EntraConfig, EntraSecret } from '../config.ts';
import { pages } from '../graph-pages.ts';
import { PRIVILEGED_ROLES } from '../roles.ts';
import type { Run } from './state.ts';

type Session = CollectionSession<EntraConfig, EntraSecret>;

export function add(map: Map<string, Set<string>>, user: string, value: string) {
  let set = map.get(user);
  if (!set) {
    set = new Set();
    map.set(user, set);
  }
  set.add(value);
}

export interface Member {
  '@odata.type'?: string;
  id: string;
}

export async function* usersIn(run: Run, session: Session, groupId: string): AsyncGenerator<string> {
  try {
    for await (const page of pages<Member, EntraConfig, EntraSecret>(
      session,
      run.graph,
      `/groups/${encodeURIComponent(groupId)}/transitiveMembers`,
      'GroupMember.Read.All',
      { $select: 'id', $top: '999' },
    )) {
      for (const m of page) if (!m['@odata.type'] || m['@odata.type'] === '#microsoft.graph.user') yield m.id;
    }
  } catch (error) {
    // A policy may still name a group that was deleted since: it has no members.
    if (!(error instanceof ConnectorError && error.code === 'not_supported')) throw error;
  }
}

/** Members of the groups that some policy names, transitively: nobody else's groups are fetched. */
export async function policyGroups(run: Run, session: Session): Promise<void> {
  const named = new Set<string>();
  for (const p of run.state.policies ?? []) {
    const u = p.conditions.users;
    for (const g of [...(u?.includeGroups ?? []), ...(u?.excludeGroups ?? [])]) named.add(g);
  }
  // Independent reads: the connection's limiter bounds how many run at once.
  await Promise.all(
    [...named].map(async (group) => {
      for await (const user of usersIn(run, session, group)) add(run.state.groupsOf, user, group);
    }),
  );
  run.state.groupsRead = true;
}

interface Assignment {
  principalId: string;
  roleDefinitionId: string;
  /** `/` for the whole directory; an administrative unit or an object otherwise. */
  directoryScopeId?: string;
  principal?: Member;
}

/** Whether an assignment covers the whole directory: only then do a policy's roles reach its holder. */
export const directoryWide = (a: { directoryScopeId?: string }) => a.directoryScopeId === '/';

/** Roles to read holders of: the privileged ones (the tenant's, else the documented list) and any a policy names. */
export function rolesOfInterest(run: Run): Set<string> {
  const roles = new Set(run.state.definitions?.privileged.keys() ?? Object.keys(PRIVILEGED_ROLES));
  for (const p of run.state.policies ?? []) {
    const u = p.conditions.users;
    for (const r of [...(u?.includeRoles ?? []), ...(u?.excludeRoles ?? [])]) roles.add(r);
  }
  return roles;
}

/** Graph's cap on the values one `in` filter may list. */
export const ROLES_PER_QUERY = 15;

/**
 * Holders of the privileged roles and of any role a policy names, through role-assignable groups too, at any
 * scope (an administrative unit's administrators are privileged as well): one filtered query per fifteen roles.
 */
export async function roleHolders(run: Run, session: Session): Promise<void> {
  const roles = [...rolesOfInterest(run)];
  const rolesOf = new Map<string, Set<string>>();
  const holders = async (chunk: string[]) => {
    for await (const page of pages<Assignment, EntraConfig, EntraSecret>(
      session,
      run.graph,
      '/roleManagement/directory/roleAssignments',
      'RoleManagement.Read.Directory',
      {
        $filter: `roleDefinitionId in (${chunk.map((r) => `'${r}'`).join(',')})`,
        $expand: 'principal',
        $top: '999',
      },
    )) {
      for (const a of page) {
        const role = a.roleDefinitionId;
        const type = a.principal?.['@odata.type'];
        const hold = (user: string) => {
          add(rolesOf, user, role);
          if (directoryWide(a)) add(run.state.wideRolesOf, user, role);
        };
        if (type === '#microsoft.graph.group') {
          add(run.state.roleGroups, a.principalId, role);
          for await (const user of usersIn(run, session, a.principalId)) hold(user);
        } else if (!type || type === '#microsoft.graph.user') hold(a.principalId);
      }
    }
  };
  const chunks = Array.from({ length: Math.ceil(roles.length / ROLES_PER_QUERY) }, (_, i) =>
    roles.slice(i * ROLES_PER_QUERY, (i + 1) * ROLES_PER_QUERY),
  );
  await Promise.all(chunks.map(holders));
  run.state.rolesOf = rolesOf;
}
