import { ConnectorError } from '@evident/connector-kit';
import { z } from 'zod';

/** `GET /orgs/{org}`: the private fields are null or absent unless the token belongs to an org owner. */
export const organization = z.object({
  login: z.string(),
  id: z.number(),
  two_factor_requirement_enabled: z.boolean().nullish(),
  plan: z.object({ name: z.string() }).nullish(),
});

/** A "simple user" of the member and collaborator lists; GitHub has no per-user 2FA flag, hence the filters. */
const simpleUser = z.object({
  login: z.string(),
  id: z.number(),
  type: z.string().optional(),
});
export type SimpleUser = z.infer<typeof simpleUser>;
export const simpleUsers = z.array(simpleUser);

/** `GET /orgs/{org}/organization-roles`: each role's repository base role and organization permissions. */
export const organizationRoles = z.object({
  roles: z
    .array(
      z.object({
        id: z.number(),
        name: z.string(),
        base_role: z.string().nullish(),
        permissions: z.array(z.string()),
      }),
    )
    .nullish()
    .transform((v) => v ?? []),
});
export type OrganizationRole = z.infer<typeof organizationRoles>['roles'][number];

/** How an enterprise owner relates to the org: an org owner, a plain member, or outside it. */
export const ENTERPRISE_OWNER_ROLES = ['OWNER', 'DIRECT_MEMBER', 'UNAFFILIATED'] as const;

/** A page of GraphQL's `Organization.enterpriseOwners`; `edges[i]` carries `nodes[i]`'s organization role. */
export const enterpriseOwnersPage = z
  .object({
    organization: z.object({
      enterpriseOwners: z.object({
        pageInfo: z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() }),
        nodes: z.array(z.object({ login: z.string() })),
        edges: z.array(z.object({ organizationRole: z.enum(ENTERPRISE_OWNER_ROLES) })),
      }),
    }),
  })
  .refine((p) => p.organization.enterpriseOwners.nodes.length === p.organization.enterpriseOwners.edges.length, {
    message: 'enterpriseOwners lists as many nodes as edges',
  });
export type EnterpriseOwnerRole = (typeof ENTERPRISE_OWNER_ROLES)[number];

/** An audit-log event: only its time is read. `@timestamp` is milliseconds since the epoch. */
const auditEvent = z.object({ '@timestamp': z.number().optional(), created_at: z.number().optional() });
export const auditEvents = z.array(auditEvent);

/** `GET /enterprises/{enterprise}/audit-log/streams`. */
const auditStream = z.object({
  id: z.number(),
  stream_type: z.string(),
  enabled: z.boolean(),
  paused_at: z.string().nullish(),
});
export type AuditStream = z.infer<typeof auditStream>;
export const auditStreams = z.array(auditStream);

/** Parses a response body; a body of another shape is a provider error, naming the call. */
export function parseBody<T>(schema: z.ZodType<T>, data: unknown, source: string): T {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  throw new ConnectorError('provider_error', `Unexpected response from ${source}: ${z.prettifyError(parsed.error)}`);
}
