import { CollectionSession, type ConnectorContext } from '@evident/connector-kit';
import type { Fact, GapFact } from '@evident/core';
import { createClients, type WorkspaceClients } from './client.ts';
import type { GoogleWorkspaceConfig, GoogleWorkspaceSecret } from './config.ts';
import {
  type Application,
  CATEGORY,
  type Declared,
  identityOf,
  logSourceOf,
  PROVIDER,
  type Role,
  type RoleBook,
  type Stamp,
} from './map.ts';
import { read, type Tuning } from './read.ts';
import { activitiesPage, assignmentsPage, rolesPage, usersPage } from './schemas.ts';

export type Ctx = ConnectorContext<GoogleWorkspaceConfig, GoogleWorkspaceSecret>;

/** The setting MFA-09 would read: which 2SV methods the policy allows. The Admin SDK does not expose it. */
export const METHODS_SETTING = 'google_workspace.two_step_methods';
/** The setting MFA-07 would read: 2SV enforcement at the top-level organizational unit. Not exposed either. */
export const ENFORCEMENT_SETTING = 'google_workspace.two_step_enforcement';

const USER_FIELDS =
  'nextPageToken,users(id,primaryEmail,isAdmin,isDelegatedAdmin,isEnrolledIn2Sv,isEnforcedIn2Sv,suspended,archived,orgUnitPath,lastLoginTime)';

/** The account a connection reads, as people name it: the impersonated admin's domain. */
export function scopeOf(config: GoogleWorkspaceConfig): string {
  return config.customerId === 'my_customer' ? config.adminEmail.split('@')[1]!.toLowerCase() : config.customerId;
}

function unexposed(stamp: Stamp, source: string, covers: string[], message: string, remedy: string): GapFact {
  return { type: 'gap', provider: PROVIDER, ...stamp, source, code: 'not_supported', covers, message, remedy };
}

/**
 * Streams one Workspace account: who administers it (roles and their assignments, read first), every user page by
 * page, and the newest entry of the login and admin audit logs. Each part is a section: its failure is a gap.
 */
export async function* collectWorkspace(ctx: Ctx, tuning: Tuning): AsyncGenerator<Fact> {
  const session = new CollectionSession(ctx, PROVIDER);
  const clients = createClients(ctx.config, ctx.secret, ctx.egress);
  try {
    yield* sections(ctx, tuning, session, clients);
  } finally {
    await clients.close();
  }
}

