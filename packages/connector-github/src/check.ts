import type { CheckItem, CheckResult } from '@evident/connector-kit';
import { type Attempt, item, unknown } from './check-items.ts';
import { type ClientTuning, clientFor } from './client.ts';
import type { GithubContext } from './config.ts';
import { probeCredential, scoped } from './credential-check.ts';
import {
  ADMIN_ENTERPRISE,
  ADMIN_ORG,
  ENTERPRISE_CLOUD,
  type Endpoint,
  type ErrorHints,
  OWNER,
  READ_AUDIT_LOG,
  READ_ORG,
  toConnectorError,
} from './errors.ts';
import { organization, parseBody } from './schemas.ts';

/** The plan and the scope the audit-log probe speaks for; a refusal speaks for one of them at most. */
function auditItems(org: string, audit: Attempt<unknown>): CheckItem[] {
  if (audit.ok) {
    return [
      item(ENTERPRISE_CLOUD, 'licence', audit, `${org} is on Enterprise Cloud: its audit-log API answers.`),
      item(READ_AUDIT_LOG, 'permission', audit, `The audit log of ${org} can be read.`),
    ];
  }
  const { error } = audit;
  if (error.code === 'licence_required') {
    return [
      item(ENTERPRISE_CLOUD, 'licence', audit, ''),
      unknown(READ_AUDIT_LOG, 'permission', 'Not checked: the audit-log API needs Enterprise Cloud.'),
    ];
  }
  if (error.code === 'permission_missing' && error.details.permission !== OWNER) {
    return [unknown(ENTERPRISE_CLOUD, 'licence', error.message), item(READ_AUDIT_LOG, 'permission', audit, '')];
  }
  return [unknown(ENTERPRISE_CLOUD, 'licence', error.message), unknown(READ_AUDIT_LOG, 'permission', error.message)];
}

/**
 * Probes what a collection needs, one call each: the credential (`GET /user` and its `X-OAuth-Scopes` for a classic
 * token, an installation token and its permissions for an App), the org and whether its 2FA requirement
 * is visible (owner), the member list and its owner-only 2FA filter, the audit-log API (Enterprise Cloud,
 * read:audit_log) and, when an enterprise is named, its audit-log streams.
 */
export async function checkGithub(ctx: GithubContext, tuning: ClientTuning): Promise<CheckResult> {
  const { org, enterprise } = ctx.config;
  const octokit = clientFor(ctx, tuning, () => {});
  const attempt = async <T>(
    endpoint: Endpoint,
    call: () => Promise<T>,
    hints: ErrorHints = {},
  ): Promise<Attempt<T>> => {
    try {
      return { ok: true, value: await ctx.limiter.schedule(call, ctx.signal) };
    } catch (error) {
      return { ok: false, error: toConnectorError(error, endpoint, hints) };
    }
  };

  const probe = await probeCredential(ctx, octokit, attempt);
  const token = probe.item;
  if (token.status !== 'granted') {
    const skipped = 'Not checked: GitHub refused the credential.';
    const rest = [READ_ORG, ADMIN_ORG, OWNER, READ_AUDIT_LOG, ENTERPRISE_CLOUD, ADMIN_ENTERPRISE];
    return { ok: false, items: [token, ...rest.map((n) => unknown(n, n === OWNER ? 'role' : 'permission', skipped))] };
  }

  const orgRead = await attempt('org', async () =>
    parseBody(organization, (await octokit.rest.orgs.get({ org })).data, `GET /orgs/${org}`),
  );
  const members = await attempt('members', () => octokit.rest.orgs.listMembers({ org, per_page: 1 }));
  const filter = await attempt('members_2fa', () =>
    octokit.rest.orgs.listMembers({ org, filter: '2fa_disabled', per_page: 1 }),
  );
  // A missing or invisible org says more than the member list's 404 behind it.
  const readOrg = item(READ_ORG, 'permission', orgRead.ok ? members : orgRead, `The members of ${org} can be listed.`);

  const hidden = orgRead.ok && orgRead.value.two_factor_requirement_enabled == null;
  const owner: CheckItem = hidden
    ? {
        name: OWNER,
        kind: 'role',
        status: 'missing',
        message: `GitHub withholds the 2FA requirement of ${org}: the token is not an organization owner's (or an App token lacks administration:read).`,
      }
    : item(OWNER, 'role', filter, `The 2FA requirement and the members' 2FA filter of ${org} are visible.`);

  const auditCall = () => octokit.request('GET /orgs/{org}/audit-log', { org, per_page: 1 });
  const audit = await attempt('audit_log', auditCall, hidden ? { owner: false } : {});
  const items = [token, ...scoped(probe.grants, [readOrg, owner, ...auditItems(org, audit)])];

  if (enterprise) {
    const streams = await attempt('streams', () =>
      octokit.request('GET /enterprises/{enterprise}/audit-log/streams', { enterprise }),
    );
    items.push(item(ADMIN_ENTERPRISE, 'permission', streams, `The audit-log streams of ${enterprise} can be read.`));
  } else {
    items.push(unknown(ADMIN_ENTERPRISE, 'permission', 'No enterprise is named: audit-log streams stay unknown.'));
  }
  const listed = items.find((i) => i.name === READ_ORG || i.name === 'members:read');
  return { ok: listed?.status === 'granted', items };
}
