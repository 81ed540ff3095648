import type { EntraWorld } from '../../scenario/schema.ts';
import { buildCaPolicies } from './ca-policies.ts';
import type { ConditionalAccessPolicy } from './ca-policy.ts';
import { directoryAuditLog, type EventLog, signInLog } from './events.ts';
import { buildGroups, type DirectoryGroup, type MemberList, transitiveMembers } from './groups.ts';
import { type Layout, layout } from './layout.ts';
import { buildRoleAssignments, type DirectoryRoleAssignment } from './role-assignments.ts';
import { type DirectoryUser, makeUser } from './users.ts';

export interface DirectoryCounts {
  /** Every user `/users` lists: enabled members, disabled members and guests. */
  users: number;
  enabledMembers: number;
  disabled: number;
  guests: number;
  breakGlass: number;
  /** Users holding at least one directory role, break-glass accounts included. */
  admins: number;
  /** Rows of the registration-details report: every enabled user (disabled ones are absent). */
  registrationDetails: number;
}

/** One Entra tenant, generated on demand from its description: nothing is stored per user. */
export interface EntraDirectory {
  world: EntraWorld;
  seed: number;
  now: Date;
  layout: Layout;
  counts: DirectoryCounts;
  /** The user at `/users` position `i` (0-based). */
  user(i: number): DirectoryUser;
  /** The user at registration-details position `j`: disabled users are skipped. */
  registeredUser(j: number): DirectoryUser;
  users(): Generator<DirectoryUser>;
  groups: readonly DirectoryGroup[];
  group(id: string): DirectoryGroup | undefined;
  /** Members through nested groups: the nested groups first, then the users. */
  transitiveMembers(group: DirectoryGroup): MemberList;
  roleAssignments: readonly DirectoryRoleAssignment[];
  conditionalAccessPolicies: readonly ConditionalAccessPolicy[];
  signIns: EventLog<ReturnType<ReturnType<typeof signInLog>['at']>>;
  directoryAudits: EventLog<ReturnType<ReturnType<typeof directoryAuditLog>['at']>>;
}

export function entraDirectory(world: EntraWorld, seed: number, now: Date): EntraDirectory {
  const l = layout(world);
  const groups = buildGroups(world, seed, l);
  const ctx = { world, seed, now, layout: l, groups };
  const user = (i: number) => {
    if (!Number.isInteger(i) || i < 0 || i >= l.total) throw new RangeError(`no user ${i} in ${world.tenantId}`);
    return makeUser(ctx, i);
  };
  const registeredUser = (j: number) => user(j < l.members ? j : j + world.disabledUsers);
  const registrationDetails = world.users + world.guests;
  const breakGlassIds = Array.from({ length: l.breakGlass }, (_, i) => user(i).id);
  const policies = buildCaPolicies(world, seed, now, groups, breakGlassIds);
  const actors = [...breakGlassIds.keys(), ...l.roleBlocks.map((b) => b.start)].map(user);
  const members = new Map<string, MemberList>();
  const membersOf = (group: DirectoryGroup) => {
    let list = members.get(group.id);
    if (!list) {
      list = transitiveMembers(groups, group);
      members.set(group.id, list);
    }
    return list;
  };
  const source = {
    world,
    seed,
    now,
    signInUsers: { count: registrationDetails, at: registeredUser },
    actors,
    policies,
    inGroup: (groupId: string, index: number) => {
      const group = groups.find((g) => g.id === groupId);
      return group !== undefined && membersOf(group).hasUser(index);
    },
  };
  return {
    world,
    seed,
    now,
    layout: l,
    counts: {
      users: l.total,
      enabledMembers: world.users,
      disabled: world.disabledUsers,
      guests: world.guests,
      breakGlass: l.breakGlass,
      admins: l.firstRegular,
      registrationDetails,
    },
    user,
    registeredUser,
    *users() {
      for (let i = 0; i < l.total; i++) yield user(i);
    },
    groups,
    group: (id) => groups.find((g) => g.id === id),
    transitiveMembers: membersOf,
    roleAssignments: buildRoleAssignments(world.tenantId, seed, l, groups, world.edges),
    conditionalAccessPolicies: policies,
    signIns: signInLog(source),
    directoryAudits: directoryAuditLog(source),
  };
}
