import { asConnectorError, ConnectorError } from '@evident/connector-kit';
import { z } from 'zod';

/** The calls the connector makes, so that a refusal can name what that call needs. */
export type Endpoint =
  | 'user'
  | 'org'
  | 'members'
  | 'owners'
  | 'members_2fa'
  | 'collaborators'
  | 'collaborators_2fa'
  | 'audit_log'
  | 'streams'
  | 'org_roles'
  | 'enterprise_owners';

export const OWNER = 'organization owner';
export const READ_ORG = 'read:org';
export const ADMIN_ORG = 'admin:org';
export const READ_AUDIT_LOG = 'read:audit_log';
export const ADMIN_ENTERPRISE = 'admin:enterprise';
export const ENTERPRISE_CLOUD = 'GitHub Enterprise Cloud';

/** A permission as a classic token names it (scope or role), and as a GitHub App or fine-grained token does. */
interface Need {
  classic: string;
  app: string;
}
const MEMBERS: Need = { classic: READ_ORG, app: 'members:read' };
const OWNER_ONLY: Need = { classic: OWNER, app: 'administration:read' };
const AUDIT_LOG: Need = { classic: READ_AUDIT_LOG, app: 'administration:read' };
const STREAMS: Need = { classic: ADMIN_ENTERPRISE, app: 'enterprise_administration:read' };
const ENTERPRISE_OWNERS: Need = { classic: READ_ORG, app: 'members:read' };
const ORG_ROLES: Need = { classic: ADMIN_ORG, app: 'organization_custom_org_roles:read' };

const ENTERPRISE_OWNERS_UNREAD =
  "GitHub refused to list the owners of the organization's enterprise, who can make themselves its owners, so whether a member is one is unknown.";

type Rule =
  | { code: 'permission_missing'; need: Need; message: string; remedy?: string }
  | { code: 'licence_required' | 'auth_failed'; message: string };

const needs = (need: Need, message: string, remedy?: string): Rule => ({
  code: 'permission_missing',
  need,
  message,
  ...(remedy ? { remedy } : {}),
});

/** What a 403 (or the owner-only 422) and a 404 mean on each call; GitHub hides what a token may not see. */
const RULES: Record<Endpoint, { forbidden: Rule; notFound?: Rule; notFoundToNonOwner?: Rule }> = {
  user: { forbidden: { code: 'auth_failed', message: 'GitHub refused to say who the token belongs to.' } },
  org: {
    forbidden: needs(MEMBERS, 'GitHub refused to show the organization to this token.'),
    notFound: needs(
      MEMBERS,
      'GitHub knows no organization of that login that this credential can see: the login is misspelled, the token’s account is not a member, or the App is not installed on it.',
      'Check the org login in the connection against https://github.com/<org>; if it is right, use a token of one of its owners, or install the App on the org, then collect again.',
    ),
  },
  members: {
    forbidden: needs(MEMBERS, 'GitHub refused to list the organization members.'),
    notFound: needs(MEMBERS, 'GitHub hid the organization members from this token.'),
  },
  owners: {
    forbidden: needs(MEMBERS, 'GitHub refused to list the organization owners.'),
    notFound: needs(MEMBERS, 'GitHub hid the organization owners from this token.'),
  },
  members_2fa: {
    forbidden: needs(OWNER_ONLY, 'Only organization owners can see which members have 2FA off.'),
    notFound: needs(MEMBERS, 'GitHub hid the organization members from this token.'),
  },
  collaborators: {
    forbidden: needs(MEMBERS, 'GitHub refused to list the outside collaborators.'),
    notFound: needs(MEMBERS, 'GitHub hid the outside collaborators from this token.'),
  },
  collaborators_2fa: {
    forbidden: needs(OWNER_ONLY, 'Only organization owners can see which outside collaborators have 2FA off.'),
    notFound: needs(MEMBERS, 'GitHub hid the outside collaborators from this token.'),
  },
  audit_log: {
    forbidden: needs(AUDIT_LOG, 'GitHub refused to read the audit log to this token.'),
    notFound: { code: 'licence_required', message: 'The audit-log API is offered on GitHub Enterprise Cloud only.' },
    notFoundToNonOwner: needs(
      OWNER_ONLY,
      'GitHub hides the audit log from non-owners (and offers its API on Enterprise Cloud only).',
    ),
  },
  org_roles: {
    forbidden: needs(ORG_ROLES, 'GitHub refused to list the organization roles and who holds them.'),
    notFound: needs(
      ORG_ROLES,
      'GitHub hid the organization roles from this token, so who holds a role that administers the organization is unknown.',
    ),
    notFoundToNonOwner: needs(
      OWNER_ONLY,
      'GitHub shows the organization roles to organization owners only, so who holds a role that administers the organization is unknown.',
    ),
  },
  enterprise_owners: {
    forbidden: needs(ENTERPRISE_OWNERS, ENTERPRISE_OWNERS_UNREAD),
    notFound: needs(ENTERPRISE_OWNERS, ENTERPRISE_OWNERS_UNREAD),
  },
  streams: {
    forbidden: needs(STREAMS, "GitHub refused to show the enterprise's audit-log streams to this token."),
    notFound: {
      code: 'licence_required',
      message:
        'The enterprise was not found: its slug is wrong, it is not on Enterprise Cloud, or the token is not an enterprise owner’s.',
    },
  },
};

