import { z } from 'zod';
import type { Reply } from './reply.ts';
import type { RouteContext } from './routes.ts';

/** How `OrganizationEnterpriseOwnerConnection`'s edges relate an enterprise owner to the organization. */
export const ENTERPRISE_OWNER_ROLES = ['OWNER', 'DIRECT_MEMBER', 'UNAFFILIATED'] as const;

/** The one query shape served: `organization(login: $org) { enterpriseOwners(first:, after: $cursor, …) { … } }`. */
const ENTERPRISE_OWNERS = /organization\s*\(\s*login\s*:\s*\$org\s*\)\s*\{\s*enterpriseOwners\s*\(([^)]*)\)/;
const body = z.object({
  query: z.string(),
  variables: z.object({ org: z.string(), cursor: z.string().nullish() }).loose(),
});
export type GraphqlRequest = z.infer<typeof body>;

/** GitHub's GraphQL error: HTTP 200 with `errors`, each with its `type` code. */
export function graphqlError(type: string, message: string, path?: string[]): Reply {
  return { status: 200, body: { data: path ? { [path[0]!]: null } : null, errors: [{ type, path, message }] } };
}

/** The request body when it is the served shape, else the GraphQL error GitHub would give for it. */
export function parseGraphql(raw: string): GraphqlRequest | Reply {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return {
      status: 400,
      body: { message: 'Problems parsing JSON', documentation_url: 'https://docs.github.com/graphql' },
    };
  }
  const parsed = body.safeParse(json);
  if (!parsed.success || !ENTERPRISE_OWNERS.test(parsed.data.query)) {
    return graphqlError('UNSUPPORTED', 'The simulator answers only organization(login: $org) { enterpriseOwners }.');
  }
  return parsed.data;
}

const cursorOf = (offset: number) => Buffer.from(`cursor:v2:${offset}`).toString('base64');
const offsetOf = (cursor: string | null | undefined) =>
  cursor ? Number(/^cursor:v2:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'))?.[1] ?? Number.NaN) : 0;

/**
 * `Organization.enterpriseOwners`: the owners of the org's enterprise (an empty connection outside one), each edge
 * with its `organizationRole`. A classic token needs read:org, an App the members permission.
 */
export function enterpriseOwners(ctx: RouteContext, request: GraphqlRequest): Reply {
  const path = ['organization', 'enterpriseOwners'];
  const readOrg = ctx.scopes?.some((s) => s === 'read:org' || s === 'admin:org');
  if (ctx.scopes !== undefined && (!readOrg || ctx.lacks('members:read'))) {
    const has = ctx.scopes.map((s) => `'${s}'`).join(', ');
    return graphqlError(
      'INSUFFICIENT_SCOPES',
      `Your token has not been granted the required scopes to execute this query. The 'enterpriseOwners' field requires one of the following scopes: ['read:org'], but your token has only been granted the: [${has}] scopes. Please modify your token's scopes at: https://github.com/settings/tokens.`,
      path,
    );
  }
  if (ctx.lacks('members:read')) return graphqlError('FORBIDDEN', 'Resource not accessible by integration', path);
  const args = ENTERPRISE_OWNERS.exec(request.query)?.[1] ?? '';
  const first = Number(/first\s*:\s*(\d+)/.exec(args)?.[1] ?? Number.NaN);
  if (!Number.isInteger(first) || first < 1 || first > 100) {
    return graphqlError('MISSING_PAGINATION_BOUNDARIES', 'You must provide a `first` value between 1 and 100.', path);
  }
  const role = /organizationRole\s*:\s*(OWNER|DIRECT_MEMBER|UNAFFILIATED)/.exec(args)?.[1];
  const offset = offsetOf(request.variables.cursor);
  if (!Number.isInteger(offset) || offset < 0) {
    return graphqlError(
      'INVALID_CURSOR_ARGUMENTS',
      `\`${request.variables.cursor}\` does not appear to be a valid cursor.`,
      path,
    );
  }
  const all = ctx.org.enterprise === null ? [] : ctx.org.world.enterpriseOwners;
  const owners = role ? all.filter((o) => o.organizationRole === role) : all;
  const page = owners.slice(offset, offset + first);
  const end = offset + page.length;
  return {
    status: 200,
    body: {
      data: {
        organization: {
          enterpriseOwners: {
            pageInfo: { hasNextPage: end < owners.length, endCursor: page.length ? cursorOf(end) : null },
            totalCount: owners.length,
            nodes: page.map((o) => ({ login: o.login })),
            edges: page.map((o, i) => ({ cursor: cursorOf(offset + i + 1), organizationRole: o.organizationRole })),
          },
        },
      },
    },
  };
}
