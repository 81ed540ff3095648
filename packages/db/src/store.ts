import type { OrganizationId } from '@evident/core';
import { sql } from 'drizzle-orm';
import type { Database, Db } from './client.ts';
import { createKeyring, type KeyringInput } from './crypto.ts';
import { guardErrors } from './errors.ts';
import { accessRepo } from './repos/access.ts';
import { alertAdminRepo } from './repos/alert-admin.ts';
import { alertsRepo } from './repos/alerts.ts';
import { auditRepo } from './repos/audit.ts';
import { authFlowsRepo } from './repos/auth-flows.ts';
import type { RepoContext } from './repos/boundary.ts';
import { collectionsRepo } from './repos/collections.ts';
import { connectionsRepo } from './repos/connections.ts';
import { evidenceRepo } from './repos/evidence.ts';
import { exceptionRequestsRepo } from './repos/exception-requests.ts';
import { exceptionsRepo } from './repos/exceptions.ts';
import { factsRepo } from './repos/facts.ts';
import { healthRepo } from './repos/health.ts';
import { importsRepo } from './repos/imports.ts';
import { organizationsRepo } from './repos/organizations.ts';
import { passkeysRepo } from './repos/passkeys.ts';
import { portfolioRepo } from './repos/portfolio.ts';
import { providerAccountsRepo } from './repos/provider-accounts.ts';
import { resultQueriesRepo } from './repos/result-queries.ts';
import { resultSubjectsRepo } from './repos/result-subjects.ts';
import { resultsRepo } from './repos/results.ts';
import { runsRepo } from './repos/runs.ts';
import { sharesRepo } from './repos/shares.ts';
import { signingKeysRepo } from './repos/signing-keys.ts';
import { staffAuthSettingsRepo } from './repos/staff-auth-settings.ts';
import { tenantsRepo } from './repos/tenants.ts';
import { usersRepo } from './repos/users.ts';
import { watchesRepo } from './repos/watches.ts';

function repositories(ctx: RepoContext) {
  return {
    ...organizationsRepo(ctx),
    ...usersRepo(ctx),
    ...tenantsRepo(ctx),
    ...connectionsRepo(ctx),
    ...runsRepo(ctx),
    ...collectionsRepo(ctx),
    ...factsRepo(ctx),
    ...resultsRepo(ctx),
    ...resultQueriesRepo(ctx),
    ...resultSubjectsRepo(ctx),
    ...exceptionsRepo(ctx),
    ...exceptionRequestsRepo(ctx),
    ...auditRepo(ctx),
    ...signingKeysRepo(ctx),
    ...accessRepo(ctx),
    ...sharesRepo(ctx),
    ...evidenceRepo(ctx),
    ...portfolioRepo(ctx),
    ...healthRepo(ctx),
    ...alertsRepo(ctx),
    ...alertAdminRepo(ctx),
    ...passkeysRepo(ctx),
    ...authFlowsRepo(ctx),
    ...staffAuthSettingsRepo(ctx),
    ...providerAccountsRepo(ctx),
    ...importsRepo(ctx),
    ...watchesRepo(ctx),
  };
}

export type Repositories = ReturnType<typeof repositories>;

/** Every repository function, each taking the organization id first; `transaction` runs several as one. */
export type Store = Repositories & {
  transaction<T>(work: (tx: Store) => Promise<T>): Promise<T>;
};

export interface StoreOptions {
  /** The key that seals new secrets, and earlier keys still needed to open old ones. */
  secrets: KeyringInput;
}

/** The row-level security setting (migration 0003), local to the transaction. */
const scopeTo = (db: Db, org: OrganizationId) =>
  db.execute(sql`select set_config('evident.organization_id', ${org}, true)`);

/** Functions that scope themselves: streams page by page, and a write that reads its fact stream before it opens one. */
const SELF_SCOPED = new Set<string>([
  'collectionFacts',
  'latestFacts',
  'resultSubjects',
  'writeCollection',
  // Credentials arrive before their organization is known: these find it through the owner's lookups (0006).
  'staffAccountsByEmail',
  'findSession',
  'findShareByToken',
  'acceptInvitation',
  // Sign-in failures are counted per account or address, before any organization is known.
  'signInLock',
  'takeSignInAttempt',
  'releaseSignInAttempt',
  'clearSignInFailures',
  // A passwordless sign-in knows a credential, not an organization; ceremonies begin before anyone is known.
  'passkeyByCredential',
  'putAuthFlow',
  'takeAuthFlow',
  // Admin consent names a customer directory; which organizations already reach it is asked before any other work.
  'organizationsReaching',
]);

type AnyFn = (org: OrganizationId, ...args: unknown[]) => unknown;

export function createStore(database: Database, options: StoreOptions): Store {
  const keyring = createKeyring(options.secrets);
  const context = (db: Db, inTransaction: boolean): RepoContext => ({
    db,
    keyring,
    inOrg: async (org, work) => {
      if (inTransaction) {
        await scopeTo(db, org);
        return work(db);
      }
      return db.transaction(async (tx) => {
        await scopeTo(tx, org);
        return work(tx);
      });
    },
  });
  const bind = (db: Db, inTransaction: boolean): Store => {
    const ctx = context(db, inTransaction);
    const direct = repositories(ctx) as unknown as Record<string, AnyFn>;
    const scoped = Object.fromEntries(
      Object.entries(direct).map(([name, fn]) => [
        name,
        SELF_SCOPED.has(name)
          ? fn
          : (org: OrganizationId, ...args: unknown[]) =>
              ctx.inOrg(org, async (tx) => {
                const repos = repositories(context(tx, true)) as unknown as Record<string, AnyFn>;
                return repos[name]!(org, ...args);
              }),
      ]),
    ) as unknown as Repositories;
    return guardErrors({
      ...scoped,
      transaction: <T>(work: (tx: Store) => Promise<T>) => db.transaction((tx) => work(bind(tx, true))),
    });
  };
  return bind(database.drizzle, false);
}