async function* sections(
  ctx: Ctx,
  tuning: Tuning,
  session: CollectionSession<GoogleWorkspaceConfig, GoogleWorkspaceSecret>,
  clients: WorkspaceClients,
): AsyncGenerator<Fact> {
  const { config } = ctx;
  const customer = config.customerId;
  const admin = config.adminEmail;
  const scope = scopeOf(config);
  const stamp = (): Stamp => ({ connection: ctx.connection, observedAt: ctx.now().toISOString() });
  const declared: Declared = { breakGlass: new Set(config.breakGlass), msp: config.mspAccounts };
  const book: RoleBook = { byUser: undefined, groupAssigned: false };

  const rolesSource = `GET admin/directory/v1/customer/${customer}/roles; GET …/roleassignments`;
  yield* session.section({ phase: 'admin roles', source: rolesSource, covers: ['identity.privileged'] }, async () => {
    const directory = clients.directory('roles');
    const roles = new Map<string, Role>();
    let pageToken: string | undefined;
    do {
      const page = await read(session, tuning, 'roles', admin, rolesPage, rolesSource, () =>
        directory.roles.list({ customer, maxResults: 100, ...(pageToken ? { pageToken } : {}) }),
      );
      session.page();
      for (const r of page.items ?? []) {
        const privileges = (r.rolePrivileges ?? []).map((p) => p.privilegeName);
        roles.set(r.roleId, {
          roleId: r.roleId,
          roleName: r.roleName,
          isSuperAdminRole: !!r.isSuperAdminRole,
          privileges,
        });
      }
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
    const byUser = new Map<string, Role[]>();
    do {
      const page = await read(session, tuning, 'roles', admin, assignmentsPage, rolesSource, () =>
        directory.roleAssignments.list({ customer, maxResults: 200, ...(pageToken ? { pageToken } : {}) }),
      );
      session.page();
      for (const a of page.items ?? []) {
        if (a.assigneeType === 'group') book.groupAssigned = true;
        // A role the list did not return is still a role: unknown privileges administer (fail closed).
        const role = roles.get(a.roleId) ?? {
          roleId: a.roleId,
          roleName: a.roleId,
          isSuperAdminRole: false,
          privileges: [],
        };
        byUser.set(a.assignedTo, [...(byUser.get(a.assignedTo) ?? []), role]);
      }
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
    book.byUser = byUser;
  });

  const usersSource = `GET admin/directory/v1/users?customer=${customer}`;
  yield* session.section({ phase: 'users', source: usersSource, covers: ['identity'] }, async function* () {
    const directory = clients.directory('users');
    let pageToken: string | undefined;
    do {
      const page = await read(session, tuning, 'users', admin, usersPage, usersSource, () =>
        directory.users.list({
          customer,
          maxResults: 500,
          projection: 'basic',
          fields: USER_FIELDS,
          ...(pageToken ? { pageToken } : {}),
        }),
      );
      session.page();
      for (const u of page.users ?? []) yield identityOf(stamp(), usersSource, u, book, declared);
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
  });

  const methodsWhy =
    'The Admin SDK shows whether each user is enrolled in and enforced for 2-Step Verification, but neither which ' +
    'methods they use nor which the policy allows (security keys only, or SMS and voice codes as well)';
  const methodsCovers = [
    'identity.phishingResistantRegistered',
    'identity.phishingResistantEnforced',
    `setting.${METHODS_SETTING}`,
  ];
  yield* session.section({ phase: 'users', source: usersSource, covers: methodsCovers }, async function* () {
    const remedy =
      'Check Admin console → Security → Authentication → 2-Step Verification: "Allowed methods" should be "Only ' +
      'security key" for admins (and Advanced Protection for super admins); record what you find as an exception.';
    yield unexposed(stamp(), usersSource, methodsCovers, methodsWhy, remedy);
  });
  const policyCovers = [`setting.${ENFORCEMENT_SETTING}`];
  yield* session.section({ phase: 'users', source: usersSource, covers: policyCovers }, async function* () {
    const why =
      'The Directory API does not expose the 2-Step Verification policy of organizational units and groups, only ' +
      'its effect on each user (isEnforcedIn2Sv), so whether enforcement is org-wide cannot be read';
    const remedy =
      'Check Admin console → Security → Authentication → 2-Step Verification for the top-level organizational ' +
      'unit: "Allow users to turn on 2-Step Verification" and Enforcement "On"; record what you find.';
    yield unexposed(stamp(), usersSource, policyCovers, why, remedy);
  });

  for (const application of ['login', 'admin'] as const satisfies Application[]) {
    const source = `GET admin/reports/v1/activity/users/all/applications/${application}?maxResults=1`;
    yield* session.section(
      { phase: `${application} audit log`, source, covers: [`logSource.${CATEGORY[application]}`] },
      async function* () {
        const reports = clients.reports();
        const page = await read(session, tuning, 'reports', admin, activitiesPage, source, () =>
          reports.activities.list({
            userKey: 'all',
            applicationName: application,
            ...customerIdOf(config),
            maxResults: 1,
          }),
        );
        session.page();
        const newest = page.items?.[0]?.id.time ?? null;
        yield logSourceOf(stamp(), scope, application, newest === null ? null : new Date(newest).toISOString(), source);
      },
    );
  }
  // Every log this connection reports: an empty list must not read as "kept only natively" or "not exported".
  const exportCovers = ['logSource.destinations'];
  const exportSource = 'Admin SDK Reports API';
  yield* session.section({ phase: 'log export', source: exportSource, covers: exportCovers }, async function* () {
    yield unexposed(
      stamp(),
      exportSource,
      exportCovers,
      'Whether the Workspace login and admin audit logs are exported (BigQuery export, or sharing with Google Cloud ' +
        'Logging) and how long the destination keeps them is not readable through the Admin SDK',
      'Check Admin console → Reporting → BigQuery Export and Account → Legal & compliance → Sharing options; when ' +
        'the logs are shared with Google Cloud, connect that project with the Google Cloud Logging connector.',
    );
  });
  ctx.progress({ ...session.progress, phase: 'done' });
}

/** The Reports API takes a customer ID, or nothing for the admin's own account. */
export function customerIdOf(config: GoogleWorkspaceConfig): { customerId?: string } {
  return config.customerId === 'my_customer' ? {} : { customerId: config.customerId };
}
