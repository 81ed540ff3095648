import { z } from 'zod';
import type { AuditLogView } from './audit-events.ts';
import { AuditQueryError, auditPage } from './audit-query.ts';
import {
  auditLogStreams,
  organizationFull,
  organizationRole,
  privateUser,
  simpleUser,
  teamRoleAssignment,
  userRoleAssignment,
} from './bodies.ts';
import { enterpriseOwners, type GraphqlRequest } from './graphql.ts';
import { lazyList } from './lazy-list.ts';
import type { RateState } from './rate-limits.ts';
import { DOCS, githubError, linkHeader, notFound, pagedReply, pageQuery, perPage, type Reply } from './reply.ts';
import { type GithubOrgView, MEMBER_FILTERS, MEMBER_ROLES } from './world.ts';

/**
 * Permissions the simulator checks, named as GitHub App permissions. Revoking one (`FaultSpec.revokePermission`)
 * hides the org's private fields (administration), answers 404 on member lists (members) and 403 "Resource not
 * accessible by integration" on the audit-log endpoints.
 */
export const GITHUB_PERMISSIONS = {
  administration: 'administration:read',
  members: 'members:read',
  enterpriseAdministration: 'enterprise_administration:read',
  orgRoles: 'organization_custom_org_roles:read',
} as const;

export interface RouteContext {
  url: URL;
  api: string;
  org: GithubOrgView;
  /** The token is an org owner's. */
  owner: boolean;
  /** The token is an owner's (with admin:org) or an App's with administration, not revoked: private fields show. */
  admin: boolean;
  /** The App permission (or its classic-scope equivalent) is missing or revoked. */
  lacks(permission: string): boolean;
  /** The scopes of a classic token; undefined for an App installation token. */
  scopes: readonly string[] | undefined;
  audit: () => AuditLogView;
  rate: RateState;
  /** The parsed body of a `POST /graphql`. */
  graphql?: GraphqlRequest;
}

export interface Route {
  endpoint: string;
  method?: 'POST';
  pattern: RegExp;
  /** Where the tenant comes from: the org or enterprise in the path, or the token. */
  scope: 'org' | 'enterprise' | 'token';
  /** Refused outright when the token is a plain member's (GitHub hides such endpoints behind a 404). */
  ownerOnly?: boolean;
  /** Does not count against the rate limit (`GET /rate_limit`). */
  free?: boolean;
  handle(ctx: RouteContext): Reply;
}

const notAccessible = () => githubError(403, 'Resource not accessible by integration', DOCS.rest);
const onlyOwners = (docs: string) => githubError(422, 'Only owners can use this filter.', docs);
/** GitHub's 422 for a parameter outside its enum: the error body plus which field was invalid. */
function invalid(issues: z.core.$ZodIssue[], docs: string): Reply {
  const field = String(issues[0]?.path[0] ?? 'query');
  return githubError(422, 'Validation Failed', docs, [{ resource: 'Organization', field, code: 'invalid' }]);
}

const membersQuery = pageQuery.extend({
  filter: z.enum(MEMBER_FILTERS).default('all'),
  role: z.enum(MEMBER_ROLES).default('all'),
});
const auditQuery = z.object({
  phrase: z.string().optional(),
  include: z.enum(['web', 'git', 'all']).default('web'),
  order: z.enum(['desc', 'asc']).default('desc'),
  per_page: perPage,
  after: z.string().optional(),
  before: z.string().optional(),
});

function userList(ctx: RouteContext, collaborators: boolean): Reply {
  const docs = collaborators ? DOCS.collaborators : DOCS.members;
  if (ctx.lacks(GITHUB_PERMISSIONS.members)) return notFound(docs);
  const q = membersQuery.safeParse(Object.fromEntries(ctx.url.searchParams));
  if (!q.success) return invalid(q.error.issues, docs);
  if (q.data.filter !== 'all' && !ctx.admin) return onlyOwners(docs);
  const list = collaborators
    ? ctx.org.listCollaborators(q.data.filter)
    : ctx.org.listMembers(q.data.filter, q.data.role);
  return pagedReply(list, ctx.url, q.data, (u) => simpleUser(u, ctx.api));
}

