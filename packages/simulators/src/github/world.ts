import { below } from '../rng.ts';
import type { GithubWorld } from '../scenario/schema.ts';
import { type LazyList, lazyList, type Spread, spread } from './lazy-list.ts';

export const MEMBER_FILTERS = ['all', '2fa_disabled', '2fa_insecure'] as const;
export const MEMBER_ROLES = ['all', 'admin', 'member'] as const;
export type MemberFilter = (typeof MEMBER_FILTERS)[number];
export type MemberRole = (typeof MEMBER_ROLES)[number];

export interface GithubUser {
  /** Position in the org's list: owners first, then members; collaborators have their own list. */
  index: number;
  login: string;
  id: number;
  kind: 'member' | 'collaborator';
  owner: boolean;
  /** `insecure`: enrolled with SMS as a second factor (what `filter=2fa_insecure` lists). */
  twoFactor: 'enabled' | 'disabled' | 'insecure';
}

/** An organization role as the simulator serves it: GitHub's predefined ones and the world's custom ones. */
export interface GithubOrgRole {
  id: number;
  name: string;
  description: string;
  baseRole: 'read' | 'triage' | 'write' | 'maintain' | 'admin' | null;
  source: 'Organization' | 'Predefined';
  permissions: string[];
  /** Positions in the member list of those who hold it. */
  members: number[];
  team: string | undefined;
}

/** A few of GitHub's predefined organization roles; nobody holds them unless the world says so. */
const PREDEFINED_ROLES: Omit<GithubOrgRole, 'id' | 'members' | 'team'>[] = [
  {
    name: 'all_repo_read',
    description: 'Grants read access to all repositories in the organization.',
    baseRole: 'read',
    source: 'Predefined',
    permissions: [],
  },
  {
    name: 'all_repo_admin',
    description: 'Grants admin access to all repositories in the organization.',
    baseRole: 'admin',
    source: 'Predefined',
    permissions: [],
  },
  {
    name: 'security_manager',
    description: 'Manages security policies, security alerts, and security configurations for an organization.',
    baseRole: 'read',
    source: 'Predefined',
    permissions: ['read_organization_custom_org_role', 'write_organization_security_center'],
  },
];

export interface GithubOrgView {
  world: GithubWorld;
  login: string;
  id: number;
  nodeId: string;
  createdAt: string;
  /** Enterprise slug the org belongs to (the org's own login) on the Enterprise plan, else null. */
  enterprise: string | null;
  members: LazyList<GithubUser>;
  collaborators: LazyList<GithubUser>;
  member(index: number): GithubUser;
  collaborator(index: number): GithubUser;
  /** The user behind the owner's or the member's token (`GET /user`). */
  tokenUser(owner: boolean): GithubUser;
  listMembers(filter: MemberFilter, role: MemberRole): LazyList<GithubUser>;
  listCollaborators(filter: MemberFilter): LazyList<GithubUser>;
  roles: GithubOrgRole[];
}

/** The two tokens the simulator issues per org: classic PATs of an owner and of a plain member. */
export function githubTokens(world: Pick<GithubWorld, 'org'>): { owner: string; member: string } {
  return { owner: `ghp_${world.org}_owner`, member: `ghp_${world.org}_member` };
}

/**
 * The classic token the scenario's connector should use: an owner's when `tokenIsOwner`, else a plain member's; one
 * GitHub does not know when revoked, one not authorized for SAML SSO when so.
 */
export function githubToken(world: Pick<GithubWorld, 'org' | 'tokenIsOwner'> & Partial<GithubWorld>): string {
  const tokens = githubTokens(world);
  const token = world.tokenIsOwner ? tokens.owner : tokens.member;
  if (world.tokenState === 'revoked') return `${token}_revoked`;
  return world.tokenState === 'sso_unauthorized' ? `${token}_nosso` : token;
}

export function parseGithubToken(token: string): { org: string; owner: boolean; ssoAuthorized: boolean } | undefined {
  const m = /^ghp_(.+?)_(owner|member)(_nosso)?$/.exec(token);
  return m ? { org: m[1]!, owner: m[2] === 'owner', ssoAuthorized: m[3] === undefined } : undefined;
}

/** The scopes of the scenario's classic tokens, as `X-OAuth-Scopes` lists them. */
export function githubScopes(world: GithubWorld, owner: boolean): string[] {
  if (world.tokenScopes) return world.tokenScopes;
  return owner ? ['admin:enterprise', 'admin:org', 'read:audit_log', 'repo'] : ['read:org', 'repo'];
}

