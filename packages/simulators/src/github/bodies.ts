import { type GithubOrgRole, type GithubOrgView, type GithubUser, githubNodeId } from './world.ts';

/** A user as GitHub's `simple-user` (the item of member and collaborator lists). */
export function simpleUser(user: Pick<GithubUser, 'login' | 'id'>, api: string) {
  const url = `${api}/users/${user.login}`;
  return {
    login: user.login,
    id: user.id,
    node_id: githubNodeId('User', user.id),
    avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
    gravatar_id: '',
    url,
    html_url: `https://github.com/${user.login}`,
    followers_url: `${url}/followers`,
    following_url: `${url}/following{/other_user}`,
    gists_url: `${url}/gists{/gist_id}`,
    starred_url: `${url}/starred{/owner}{/repo}`,
    subscriptions_url: `${url}/subscriptions`,
    organizations_url: `${url}/orgs`,
    repos_url: `${url}/repos`,
    events_url: `${url}/events{/privacy}`,
    received_events_url: `${url}/received_events`,
    type: 'User',
    user_view_type: 'public',
    site_admin: false,
  };
}

/** The authenticated user (`GET /user`), with the private fields a token sees of its own account. */
export function privateUser(user: GithubUser, createdAt: string, api: string) {
  return {
    ...simpleUser(user, api),
    name: user.login.replaceAll('-', ' '),
    company: null,
    blog: '',
    location: null,
    email: null,
    hireable: null,
    bio: null,
    twitter_username: null,
    public_repos: 0,
    public_gists: 0,
    followers: 0,
    following: 0,
    created_at: createdAt,
    updated_at: createdAt,
    private_gists: 0,
    total_private_repos: 0,
    owned_private_repos: 0,
    disk_usage: 0,
    collaborators: 0,
    two_factor_authentication: user.twoFactor !== 'disabled',
  };
}

const PLAN_NAMES = { free: 'free', team: 'team', enterprise: 'enterprise' } as const;

/**
 * An org as `organization-full`. Private fields (plan, 2FA requirement, billing) are filled in only for an owner;
 * everyone else gets `two_factor_requirement_enabled: null`, which means "cannot see", not "off".
 */
export function organizationFull(org: GithubOrgView, api: string, asOwner: boolean) {
  const base = `${api}/orgs/${org.login}`;
  const w = org.world;
  const repos = 12 + (org.id % 40);
  const publicPart = {
    login: org.login,
    id: org.id,
    node_id: org.nodeId,
    url: base,
    repos_url: `${base}/repos`,
    events_url: `${base}/events`,
    hooks_url: `${base}/hooks`,
    issues_url: `${base}/issues`,
    members_url: `${base}/members{/member}`,
    public_members_url: `${base}/public_members{/member}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${org.id}?v=4`,
    description: `${org.login} engineering`,
    name: org.login,
    blog: `https://${org.login}.example`,
    twitter_username: null,
    is_verified: w.plan === 'enterprise',
    has_organization_projects: true,
    has_repository_projects: true,
    public_repos: 3,
    public_gists: 0,
    followers: 0,
    following: 0,
    html_url: `https://github.com/${org.login}`,
    created_at: org.createdAt,
    updated_at: org.createdAt,
    archived_at: null,
    type: 'Organization',
    two_factor_requirement_enabled: null as boolean | null,
  };
  if (!asOwner) return publicPart;
  return {
    ...publicPart,
    // An Enterprise Managed Users org leaves 2FA to the IdP: the requirement cannot be switched on.
    two_factor_requirement_enabled: w.managedUsers ? false : w.twoFactorRequired,
    total_private_repos: repos,
    owned_private_repos: repos,
    private_gists: 0,
    disk_usage: repos * 2_048,
    collaborators: w.outsideCollaborators,
    billing_email: `billing@${org.login}.example`,
    plan: {
      name: PLAN_NAMES[w.plan],
      space: 976_562_499,
      private_repos: 999_999,
      filled_seats: w.members,
      seats: w.members + 5,
    },
    default_repository_permission: 'read',
    default_repository_branch: 'main',
    members_can_create_repositories: false,
    members_allowed_repository_creation_type: 'none',
    members_can_create_public_repositories: false,
    members_can_create_private_repositories: false,
    members_can_create_internal_repositories: false,
    members_can_create_pages: false,
    members_can_create_public_pages: false,
    members_can_create_private_pages: false,
    members_can_delete_repositories: false,
    members_can_change_repo_visibility: false,
    members_can_invite_outside_collaborators: false,
    members_can_delete_issues: false,
    display_commenter_full_name_setting_enabled: false,
    readers_can_create_discussions: false,
    members_can_create_teams: false,
    members_can_view_dependency_insights: true,
    members_can_fork_private_repositories: false,
    web_commit_signoff_required: false,
    deploy_keys_enabled_for_repositories: false,
  };
}

/** The enterprise's audit-log streams: one enabled Splunk stream when the world streams its audit log. */
export function auditLogStreams(org: GithubOrgView) {
  if (!org.world.auditLogStreaming) return [];
  return [
    {
      id: 1,
      stream_type: 'Splunk',
      stream_details: 'US',
      enabled: true,
      created_at: org.createdAt,
      updated_at: org.createdAt,
      paused_at: null,
    },
  ];
}

/** An organization role (`organization-role`): a custom one names its org, a predefined one none. */
export function organizationRole(role: GithubOrgRole, org: GithubOrgView, api: string) {
  const organization =
    role.source === 'Predefined'
      ? null
      : { ...simpleUser({ login: org.login, id: org.id }, api), type: 'Organization' };
  return {
    id: role.id,
    name: role.name,
    description: role.description,
    base_role: role.baseRole,
    source: role.source,
    permissions: role.permissions,
    organization,
    created_at: org.createdAt,
    updated_at: org.createdAt,
  };
}

/** The team a role is held through (`team-simple`). */
function teamSimple(slug: string, org: GithubOrgView, api: string) {
  const id = org.id * 10 + slug.length;
  const url = `${api}/organizations/${org.id}/team/${id}`;
  return {
    id,
    node_id: Buffer.from(`04:Team${id}`).toString('base64'),
    url,
    members_url: `${url}/members{/member}`,
    name: slug,
    description: null,
    permission: 'pull',
    privacy: 'closed',
    notification_setting: 'notifications_enabled',
    html_url: `https://github.com/orgs/${org.login}/teams/${slug}`,
    repositories_url: `${url}/repos`,
    slug,
    type: 'organization' as const,
    organization_id: org.id,
  };
}

/** A holder of a role (`user-role-assignment`): direct, or through the role's team. */
export function userRoleAssignment(user: GithubUser, role: GithubOrgRole, org: GithubOrgView, api: string) {
  const through = role.team ? { assignment: 'indirect', inherited_from: [teamSimple(role.team, org, api)] } : {};
  return { ...simpleUser(user, api), assignment: 'direct', ...through };
}

/** The team a role is assigned to (`team-role-assignment`). */
export function teamRoleAssignment(slug: string, org: GithubOrgView, api: string) {
  const { privacy, notification_setting, organization_id, ...team } = teamSimple(slug, org, api);
  return {
    ...team,
    assignment: 'direct',
    privacy,
    notification_setting,
    permissions: { pull: true, triage: false, push: false, maintain: false, admin: false },
    parent: null,
    organization_id,
  };
}
