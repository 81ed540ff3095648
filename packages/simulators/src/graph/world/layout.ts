import { ENTRA_ROLES, type EntraWorld } from '../../scenario/schema.ts';
import type { EntraRole } from './roles.ts';

/** Thrown when a world cannot exist, e.g. more administrators than users. */
export class EntraWorldError extends Error {
  override readonly name = 'EntraWorldError';
}

export interface RoleBlock {
  role: EntraRole;
  /** First user index holding the role; the block is `[start, start + count)`. */
  start: number;
  count: number;
}

export type UserCategory = 'breakGlass' | 'admin' | 'member' | 'disabled' | 'guest';

/**
 * Where each kind of user sits in the index space: break-glass accounts first, then one contiguous block per role
 * (in `ENTRA_ROLES` order), then the other enabled members, then disabled members, then guests.
 */
export interface Layout {
  breakGlass: number;
  roleBlocks: RoleBlock[];
  /** First enabled member who holds no role. */
  firstRegular: number;
  /** Enabled members: `[0, members)`. */
  members: number;
  guestStart: number;
  total: number;
  /** PIM-eligible role holders: `[eligibleStart, members)`, one block per role in `ENTRA_ROLES` order. */
  eligibleBlocks: RoleBlock[];
  /** Per-user MFA: enforced for `[firstRegular, +enforced)`, enabled for the next `enabled`. */
  perUser: { enforced: number; enabled: number };
}

export function layout(world: EntraWorld): Layout {
  let next = world.breakGlass;
  const roleBlocks: RoleBlock[] = [];
  for (const role of ENTRA_ROLES) {
    const count = world.admins[role] ?? 0;
    if (count === 0) continue;
    roleBlocks.push({ role, start: next, count });
    next += count;
  }
  if (next > world.users)
    throw new EntraWorldError(
      `${world.tenantId}: ${world.breakGlass} break-glass accounts and ${next - world.breakGlass} administrators do not fit in ${world.users} users`,
    );
  if (world.mspGuests > world.guests)
    throw new EntraWorldError(`${world.tenantId}: ${world.mspGuests} MSP guests do not fit in ${world.guests} guests`);
  const guestStart = world.users + world.disabledUsers;
  const eligibleBlocks: RoleBlock[] = [];
  let end = world.users;
  for (const role of ENTRA_ROLES) {
    const count = world.eligibleAdmins[role] ?? 0;
    if (count === 0) continue;
    end -= count;
    eligibleBlocks.push({ role, start: end, count });
  }
  const perUser = world.perUserMfa;
  if (next + perUser.enforced + perUser.enabled > end)
    throw new EntraWorldError(
      `${world.tenantId}: eligible administrators and per-user MFA accounts do not fit among the regular members`,
    );
  return {
    eligibleBlocks,
    perUser,
    breakGlass: world.breakGlass,
    roleBlocks,
    firstRegular: next,
    members: world.users,
    guestStart,
    total: guestStart + world.guests,
  };
}

export function category(l: Layout, i: number): UserCategory {
  if (i < l.breakGlass) return 'breakGlass';
  if (i < l.firstRegular) return 'admin';
  if (i < l.members) return 'member';
  if (i < l.guestStart) return 'disabled';
  return 'guest';
}

export function roleBlockOf(l: Layout, i: number): RoleBlock | undefined {
  return l.roleBlocks.find((b) => i >= b.start && i < b.start + b.count);
}

export function eligibleBlockOf(l: Layout, i: number): RoleBlock | undefined {
  return l.eligibleBlocks.find((b) => i >= b.start && i < b.start + b.count);
}

export function perUserMfaState(l: Layout, i: number): 'enforced' | 'enabled' | 'disabled' {
  const k = i - l.firstRegular;
  if (k < 0 || i >= l.members) return 'disabled';
  return k < l.perUser.enforced ? 'enforced' : k < l.perUser.enforced + l.perUser.enabled ? 'enabled' : 'disabled';
}