/**
 * The organization roles and their holders: for an owner's classic token with admin:org, or an App with the custom
 * organization roles permission; GitHub answers 404 to anyone else.
 */
function orgRoles(ctx: RouteContext, list: 'roles' | 'users' | 'teams'): Reply {
  const classicWithout = ctx.scopes !== undefined && !ctx.scopes.includes('admin:org');
  if (!ctx.owner || classicWithout || ctx.lacks(GITHUB_PERMISSIONS.orgRoles)) {
    // GitHub tells an App (or fine-grained) token which permission the endpoint accepts.
    const accepted: Record<string, string> = {};
    if (ctx.scopes === undefined) accepted['x-accepted-github-permissions'] = 'organization_custom_org_roles=read';
    const refused = notFound(DOCS.orgRoles);
    return { ...refused, headers: { ...refused.headers, ...accepted } };
  }
  const org = ctx.org;
  if (list === 'roles') {
    const roles = org.roles.map((r) => organizationRole(r, org, ctx.api));
    return { status: 200, body: { total_count: roles.length, roles } };
  }
  const id = Number(/\/organization-roles\/(\d+)\//.exec(ctx.url.pathname)?.[1]);
  const role = org.roles.find((r) => r.id === id);
  if (!role) return notFound(DOCS.orgRoles);
  const q = pageQuery.safeParse(Object.fromEntries(ctx.url.searchParams));
  if (!q.success) return invalid(q.error.issues, DOCS.orgRoles);
  if (list === 'teams') {
    const teams = role.team ? [role.team] : [];
    return pagedReply(
      lazyList(teams.length, (i) => teams[i]!),
      ctx.url,
      q.data,
      (t) => teamRoleAssignment(t, org, ctx.api),
    );
  }
  const holders = lazyList(role.members.length, (i) => org.member(role.members[i]!));
  return pagedReply(holders, ctx.url, q.data, (u) => userRoleAssignment(u, role, org, ctx.api));
}

function auditLog(ctx: RouteContext): Reply {
  if (ctx.org.enterprise === null) return notFound(DOCS.auditLog);
  const q = auditQuery.safeParse(Object.fromEntries(ctx.url.searchParams));
  if (!q.success) return invalid(q.error.issues, DOCS.auditLog);
  try {
    const page = auditPage(ctx.audit(), { ...q.data, perPage: q.data.per_page });
    const to = (cursor: [string, string] | undefined) => {
      const u = new URL(ctx.url);
      for (const k of ['after', 'before', 'page']) u.searchParams.delete(k);
      if (cursor) u.searchParams.set(cursor[0], cursor[1]);
      return u;
    };
    const links: [string, URL][] = [];
    if (page.next) links.push(['next', to(['after', page.next])]);
    if (page.prev) links.push(['prev', to(['before', page.prev])], ['first', to(undefined)]);
    return { status: 200, body: page.events, headers: linkHeader(links) };
  } catch (e) {
    if (e instanceof AuditQueryError) return githubError(422, e.message, DOCS.auditLog);
    throw e;
  }
}

/** A classic token reads the audit log with read:audit_log; an App with the permission named. */
const auditPermission = (permission: string, handle: (ctx: RouteContext) => Reply) => (ctx: RouteContext) => {
  if (ctx.scopes && !ctx.scopes.includes('read:audit_log') && permission === GITHUB_PERMISSIONS.administration) {
    return githubError(403, 'Resource not accessible by personal access token', DOCS.auditLog);
  }
  return ctx.lacks(permission) ? notAccessible() : handle(ctx);
};

export const ROUTES: Route[] = [
  {
    endpoint: 'POST /graphql',
    method: 'POST',
    pattern: /^\/graphql$/,
    // The org is the query's `$org` variable, which the handler reads from the body.
    scope: 'org',
    handle: (ctx) => (ctx.graphql ? enterpriseOwners(ctx, ctx.graphql) : notFound()),
  },
  {
    endpoint: 'GET /orgs/{org}',
    pattern: /^\/orgs\/([^/]+)$/,
    scope: 'org',
    handle: (ctx) => ({ status: 200, body: organizationFull(ctx.org, ctx.api, ctx.admin) }),
  },
  {
    endpoint: 'GET /orgs/{org}/members',
    pattern: /^\/orgs\/([^/]+)\/members$/,
    scope: 'org',
    handle: (ctx) => userList(ctx, false),
  },
  {
    endpoint: 'GET /orgs/{org}/outside_collaborators',
    pattern: /^\/orgs\/([^/]+)\/outside_collaborators$/,
    scope: 'org',
    handle: (ctx) => userList(ctx, true),
  },
  {
    endpoint: 'GET /orgs/{org}/organization-roles',
    pattern: /^\/orgs\/([^/]+)\/organization-roles$/,
    scope: 'org',
    handle: (ctx) => orgRoles(ctx, 'roles'),
  },
  {
    endpoint: 'GET /orgs/{org}/organization-roles/{role_id}/users',
    pattern: /^\/orgs\/([^/]+)\/organization-roles\/\d+\/users$/,
    scope: 'org',
    handle: (ctx) => orgRoles(ctx, 'users'),
  },
  {
    endpoint: 'GET /orgs/{org}/organization-roles/{role_id}/teams',
    pattern: /^\/orgs\/([^/]+)\/organization-roles\/\d+\/teams$/,
    scope: 'org',
    handle: (ctx) => orgRoles(ctx, 'teams'),
  },
  {
    endpoint: 'GET /orgs/{org}/audit-log',
    pattern: /^\/orgs\/([^/]+)\/audit-log$/,
    scope: 'org',
    ownerOnly: true,
    handle: auditPermission(GITHUB_PERMISSIONS.administration, auditLog),
  },
  {
    endpoint: 'GET /enterprises/{enterprise}/audit-log',
    pattern: /^\/enterprises\/([^/]+)\/audit-log$/,
    scope: 'enterprise',
    ownerOnly: true,
    handle: auditPermission(GITHUB_PERMISSIONS.enterpriseAdministration, auditLog),
  },
  {
    endpoint: 'GET /enterprises/{enterprise}/audit-log/streams',
    pattern: /^\/enterprises\/([^/]+)\/audit-log\/streams$/,
    scope: 'enterprise',
    ownerOnly: true,
    handle: auditPermission(GITHUB_PERMISSIONS.enterpriseAdministration, (ctx) => ({
      status: 200,
      body: auditLogStreams(ctx.org),
    })),
  },
  {
    endpoint: 'GET /user',
    pattern: /^\/user$/,
    scope: 'token',
    handle: (ctx) => ({
      status: 200,
      body: privateUser(ctx.org.tokenUser(ctx.owner), ctx.org.createdAt, ctx.api),
    }),
  },
  {
    endpoint: 'GET /rate_limit',
    pattern: /^\/rate_limit$/,
    scope: 'token',
    free: true,
    handle: (ctx) => {
      const core = { ...ctx.rate, resource: 'core' };
      const other = (limit: number, resource: string) => ({
        limit,
        used: 0,
        remaining: limit,
        reset: ctx.rate.reset,
        resource,
      });
      return {
        status: 200,
        body: {
          resources: {
            core,
            search: other(30, 'search'),
            graphql: other(5_000, 'graphql'),
            audit_log: other(1_750, 'audit_log'),
          },
          rate: core,
        },
      };
    },
  },
];

/** The route a request is for, with the org or enterprise named in its path. */
export function matchRoute(method: string | undefined, pathname: string): { route: Route; param: string } | undefined {
  for (const route of ROUTES) {
    if ((route.method ?? 'GET') !== method) continue;
    const m = route.pattern.exec(pathname);
    if (m) return { route, param: m[1] ?? '' };
  }
  return undefined;
}
