import { guid } from '../../rng.ts';
import type { DirectoryGroup } from './groups.ts';
import type { Layout } from './layout.ts';
import { type EntraRole, ROLE_TEMPLATE_IDS } from './roles.ts';

export interface DirectoryRoleAssignment {
  id: string;
  role: EntraRole;
  roleDefinitionId: string;
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
): DirectoryRoleAssignment[] {
  const out: DirectoryRoleAssignment[] = [];
  const add = (role: EntraRole, principal: DirectoryRoleAssignment['principal'], key: string) => {
    const raw = guid(seed, tenantId, 'role-assignment', role, key).replaceAll('-', '');
    out.push({
      id: `${Buffer.from(raw, 'hex').toString('base64url')}-1`,
      role,
      roleDefinitionId: ROLE_TEMPLATE_IDS[role],
      principal,
    });
  };
  for (let i = 0; i < l.breakGlass; i++) add('globalAdministrator', { type: 'user', index: i }, `user:${i}`);
  for (const b of l.roleBlocks) {
    add(b.role, { type: 'user', index: b.start }, `user:${b.start}`);
    const group = groups.find((g) => g.key === `role:${b.role}`);
    if (group) add(b.role, { type: 'group', group }, `group:${group.id}`);
  }
  return out;
}
