import type { ChangeRead, ConnectorError } from '@evident/connector-kit';
import type { GithubClient } from './client.ts';
import type { GithubContext } from './config.ts';
import { toConnectorError } from './errors.ts';
import { organization, parseBody } from './schemas.ts';
import type { Cursor } from './watch.ts';

/**
 * Where the plan has no audit-log API: the one change read without it, the org's 2FA requirement, compared with the
 * previous read's. Nothing else is seen, so a token that cannot see the requirement gets the plan's refusal.
 */
export async function requirementRead(
  ctx: GithubContext,
  octokit: GithubClient,
  previous: Cursor | null,
  startedAt: number,
  refusal: ConnectorError,
): Promise<ChangeRead> {
  const { org } = ctx.config;
  const source = `GET /orgs/${org}`;
  const response = await ctx.limiter.schedule(
    () => octokit.rest.orgs.get({ org }).catch((e: unknown) => Promise.reject(toConnectorError(e, 'org'))),
    ctx.signal,
  );
  const required = parseBody(organization, response.data, source).two_factor_requirement_enabled;
  if (typeof required !== 'boolean') throw refusal;
  const before = previous?.twoFactor;
  const cursor = JSON.stringify({ v: 1, from: startedAt, twoFactor: required } satisfies Cursor);
  if (before === undefined || before === required) return { events: [], cursor, skipped: [] };
  // GitHub says neither who changed it nor when: it was seen changed between two reads.
  const event = {
    id: `two-factor-requirement:${org}:${required ? 'on' : 'off'}:${startedAt}`,
    at: new Date(startedAt).toISOString(),
    actor: null,
    action: required ? 'org.enable_two_factor_requirement' : 'org.disable_two_factor_requirement',
    target: org,
  };
  return { events: [event], cursor, skipped: [] };
}
