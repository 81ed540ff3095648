import { guid } from '../../rng.ts';
import type { EntraWorld } from '../../scenario/schema.ts';
import type { Layout } from './layout.ts';
import { ROLE_TEMPLATE_IDS, roleDisplayName } from './roles.ts';

/** Users `[start, end)` by index. */
export interface IndexRange {
  start: number;
  end: number;
}

export interface DirectoryGroup {
  id: string;
  /** Stable name inside the generator: `breakGlass`, `role:<role>`, `allStaff`, `sales`, ... */
  key: string;
  displayName: string;
  description: string;
  isAssignableToRole: boolean;
  memberGroupIds: string[];
  memberUsers: IndexRange[];
}

export type GroupMember = { type: 'group'; group: DirectoryGroup } | { type: 'user'; index: number };

/** A group's members through every level of nesting, addressable by position without listing them. */
export interface MemberList {
  count: number;
  at(k: number): GroupMember;
  hasUser(index: number): boolean;
}

export function buildGroups(world: EntraWorld, seed: number, l: Layout): DirectoryGroup[] {
  const make = (key: string, displayName: string, description: string, extra: Partial<DirectoryGroup> = {}) => ({
    id: guid(seed, world.tenantId, 'group', key),
    key,
    displayName,
    description,
    isAssignableToRole: false,
    memberGroupIds: [],
    memberUsers: [],
    ...extra,
  });
  const groups: DirectoryGroup[] = [];
  if (l.breakGlass > 0)
    groups.push(
      make('breakGlass', 'Emergency access accounts', 'Break-glass accounts excluded from conditional access', {
        memberUsers: [{ start: 0, end: l.breakGlass }],
      }),
    );
  for (const b of l.roleBlocks) {
    if (b.count < 2) continue;
    const name = roleDisplayName(ROLE_TEMPLATE_IDS[b.role]);
    groups.push(
      make(`role:${b.role}`, `${name}s`, `Role-assignable group holding the ${name} role`, {
        isAssignableToRole: true,
        memberUsers: [{ start: b.start + 1, end: b.start + b.count }],
      }),
    );
  }
  if (world.conditionalAccess.includes('nested_groups')) groups.push(...nestedGroups(l, make));
  return groups;
}

function nestedGroups(
  l: Layout,
  make: (key: string, name: string, description: string, extra?: Partial<DirectoryGroup>) => DirectoryGroup,
) {
  const r0 = l.firstRegular;
  const n = l.members - r0;
  const contractors = Math.min(n, Math.max(1, Math.floor(n * 0.05)));
  const half = Math.floor((n - contractors) / 2);
  const kiosks = Math.min(3, half);
  const exempt = half > kiosks ? [{ start: r0 + kiosks, end: r0 + kiosks + 1 }] : [];
  const contractorGroup = make('contractors', 'Engineering contractors', 'Contractors, nested in Engineering', {
    memberUsers: [{ start: l.members - contractors, end: l.members }],
  });
  const sales = make('sales', 'Sales', 'Sales staff', { memberUsers: [{ start: r0, end: r0 + half }] });
  const engineering = make('engineering', 'Engineering', 'Engineering staff and, nested, its contractors', {
    memberGroupIds: [contractorGroup.id],
    memberUsers: [{ start: r0 + half, end: l.members - contractors }],
  });
  const allStaff = make('allStaff', 'All staff', 'Every department, through nested groups', {
    memberGroupIds: [sales.id, engineering.id],
  });
  const kioskGroup = make('kiosks', 'Kiosk accounts', 'Shared kiosk sign-ins, nested in MFA exemptions', {
    memberUsers: [{ start: r0, end: r0 + kiosks }],
  });
  const exemptions = make('mfaExemptions', 'MFA exemptions', 'Excluded from the all-staff MFA policy', {
    memberGroupIds: [kioskGroup.id],
    memberUsers: exempt,
  });
  return [allStaff, sales, engineering, contractorGroup, exemptions, kioskGroup];
}

export function transitiveMembers(groups: readonly DirectoryGroup[], root: DirectoryGroup): MemberList {
  const byId = new Map(groups.map((g) => [g.id, g]));
  const nested: DirectoryGroup[] = [];
  const seen = new Set([root.id]);
  const queue = [root];
  const ranges: IndexRange[] = [];
  for (let g = queue.shift(); g; g = queue.shift()) {
    ranges.push(...g.memberUsers);
    for (const id of g.memberGroupIds) {
      const child = byId.get(id);
      if (!child || seen.has(id)) continue;
      seen.add(id);
      nested.push(child);
      queue.push(child);
    }
  }
  const merged = mergeRanges(ranges);
  const userCount = merged.reduce((s, r) => s + r.end - r.start, 0);
  return {
    count: nested.length + userCount,
    at(k) {
      if (k < nested.length) return { type: 'group', group: nested[k]! };
      let rest = k - nested.length;
      for (const r of merged) {
        if (rest < r.end - r.start) return { type: 'user', index: r.start + rest };
        rest -= r.end - r.start;
      }
      throw new RangeError(`member ${k} of ${root.displayName} is past the end`);
    },
    hasUser: (index) => merged.some((r) => index >= r.start && index < r.end),
  };
}

function mergeRanges(ranges: IndexRange[]): IndexRange[] {
  const sorted = ranges.filter((r) => r.end > r.start).sort((a, b) => a.start - b.start);
  const out: IndexRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else out.push({ ...r });
  }
  return out;
}
