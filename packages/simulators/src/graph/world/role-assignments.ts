import { guid } from '../../rng.ts';
import type { EntraEdges } from '../../scenario/schema.ts';
import type { DirectoryGroup } from './groups.ts';
import type { Layout } from './layout.ts';
import { type EntraRole, ROLE_TEMPLATE_IDS, roleDefinitionIdOf } from './roles.ts';

export interface DirectoryRoleAssignment {
  id: string;
  role: EntraRole | 'custom';
  roleDefinitionId: string;
  /** `/` for the whole directory; `/administrativeUnits/{id}` or an object id for less. */
  directoryScopeId: string;
  principal: { type: 'user'; index: number } | { type: 'group'; group: DirectoryGroup };
}

/**
 * Active role assignments. Break-glass accounts hold Global Administrator directly; in every role block the first
 * member is assigned directly and the others through the role's role-assignable group.
 */
export function buildRoleAssignments(
  tenantId: string,
  seed: number,
  l: Layout,
  groups: readonly DirectoryGroup[],
  edges: EntraEdges,
): DirectoryRoleAssignment[] {
  const out: DirectoryRoleAssignment[] = [];
  const add = (role: EntraRole, principal: DirectoryRoleAssignment['principal'], key: string) => {
    const raw = guid(seed, tenantId, 'role-assignment', role, key).replaceAll('-', '');
    out.push({
      id: `${Buffer.from(raw, 'hex').toString('base64url')}-1`,
      role,
      roleDefinitionId: ROLE_TEMPLATE_IDS[role],
      directoryScopeId: '/',
      principal,
    });
  };
  for (let i = 0; i < l.breakGlass; i++) add('globalAdministrator', { type: 'user', index: i }, `user:${i}`);
  for (const [k, a] of edges.roleAssignments.entries()) {
    if (a.eligible) continue;
    const raw = guid(seed, tenantId, 'role-assignment', 'edge', k).replaceAll('-', '');
    out.push({
      id: `${Buffer.from(raw, 'hex').toString('base64url')}-1`,
      role: a.role in ROLE_TEMPLATE_IDS ? (a.role as EntraRole) : 'custom',
      roleDefinitionId: roleDefinitionIdOf(a.role),
      directoryScopeId: a.directoryScopeId,
      principal: { type: 'user', index: a.user },
    });
  }
  for (const b of l.roleBlocks) {
    add(b.role, { type: 'user', index: b.start }, `user:${b.start}`);
    const group = groups.find((g) => g.key === `role:${b.role}`);
    if (group) add(b.role, { type: 'group', group }, `group:${group.id}`);
  }
  return out;
}
