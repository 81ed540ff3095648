/** One Google Workspace customer as the simulator serves it; users are made on demand, so 50,000 cost nothing. */
export interface WorkspaceUser {
  id: string;
  primaryEmail: string;
  isAdmin: boolean;
  isDelegatedAdmin: boolean;
  isEnrolledIn2Sv: boolean;
  isEnforcedIn2Sv: boolean;
  suspended: boolean;
  archived: boolean;
  orgUnitPath: string;
  lastLoginTime: string;
  creationTime: string;
}

export interface WorkspaceRole {
  roleId: string;
  roleName: string;
  isSystemRole: boolean;
  isSuperAdminRole: boolean;
  rolePrivileges: { privilegeName: string; serviceId: string }[];
}

export interface WorkspaceRoleAssignment {
  roleAssignmentId: string;
  roleId: string;
  assignedTo: string;
  assigneeType: 'user' | 'group';
  scopeType: 'CUSTOMER' | 'ORG_UNIT';
}

export type WorkspaceApplication = 'login' | 'admin';

export interface WorkspaceWorld {
  domain: string;
  customerId: string;
  /** The read-only admin the service account impersonates. */
  reader: string;
  userCount: number;
  user(index: number): WorkspaceUser;
  roles: WorkspaceRole[];
  assignments: WorkspaceRoleAssignment[];
  /** When each application's newest activity happened; null: the report is empty. */
  newest: Record<WorkspaceApplication, string | null>;
  /** The scopes domain-wide delegation grants the service account's client id. */
  delegatedScopes: string[];
}

export const WORKSPACE_SCOPES = {
  users: 'https://www.googleapis.com/auth/admin.directory.user.readonly',
  roles: 'https://www.googleapis.com/auth/admin.directory.rolemanagement.readonly',
  reports: 'https://www.googleapis.com/auth/admin.reports.audit.readonly',
} as const;

const SERVICE = '00haapch16h1ysv';
const priv = (privilegeName: string) => ({ privilegeName, serviceId: SERVICE });

export const SYSTEM_ROLES: WorkspaceRole[] = [
  {
    roleId: '91447453409034240',
    roleName: '_SEED_ADMIN_ROLE',
    isSystemRole: true,
    isSuperAdminRole: true,
    rolePrivileges: [priv('SUPER_ADMIN')],
  },
  {
    roleId: '91447453409034241',
    roleName: '_USER_MANAGEMENT_ADMIN_ROLE',
    isSystemRole: true,
    isSuperAdminRole: false,
    rolePrivileges: [priv('USERS_ALL'), priv('USERS_RETRIEVE')],
  },
  {
    roleId: '91447453409034242',
    roleName: '_HELP_DESK_ADMIN_ROLE',
    isSystemRole: true,
    isSuperAdminRole: false,
    rolePrivileges: [priv('USERS_RETRIEVE'), priv('USERS_RESET_PASSWORD')],
  },
  {
    roleId: '91447453409034243',
    roleName: 'Evident reader',
    isSystemRole: false,
    isSuperAdminRole: false,
    rolePrivileges: [priv('USERS_RETRIEVE'), priv('ADMIN_ROLES_RETRIEVE'), priv('REPORTS_RETRIEVE')],
  },
];

const [SEED, USER_MGMT, HELP_DESK, READER] = SYSTEM_ROLES.map((r) => r.roleId) as [string, string, string, string];

export type WorkspacePreset = 'healthy' | 'weak' | 'huge';

interface Person {
  admin?: 'super' | 'delegated';
  enrolled: boolean;
  enforced: boolean;
  suspended?: boolean;
  archived?: boolean;
  role?: string;
}

const HOUR = 3_600_000;

function worldOf(domain: string, now: Date, count: number, person: (i: number) => Person): WorkspaceWorld {
  const iso = (ms: number) => new Date(now.getTime() - ms).toISOString();
  const id = (i: number) => String(100_000_000_000_000_000_000n + BigInt(i));
  const user = (i: number): WorkspaceUser => {
    const p = person(i);
    const name = i === 0 ? 'reader' : `user${i}`;
    return {
      id: id(i),
      primaryEmail: `${name}@${domain}`,
      isAdmin: p.admin === 'super',
      isDelegatedAdmin: p.admin === 'delegated',
      isEnrolledIn2Sv: p.enrolled,
      isEnforcedIn2Sv: p.enforced,
      suspended: p.suspended ?? false,
      archived: p.archived ?? false,
      orgUnitPath: p.admin ? '/IT' : '/Staff',
      lastLoginTime: i % 7 === 6 ? '1970-01-01T00:00:00.000Z' : iso((i % 30) * 24 * HOUR + HOUR),
      creationTime: iso(400 * 24 * HOUR),
    };
  };
  const assignments: WorkspaceRoleAssignment[] = [];
  // Only the first few hundred people can hold roles: enough for every preset, cheap for the huge one.
  for (let i = 0; i < Math.min(count, 500); i++) {
    const p = person(i);
    const roleId = p.admin === 'super' ? SEED : p.role;
    if (!roleId) continue;
    assignments.push({
      roleAssignmentId: String(9_000_000 + i),
      roleId,
      assignedTo: id(i),
      assigneeType: 'user',
      scopeType: 'CUSTOMER',
    });
  }
  return {
    domain,
    customerId: 'C03az79cb',
    reader: `reader@${domain}`,
    userCount: count,
    user,
    roles: SYSTEM_ROLES,
    assignments,
    newest: { login: iso(5 * 60_000), admin: iso(HOUR) },
    delegatedScopes: Object.values(WORKSPACE_SCOPES),
  };
}

const reader: Person = { admin: 'delegated', role: READER, enrolled: true, enforced: true };

/** A customer that does it right: 2SV enforced and used by everyone, a few admins, fresh reports. */
export function workspacePreset(preset: WorkspacePreset, now = new Date(), domain = 'example.org'): WorkspaceWorld {
  if (preset === 'healthy') {
    return worldOf(domain, now, 20, (i) => {
      if (i === 0) return reader;
      if (i === 1) return { admin: 'super', enrolled: true, enforced: true };
      if (i === 2) return { admin: 'delegated', role: USER_MGMT, enrolled: true, enforced: true };
      return { enrolled: true, enforced: true };
    });
  }
  if (preset === 'weak') {
    // Admins enrolled but nothing enforces 2SV for them; a suspended super admin without 2SV at all.
    return worldOf(domain, now, 20, (i) => {
      if (i === 0) return reader;
      if (i === 1) return { admin: 'super', enrolled: true, enforced: false };
      if (i === 2) return { admin: 'delegated', role: HELP_DESK, enrolled: true, enforced: false };
      if (i === 3) return { admin: 'super', enrolled: false, enforced: false, suspended: true };
      if (i === 4) return { enrolled: false, enforced: false };
      return { enrolled: true, enforced: i % 2 === 0 };
    });
  }
  return worldOf(domain, now, 50_000, (i) => {
    if (i === 0) return reader;
    if (i < 3) return { admin: 'super', enrolled: true, enforced: true };
    if (i < 40) return { admin: 'delegated', role: HELP_DESK, enrolled: true, enforced: true };
    return { enrolled: true, enforced: true, archived: i % 997 === 0 };
  });
}
