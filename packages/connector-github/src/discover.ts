import { ConnectorError, type DiscoveredCustomer } from '@evident/connector-kit';
import { z } from 'zod';
import type { GithubAccountContext } from './account.ts';
import { type ClientTuning, createClient } from './client.ts';
import { DEFAULT_API } from './config.ts';
import { toConnectorError } from './errors.ts';

/** The fields of GitHub's `installation` that discovery reads. */
export const installation = z.object({
  id: z.number().int().positive(),
  // A user or org (simple-user, with a login) or an enterprise (with a slug).
  account: z
    .object({ login: z.string().optional(), slug: z.string().optional(), name: z.string().nullish() })
    .transform((a) => ({ handle: a.login ?? a.slug, name: a.name }))
    .nullable(),
  target_type: z.string(),
  permissions: z.record(z.string(), z.string().optional()).default({}),
  suspended_at: z.string().nullish(),
  suspended_by: z.object({ login: z.string() }).nullish(),
});
type Installation = z.infer<typeof installation>;

/** The installation permissions the connector reads with, as GitHub's settings page names them, and what they give. */
const NEEDED: [key: string, name: string, gives: string][] = [
  ['members', 'Members: read', 'the member, owner and outside-collaborator lists'],
  ['administration', 'Administration: read', "the org's 2FA requirement, the members' 2FA filters and the audit log"],
  ['organization_administration', 'Organization administration: read', "the organization's own settings"],
  [
    'organization_custom_org_roles',
    'Custom organization roles: read',
    'who holds a custom role that administers the org',
  ],
];

function warnings(i: Installation, login: string): string[] {
  return NEEDED.filter(([key]) => i.permissions[key] === undefined).map(
    ([, name, gives]) =>
      `The installation on ${login} lacks ${name}, without which GitHub withholds ${gives}: add it in the App's settings, then have an owner of ${login} accept the new permissions.`,
  );
}

function reachable(i: Installation, login: string): DiscoveredCustomer['reachable'] {
  if (i.target_type !== 'Organization') {
    const what = i.target_type === 'User' ? 'the personal account' : `the ${i.target_type.toLowerCase()}`;
    return {
      ok: false,
      reason: `The App is installed on ${what} ${login}, not on an organization: there are no org members or 2FA requirement to assess there.`,
    };
  }
  if (i.suspended_at) {
    const by = i.suspended_by ? ` by ${i.suspended_by.login}` : '';
    return {
      ok: false,
      reason: `The installation on ${login} was suspended${by} on ${i.suspended_at.slice(0, 10)}: GitHub gives a suspended installation no tokens until an owner of ${login} unsuspends it (Settings → GitHub Apps → Configure).`,
    };
  }
  return { ok: true };
}

/** One installation as GitHub lists it, as a customer. */
export function customerOf(i: Installation): DiscoveredCustomer {
  const handle = i.account?.handle;
  const login = handle ?? `installation ${i.id}`;
  const org = i.target_type === 'Organization' && handle !== undefined;
  return {
    externalId: String(i.id),
    name: i.account?.name || login,
    domains: handle ? [handle] : [],
    connection: {
      config: org ? { org: login } : {},
      secret: { kind: 'app', installationId: i.id },
    },
    reachable: handle
      ? reachable(i, login)
      : { ok: false, reason: `GitHub names no account for installation ${i.id}.` },
    warnings: org ? warnings(i, login) : [],
  };
}

/** A refusal of the App's own JWT: its id or key is wrong, or the key was revoked. */
function discoveryError(error: unknown, appId: number): ConnectorError {
  const status = z.object({ status: z.number(), message: z.string() }).safeParse(error);
  if (status.success && status.data.status === 401) {
    return new ConnectorError(
      'auth_failed',
      `GitHub refused App ${appId}'s signed JWT when listing its installations (401: ${status.data.message}).`,
      {
        remedy:
          "Check the App id and that the private key is one of the App's current keys (its settings page lists them; generate a new one if it was deleted).",
      },
      { cause: error },
    );
  }
  return toConnectorError(error);
}

/** The App's installations (`GET /app/installations`, every page): each org one customer, reachable or not. */
export async function discoverGithub(ctx: GithubAccountContext, tuning: ClientTuning): Promise<DiscoveredCustomer[]> {
  const { appId, privateKey } = ctx.secret;
  let throttleWaits = 0;
  let waitedMs = 0;
  const octokit = createClient({
    baseUrl: ctx.config.endpoints.api ?? DEFAULT_API,
    credential: { kind: 'app', appId, privateKey },
    id: ctx.connection,
    signal: ctx.signal,
    logger: ctx.logger,
    egress: ctx.egress,
    tuning,
    onWait: (ms) => {
      throttleWaits++;
      waitedMs += ms;
    },
  });
  const found: DiscoveredCustomer[] = [];
  let pages = 0;
  try {
    for await (const page of octokit.paginate.iterator(octokit.rest.apps.listInstallations, { per_page: 100 })) {
      const parsed = z.array(installation).safeParse(page.data);
      if (!parsed.success) {
        throw new ConnectorError(
          'provider_error',
          `GitHub listed installations in an unexpected shape: ${parsed.error.message}`,
        );
      }
      found.push(...parsed.data.map(customerOf));
      pages++;
      ctx.progress({
        connection: ctx.connection,
        phase: 'installations',
        pages,
        facts: found.length,
        gaps: 0,
        throttleWaits,
        waitedMs,
      });
    }
  } catch (error) {
    throw discoveryError(error, appId);
  }
  return found;
}
