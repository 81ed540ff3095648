import type { CheckItem } from '@evident/connector-kit';
import { type Attempt, item } from './check-items.ts';
import type { GithubClient } from './client.ts';
import type { GithubContext } from './config.ts';
import { ADMIN_ENTERPRISE, ADMIN_ORG, type Endpoint, READ_AUDIT_LOG, READ_ORG } from './errors.ts';

type Try = <T>(endpoint: Endpoint, call: () => Promise<T>) => Promise<Attempt<T>>;

/** What the credential says it may do: a classic token's `X-OAuth-Scopes`, or an App installation's permissions. */
export type Grants = { kind: 'scopes'; have: string[] } | { kind: 'permissions'; have: Record<string, string> };

interface InstallationAuth {
  token: string;
  expiresAt: string;
  permissions: Record<string, string>;
}

/**
 * The credential's own probe: an App obtains an installation token (its JWT and installation are checked, and the
 * token lists the installation's permissions); a classic token says whose it is and which scopes it carries.
 */
export async function probeCredential(
  ctx: GithubContext,
  octokit: GithubClient,
  attempt: Try,
): Promise<{ item: CheckItem; grants: Grants | undefined }> {
  const { secret } = ctx;
  if (secret.kind === 'app') {
    const got = await attempt('user', () => octokit.auth({ type: 'installation' }) as Promise<InstallationAuth>);
    const text = got.ok
      ? `App ${secret.appId} obtained a token of installation ${secret.installationId}, valid until ${got.value.expiresAt}; it is renewed before it expires.`
      : '';
    const grants: Grants | undefined = got.ok ? { kind: 'permissions', have: got.value.permissions } : undefined;
    return { item: item('token', 'permission', got, text), grants };
  }
  const user = await attempt('user', () => octokit.rest.users.getAuthenticated());
  const text = user.ok ? `The token belongs to ${user.value.data.login}.` : '';
  const header = user.ok ? user.value.headers['x-oauth-scopes'] : undefined;
  const grants: Grants | undefined =
    typeof header === 'string'
      ? {
          kind: 'scopes',
          have: header
            .split(',')
            .map((x) => x.trim())
            .filter((x) => x.length > 0),
        }
      : undefined;
  return { item: item('token', 'permission', user, text), grants };
}

/** Classic scopes and what GitHub gives only with them; a broader scope includes the narrower ones. */
const SCOPES: Record<string, { satisfiedBy: string[]; gives: string }> = {
  [READ_ORG]: { satisfiedBy: [READ_ORG, 'write:org', ADMIN_ORG], gives: 'the full member and owner lists' },
  [ADMIN_ORG]: { satisfiedBy: [ADMIN_ORG], gives: "the org's two_factor_requirement_enabled and the 2FA filters" },
  [READ_AUDIT_LOG]: { satisfiedBy: [READ_AUDIT_LOG], gives: 'the audit-log API' },
  [ADMIN_ENTERPRISE]: { satisfiedBy: [ADMIN_ENTERPRISE], gives: "the enterprise's audit-log streams" },
};

const PERMISSIONS: Record<string, string> = {
  'members:read': 'the member, owner and outside-collaborator lists',
  'administration:read': "the org's 2FA requirement, the 2FA filters and the audit log",
};

function scopeItem(scope: string, have: string[], probed: CheckItem | undefined): CheckItem {
  const { satisfiedBy, gives } = SCOPES[scope]!;
  const listed = have.length > 0 ? have.join(', ') : '(none)';
  if (satisfiedBy.some((s) => have.includes(s))) {
    return probed ?? { name: scope, kind: 'permission', status: 'granted', message: `The token has ${scope}.` };
  }
  const message = `The token's scopes (X-OAuth-Scopes: ${listed}) lack ${scope}, without which GitHub withholds ${gives}.`;
  return { name: scope, kind: 'permission', status: 'missing', message };
}

/**
 * The probed items, corrected by what the credential declares: a classic token missing a scope is named for it
 * (with `admin:org` added, as the 2FA requirement needs it); an App's items use its permission names.
 */
export function scoped(grants: Grants | undefined, items: CheckItem[]): CheckItem[] {
  if (!grants) return items;
  if (grants.kind === 'scopes') {
    const out = items.map((i) => (i.name in SCOPES && i.status !== 'unknown' ? scopeItem(i.name, grants.have, i) : i));
    const at = out.findIndex((i) => i.name === READ_ORG);
    out.splice(at + 1, 0, scopeItem(ADMIN_ORG, grants.have, undefined));
    return out;
  }
  const permission = (name: string): CheckItem => {
    const key = name.replace(/:read$/, '');
    const status = grants.have[key] ? 'granted' : 'missing';
    const message =
      status === 'granted'
        ? `The installation has ${name}.`
        : `The installation lacks ${name}, without which GitHub withholds ${PERMISSIONS[name]}.`;
    return { name, kind: 'permission', status, message };
  };
  const out = items.map((i) =>
    i.name === READ_ORG
      ? { ...permission('members:read'), ...(i.status !== 'granted' ? i : {}), name: 'members:read' }
      : i,
  );
  out.splice(1, 0, permission('administration:read'));
  return out;
}
