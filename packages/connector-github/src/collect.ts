import { CollectionSession, ConnectorError, concurrently, readAhead } from '@evident/connector-kit';
import type { Fact } from '@evident/core';
import { type ClientTuning, clientFor } from './client.ts';
import type { GithubContext } from './config.ts';
import { OWNER, toConnectorError } from './errors.ts';
import { logSources } from './log-sources.ts';
import {
  administers,
  type Directory,
  gapOf,
  INSECURE_KEY,
  identityOf,
  insecureSetting,
  isManagedLogin,
  managedGap,
  outsideEnterpriseOwner,
  REQUIREMENT_KEY,
  requirementSetting,
} from './map.ts';
import { effect, Reader } from './reader.ts';
import {
  type EnterpriseOwnerRole,
  enterpriseOwnersPage,
  organization,
  organizationRoles,
  type SimpleUser,
} from './schemas.ts';

export interface CollectOptions {
  tuning: ClientTuning;
  /** Most ids held in memory per small list (owners, accounts without 2FA). */
  maxHeldIds: number;
}

const lower = (logins: readonly string[]) => new Set(logins.map((l) => l.toLowerCase()));

/** Pages of the full member and collaborator lists read ahead of the filters that judge them. */
const LIST_READ_AHEAD = 2;

/** GitHub's REST API does not list enterprise owners; GraphQL lists them on the org, empty outside an enterprise. */
const ENTERPRISE_OWNERS_QUERY = `query($org: String!, $cursor: String) {
  organization(login: $org) {
    enterpriseOwners(first: 100, after: $cursor) {
      pageInfo { hasNextPage endCursor }
      nodes { login }
      edges { organizationRole }
    }
  }
}`;

/** Starts a read now; its outcome is taken (and a failure becomes its section's gap) where the facts need it. */
function early<T>(read: () => Promise<T>): () => Promise<T> {
  const pending = read();
  pending.catch(() => {});
  return () => pending;
}

/**
 * Streams the facts of one org: the 2FA requirement, every member and outside collaborator (page by page; only the
 * owners and the accounts without 2FA are held, as id sets), and beside them the audit log and its git events.
 */