/** The parts of `@octokit/graphql`'s `GraphqlResponseError` (HTTP 200 carrying `errors`) the mapping reads. */
const graphqlError = z.object({
  name: z.literal('GraphqlResponseError'),
  errors: z.array(z.object({ type: z.string().optional(), message: z.string() })).min(1),
});

/** GitHub's GraphQL error types: a refusal names what the field needs, a limit is throttling, the rest a failure. */
function fromGraphql(errors: { type?: string; message: string }[], endpoint: Endpoint | undefined, cause: unknown) {
  const words = errors.map((e) => `${e.type ?? 'ERROR'}: ${e.message}`).join('; ');
  const refused = errors.find((e) => e.type === 'FORBIDDEN' || e.type === 'INSUFFICIENT_SCOPES');
  const rule = endpoint ? RULES[endpoint].forbidden : undefined;
  if (refused && rule?.code === 'permission_missing') {
    const permission =
      refused.type === 'INSUFFICIENT_SCOPES' ? rule.need.classic : permissionName(rule.need, refused.message, {});
    return new ConnectorError('permission_missing', `${rule.message} (${words})`, { permission }, { cause });
  }
  if (errors.some((e) => e.type === 'RATE_LIMITED')) {
    return new ConnectorError('throttled', `GitHub kept rate-limiting the GraphQL queries (${words}).`, {}, { cause });
  }
  return new ConnectorError('provider_error', `GitHub's GraphQL API answered with errors (${words}).`, {}, { cause });
}

/** The parts of an Octokit `RequestError` (name `HttpError`) the mapping reads. */
const httpError = z.object({
  status: z.number().int(),
  message: z.string(),
  response: z.object({ headers: z.record(z.string(), z.unknown()).default({}) }).optional(),
  request: z.object({ url: z.string() }).optional(),
});

/** A refused installation-token request: the App's credentials or its installation, never the org, are wrong. */
function appRefusal(status: number, message: string, installation: string, cause: { cause: unknown }) {
  if (status === 404) {
    const remedy = `Check the installation id in the connection (the number at the end of the App's installation URL for this org), or install the App on the org again.`;
    return new ConnectorError(
      'auth_failed',
      `GitHub knows no installation ${installation} of this App (404: ${message}).`,
      { remedy },
      cause,
    );
  }
  if (status === 403 && /suspended/i.test(message)) {
    const remedy = `An owner of the org unsuspends the App (Settings → GitHub Apps → Configure), then collect again.`;
    return new ConnectorError(
      'auth_failed',
      `The App's installation ${installation} is suspended: GitHub gives it no tokens (403: ${message}).`,
      { remedy },
      cause,
    );
  }
  const remedy =
    "Check the App id and its private key in the connection (generate a new key on the App's settings page if it was revoked).";
  return new ConnectorError(
    'auth_failed',
    `GitHub refused the App's signed JWT when asked for an installation token (${status}: ${message}).`,
    { remedy },
    cause,
  );
}

const header = (headers: Record<string, unknown>, name: string): string | undefined => {
  const v = headers[name];
  return v === undefined || v === null || v === '' ? undefined : String(v);
};

