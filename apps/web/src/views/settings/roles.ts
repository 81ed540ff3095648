export type Role = 'owner' | 'admin' | 'analyst' | 'viewer';

const RANK: Record<Role, number> = { viewer: 0, analyst: 1, admin: 2, owner: 3 };
export const atLeast = (role: Role, min: Role) => RANK[role] >= RANK[min];

export const ROLES: { role: Role; label: string }[] = [
  { role: 'viewer', label: 'Viewer: reads everything' },
  { role: 'analyst', label: 'Analyst: also assesses and exports' },
  { role: 'admin', label: 'Admin: also manages tenants, connections, shares and staff' },
  { role: 'owner', label: 'Owner: everything, including owners' },
];

/** The roles this caller may hand out: only an owner names an owner. */
export const grantable = (mine: Role) => ROLES.filter((r) => r.role !== 'owner' || mine === 'owner');