export async function* collectGithub(ctx: GithubContext, options: CollectOptions): AsyncGenerator<Fact> {
  const { org } = ctx.config;
  const session = new CollectionSession(ctx, 'github', (e) => toConnectorError(e));
  const octokit = clientFor(ctx, options.tuning, (ms) => session.waited(ms));
  const stamp = () => ({ connection: ctx.connection, observedAt: ctx.now().toISOString() });
  const dir: Directory = {
    requirement: null,
    owners: undefined,
    roleAdmins: undefined,
    enterpriseOwners: undefined,
    without2fa: undefined,
    msp: ctx.config.mspLogins ? lower(ctx.config.mspLogins) : undefined,
    breakGlass: lower(ctx.config.breakGlassLogins),
    insecure: undefined,
    managed: undefined,
  };
  let ownerDataHidden = false;
  // Once GitHub has withheld owner-only data, a 404 on an owner-only call means "not an owner", not "no such plan".
  const reader = new Reader(session, (e, endpoint) =>
    toConnectorError(e, endpoint, ownerDataHidden ? { owner: false } : {}),
  );
  const list = { org, per_page: 100 } as const;
  const cap = options.maxHeldIds;

  // Nothing is said of an org GitHub never showed: its refusal (misspelled, revoked, SSO) covers every fact.
  const orgSource = `GET /orgs/${org}`;
  const orgCovers = [`setting.${REQUIREMENT_KEY}`, 'identity.mfaEnforced'];
  let orgRead = false;
  yield* session.section(
    { phase: 'organization', source: orgSource, covers: ['setting', 'identity', 'logSource'] },
    effect(async () => {
      const o = await reader.get('org', organization, orgSource, () => octokit.rest.orgs.get({ org }));
      dir.requirement = o.two_factor_requirement_enabled ?? null;
      ownerDataHidden = dir.requirement === null;
      orgRead = true;
    }),
  );
  if (!orgRead) return;
  const members = readAhead(
    reader.users(
      'members',
      `GET /orgs/${org}/members`,
      octokit.paginate.iterator(octokit.rest.orgs.listMembers, { ...list, filter: 'all' }),
    ),
    LIST_READ_AHEAD,
  );
  const collaborators = readAhead(
    reader.users(
      'collaborators',
      `GET /orgs/${org}/outside_collaborators`,
      octokit.paginate.iterator(octokit.rest.orgs.listOutsideCollaborators, { ...list, filter: 'all' }),
    ),
    LIST_READ_AHEAD,
  );
  try {
    yield* concurrently([
      { phase: 'identities', after: [], facts: () => identities() },
      { phase: 'log sources', after: [], facts: () => logSources(ctx, session, reader, octokit, stamp) },
    ]);
  } finally {
    await Promise.all([members.stop(), collaborators.stop()]);
  }

  async function* identities(): AsyncGenerator<Fact> {
    const ownersSource = `GET /orgs/${org}/members?role=admin`;
    let managedOwner = false;
    yield* session.section(
      { phase: 'owners', source: ownersSource, covers: ['identity.privileged'] },
      effect(async () => {
        const pages = octokit.paginate.iterator(octokit.rest.orgs.listMembers, { ...list, role: 'admin' });
        const seen = (u: SimpleUser) => {
          managedOwner ||= isManagedLogin(u.login);
        };
        dir.owners = await reader.ids('owners', ownersSource, pages, cap, seen);
      }),
    );
    const declared = ctx.config.managedUsers;
    if (declared || managedOwner) dir.managed = { idpConnection: declared?.idpConnection };
    const filter = (
      endpoint: 'members_2fa' | 'collaborators_2fa',
      source: string,
      read: typeof octokit.rest.orgs.listMembers | typeof octokit.rest.orgs.listOutsideCollaborators,
      which: '2fa_disabled' | '2fa_insecure',
    ) => {
      const run = () => reader.ids(endpoint, source, octokit.paginate.iterator(read, { ...list, filter: which }), cap);
      // An owner's token reads every filter, so all four go at once; otherwise the first refusal stops the rest.
      return dir.managed || ownerDataHidden ? run : early(run);
    };

    yield* session.section({ phase: 'organization', source: orgSource, covers: orgCovers }, async function* () {
      yield requirementSetting(stamp(), org, dir.managed ? null : dir.requirement, orgSource);
      if (dir.managed) yield managedGap(stamp(), org, orgSource, dir.managed);
      else if (dir.requirement === null) {
        const why = "GitHub shows the organization's 2FA requirement to organization owners only.";
        yield gapOf(
          stamp(),
          orgSource,
          orgCovers,
          new ConnectorError('permission_missing', why, { permission: OWNER }),
        );
      }
    });

    const rolesSource = `GET /orgs/${org}/organization-roles`;
    yield* session.section(
      { phase: 'organization roles', source: rolesSource, covers: ['identity.privileged'] },
      effect(async () => {
        const listed = await reader.get('org_roles', organizationRoles, rolesSource, () =>
          octokit.rest.orgs.listOrgRoles({ org }),
        );
        const holders = new Map<number, string[]>();
        for (const role of listed.roles.filter(administers)) {
          const source = `GET /orgs/${org}/organization-roles/${role.id}/users`;
          const pages = octokit.paginate.iterator(octokit.rest.orgs.listOrgRoleUsers, { ...list, role_id: role.id });
          const ids = await reader.ids('org_roles', source, pages, cap);
          for (const id of ids) holders.set(id, [...(holders.get(id) ?? []), role.name]);
        }
        dir.roleAdmins = holders;
      }),
    );
    const enterpriseSource = 'POST /graphql organization.enterpriseOwners';
    yield* session.section(
      { phase: 'enterprise owners', source: enterpriseSource, covers: ['identity.privileged'] },
      effect(async () => {
        const owners = new Map<string, { login: string; role: EnterpriseOwnerRole }>();
        let cursor: string | null = null;
        do {
          const vars: Record<string, string | null> = { org, cursor };
          const page = await reader.get(
            'enterprise_owners',
            enterpriseOwnersPage,
            enterpriseSource,
            async (): Promise<{ data: unknown }> => ({
              data: await octokit.graphql(ENTERPRISE_OWNERS_QUERY, vars),
            }),
          );
          const { nodes, edges, pageInfo } = page.organization.enterpriseOwners;
          for (const [i, n] of nodes.entries())
            owners.set(n.login.toLowerCase(), { login: n.login, role: edges[i]!.organizationRole });
          if (owners.size > cap) {
            const why = `${enterpriseSource} lists more than ${cap} accounts, more than the connector holds in memory; left unknown.`;
            throw new ConnectorError('not_supported', why);
          }
          cursor = pageInfo.hasNextPage ? pageInfo.endCursor : null;
        } while (cursor);
        dir.enterpriseOwners = owners;
      }),
    );
    // The 2FA filters mean nothing for managed users, whose second factor lives at the IdP.
    const insecureCovers = [`setting.${INSECURE_KEY}`, 'identity.methods'];
    const no2faSource = `GET /orgs/${org}/members?filter=2fa_disabled`;
    const smsSource = `GET /orgs/${org}/members?filter=2fa_insecure`;
    const guestsNo2faSource = `GET /orgs/${org}/outside_collaborators?filter=2fa_disabled`;
    const guestsSmsSource = `GET /orgs/${org}/outside_collaborators?filter=2fa_insecure`;
    const without2fa = filter('members_2fa', no2faSource, octokit.rest.orgs.listMembers, '2fa_disabled');
    const insecure = filter('members_2fa', smsSource, octokit.rest.orgs.listMembers, '2fa_insecure');
    const guestsWithout2fa = filter(
      'collaborators_2fa',
      guestsNo2faSource,
      octokit.rest.orgs.listOutsideCollaborators,
      '2fa_disabled',
    );
    const guestsInsecure = filter(
      'collaborators_2fa',
      guestsSmsSource,
      octokit.rest.orgs.listOutsideCollaborators,
      '2fa_insecure',
    );
    if (!dir.managed) {
      yield* session.section(
        { phase: 'members without 2FA', source: no2faSource, covers: ['identity.mfaRegistered', ...insecureCovers] },
        effect(async () => {
          dir.without2fa = await without2fa();
        }),
      );
    }
    if (dir.without2fa !== undefined) {
      yield* session.section(
        { phase: 'members with SMS 2FA', source: smsSource, covers: insecureCovers },
        effect(async () => {
          dir.insecure = await insecure();
        }),
      );
    }

    const membersSource = `GET /orgs/${org}/members`;
    yield* session.section({ phase: 'members', source: membersSource, covers: ['identity'] }, async function* () {
      for await (const users of members.items()) {
        for (const user of users) yield identityOf(stamp(), user, 'member', dir, membersSource);
      }
    });

    // Without the members' filters (owner-only) the collaborators' filters fail alike: one gap says it.
    const guests: Directory = { ...dir, without2fa: undefined, insecure: undefined };
    if (dir.without2fa !== undefined) {
      yield* session.section(
        { phase: 'outside collaborators without 2FA', source: guestsNo2faSource, covers: ['identity.mfaRegistered'] },
        effect(async () => {
          guests.without2fa = await guestsWithout2fa();
        }),
      );
    }
    if (dir.insecure !== undefined) {
      yield* session.section(
        { phase: 'outside collaborators with SMS 2FA', source: guestsSmsSource, covers: insecureCovers },
        effect(async () => {
          guests.insecure = await guestsInsecure();
        }),
      );
    }

    const guestsSource = `GET /orgs/${org}/outside_collaborators`;
    const seenOutside = new Set<string>();
    yield* session.section(
      { phase: 'outside collaborators', source: guestsSource, covers: ['identity'] },
      async function* () {
        for await (const users of collaborators.items()) {
          for (const user of users) {
            seenOutside.add(user.login.toLowerCase());
            yield identityOf(stamp(), user, 'collaborator', guests, guestsSource);
          }
        }
      },
    );

    // Enterprise owners outside the org are in neither list; one who is an outside collaborator was just described.
    yield* session.section(
      { phase: 'enterprise owners', source: enterpriseSource, covers: ['identity'] },
      async function* () {
        for (const [key, { login, role }] of dir.enterpriseOwners ?? []) {
          if (role === 'UNAFFILIATED' && !seenOutside.has(key)) {
            yield outsideEnterpriseOwner(stamp(), login, dir, enterpriseSource);
          }
        }
      },
    );

    yield* session.section(
      { phase: 'members with SMS 2FA', source: smsSource, covers: insecureCovers },
      async function* () {
        const both = dir.insecure && guests.insecure ? dir.insecure.size + guests.insecure.size : null;
        yield insecureSetting(stamp(), org, dir.managed ? null : both, `${smsSource}; ${guestsSmsSource}`);
      },
    );

    const notOffered = ['identity.lastSignIn', 'identity.phishingResistantRegistered'];
    yield* session.section(
      { phase: 'sign-ins and 2FA methods', source: membersSource, covers: notOffered },
      async function* () {
        const why =
          'GitHub does not expose sign-in times or which 2FA methods an account registered (nor can it require phishing-resistant ones).';
        yield gapOf(stamp(), membersSource, notOffered, new ConnectorError('not_supported', why));
      },
    );
  }
}