function retryAfterMs(headers: Record<string, unknown>, now: number): number | undefined {
  const after = Number(header(headers, 'retry-after'));
  if (Number.isFinite(after) && after >= 0) return after * 1000;
  const reset = Number(header(headers, 'x-ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0) return Math.max(0, reset * 1000 - now);
  return undefined;
}

/** Names a permission the way the token in use knows it: GitHub tells App and fine-grained tokens what they lack. */
function permissionName(need: Need, message: string, headers: Record<string, unknown>): string {
  const accepted = header(headers, 'x-accepted-github-permissions');
  if (accepted) return accepted.replaceAll('=', ':');
  return /not accessible by integration/i.test(message) ? need.app : need.classic;
}

export interface ErrorHints {
  /** False once GitHub has withheld owner-only data from this token, so a 404 there means "not an owner". */
  owner?: boolean;
  now?: number;
}

/**
 * Every failure of a GitHub call as a `ConnectorError`: the one place where statuses, bodies and headers are read.
 * A rate limit (403/429 with `x-ratelimit-remaining: 0`, a secondary-limit message, or any 429) is `throttled`; a
 * 403 on a SAML-protected org names the SSO authorization; owner-only and plan-gated calls name what they need.
 */
export function toConnectorError(error: unknown, endpoint?: Endpoint, hints: ErrorHints = {}): ConnectorError {
  if (error instanceof ConnectorError) return error;
  if (error instanceof Error && error.name === 'AbortError') return asConnectorError(error);
  const graphql = graphqlError.safeParse(error);
  if (graphql.success) return fromGraphql(graphql.data.errors, endpoint, error);
  const parsed = httpError.safeParse(error);
  if (!parsed.success) return asConnectorError(error);
  const { status, message } = parsed.data;
  const headers = parsed.data.response?.headers ?? {};
  const cause = { cause: error };

  const installation = /\/app\/installations\/(\d+)\/access_tokens/.exec(parsed.data.request?.url ?? '')?.[1];
  if (installation && (status === 401 || status === 404 || status === 403))
    return appRefusal(status, message, installation, cause);
  if (status === 401) {
    const remedy =
      'The token was revoked, has expired or was mistyped: create a new one for an organization owner (admin:org, read:org, read:audit_log) and update the connection’s secret.';
    return new ConnectorError('auth_failed', `GitHub rejected the token (401: ${message}).`, { remedy }, cause);
  }
  const limited = header(headers, 'x-ratelimit-remaining') === '0' || /secondary rate/i.test(message);
  if (status === 429 || (status === 403 && limited)) {
    const wait = retryAfterMs(headers, hints.now ?? Date.now());
    const details = wait === undefined ? {} : { retryAfterMs: wait };
    return new ConnectorError(
      'throttled',
      `GitHub kept rate-limiting the requests (${status}: ${message}).`,
      details,
      cause,
    );
  }
  const sso = header(headers, 'x-github-sso');
  if (status === 403 && sso) {
    const url = /url=(\S+)/.exec(sso)?.[1];
    const remedy = `Authorize the token for SSO${url ? ` at ${url}` : ' (Configure SSO in the token settings)'}, then collect again.`;
    const details = { permission: 'SAML SSO authorization of the token', remedy };
    return new ConnectorError(
      'permission_missing',
      'The token is not authorized for the org’s SAML SSO.',
      details,
      cause,
    );
  }

  const rules = endpoint ? RULES[endpoint] : undefined;
  const ownerOnly = endpoint === 'members_2fa' || endpoint === 'collaborators_2fa';
  const rule =
    status === 403 || (status === 422 && ownerOnly)
      ? rules?.forbidden
      : status === 404
        ? ((hints.owner === false ? rules?.notFoundToNonOwner : undefined) ?? rules?.notFound)
        : undefined;
  if (rule) {
    const text = `${rule.message} (${status}: ${message})`;
    if (rule.code !== 'permission_missing') {
      const details = rule.code === 'licence_required' ? { licence: ENTERPRISE_CLOUD } : {};
      return new ConnectorError(rule.code, text, details, cause);
    }
    const permission = permissionName(rule.need, message, headers);
    const org = /\/orgs\/([^/?]+)/.exec(parsed.data.request?.url ?? '')?.[1] ?? 'ORG';
    const remedy = rule.remedy ? { remedy: rule.remedy.replace('<org>', decodeURIComponent(org)) } : {};
    return new ConnectorError('permission_missing', text, { permission, ...remedy }, cause);
  }

  // Octokit reports a network failure or a timeout as a 500 without a response.
  const what = !parsed.data.response
    ? 'GitHub could not be reached'
    : status >= 500
      ? 'GitHub failed to answer'
      : 'GitHub refused the request';
  return new ConnectorError('provider_error', `${what} (${status}: ${message}).`, {}, cause);
}