/** Positions of `inner` counted among the positions `outer` leaves out: SMS users among the enrolled ones. */
function among(n: number, outer: Spread, wanted: number): Spread {
  const inner = spread(n - outer.k, wanted);
  const rank = (r: number) => r - outer.countBelow(r);
  const position = (j: number) => {
    let [lo, hi] = [0, n - 1];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (rank(mid + 1) > j) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
  return {
    k: inner.k,
    has: (r) => !outer.has(r) && inner.has(rank(r)),
    nth: (j) => position(inner.nth(j)),
    countBelow: (r) => inner.countBelow(rank(r)),
  };
}

export function githubNodeId(kind: 'Organization' | 'User', id: number): string {
  return Buffer.from(`${kind === 'User' ? '04' : '012'}:${kind}${id}`).toString('base64');
}

/** The org of a world as the simulator serves it; every list is computed item by item on demand. */
export function githubOrg(world: GithubWorld, seed: number): GithubOrgView {
  const org = world.org;
  const id = 1_000_000 + below(9_000_000, seed, 'github', org, 'id');
  const userBase = 20_000_000 + below(2_000, seed, 'github', org, 'users') * 1_000_000;
  const owners = Math.min(world.owners, world.members);
  // Managed users authenticate at the IdP and have no GitHub 2FA: the filter lists all of them.
  const memberGaps = spread(world.members, world.managedUsers ? world.members : world.membersWithout2fa);
  const collaboratorGaps = spread(world.outsideCollaborators, world.collaboratorsWithout2fa);
  const memberSms = among(world.members, memberGaps, world.membersWithInsecure2fa);
  const collaboratorSms = among(world.outsideCollaborators, collaboratorGaps, world.collaboratorsWithInsecure2fa);
  const suffix = world.managedUsers ? `_${world.managedUsers.shortcode}` : '';
  const twoFactor = (gaps: Spread, sms: Spread, i: number) =>
    gaps.has(i) ? 'disabled' : sms.has(i) ? 'insecure' : 'enabled';

  const member = (i: number): GithubUser => ({
    index: i,
    login: (i < owners ? `${org}-owner-${i + 1}` : `${org}-dev-${i + 1 - owners}`) + suffix,
    id: userBase + i,
    kind: 'member',
    owner: i < owners,
    twoFactor: twoFactor(memberGaps, memberSms, i),
  });
  const collaborator = (i: number): GithubUser => ({
    index: i,
    login: `${org}-ext-${i + 1}`,
    id: userBase + 500_000 + i,
    kind: 'collaborator',
    owner: false,
    twoFactor: twoFactor(collaboratorGaps, collaboratorSms, i),
  });
  const tokenUser = (asOwner: boolean): GithubUser => {
    if (asOwner && owners > 0) return member(0);
    if (!asOwner && world.members > owners) return member(owners);
    const login = (asOwner ? `${org}-owner-1` : `${org}-reader`) + suffix;
    return { index: -1, login, id: userBase + 499_999, kind: 'member', owner: asOwner, twoFactor: 'enabled' };
  };

  const listMembers = (filter: MemberFilter, role: MemberRole): LazyList<GithubUser> => {
    if (filter === 'all') {
      if (role === 'admin') return lazyList(owners, member);
      if (role === 'member') return lazyList(world.members - owners, (j) => member(owners + j));
      return lazyList(world.members, member);
    }
    const chosen = filter === '2fa_disabled' ? memberGaps : memberSms;
    const ownerGaps = chosen.countBelow(owners);
    const gap = (j: number) => member(chosen.nth(j));
    if (role === 'admin') return lazyList(ownerGaps, gap);
    if (role === 'member') return lazyList(chosen.k - ownerGaps, (j) => gap(ownerGaps + j));
    return lazyList(chosen.k, gap);
  };
  const listCollaborators = (filter: MemberFilter): LazyList<GithubUser> => {
    if (filter === 'all') return lazyList(world.outsideCollaborators, collaborator);
    const chosen = filter === '2fa_disabled' ? collaboratorGaps : collaboratorSms;
    return lazyList(chosen.k, (j) => collaborator(chosen.nth(j)));
  };

  const declared = new Map(world.organizationRoles.map((r) => [r.name, r]));
  const roles: GithubOrgRole[] = [
    ...PREDEFINED_ROLES.map((r, i) => ({ ...r, id: 8_000 + i, members: [], team: undefined })),
    ...world.organizationRoles.map((r, i) => ({
      id: 2_000_000 + below(1_000_000, seed, 'github', org, 'role', r.name) * 10 + i,
      name: r.name,
      description: '',
      baseRole: r.baseRole,
      source: 'Organization' as const,
      permissions: r.permissions,
      members: r.members.filter((m) => m < world.members),
      team: r.team,
    })),
  ].filter((r) => r.source === 'Organization' || !declared.has(r.name));

  const createdDay = 14_000 + below(4_000, seed, 'github', org, 'created');
  return {
    world,
    login: org,
    id,
    nodeId: githubNodeId('Organization', id),
    createdAt: new Date(createdDay * 86_400_000).toISOString().replace('.000Z', 'Z'),
    enterprise: world.plan === 'enterprise' ? org : null,
    members: lazyList(world.members, member),
    collaborators: lazyList(world.outsideCollaborators, collaborator),
    member,
    collaborator,
    tokenUser,
    listMembers,
    listCollaborators,
    roles,
  };
}
