import type { Database, Db } from './client.ts';
import { createKeyring, type KeyringInput } from './crypto.ts';
import { guardErrors } from './errors.ts';
import { accessRepo } from './repos/access.ts';
import { auditRepo } from './repos/audit.ts';
import type { RepoContext } from './repos/boundary.ts';
import { collectionsRepo } from './repos/collections.ts';
import { connectionsRepo } from './repos/connections.ts';
import { evidenceRepo } from './repos/evidence.ts';
import { exceptionsRepo } from './repos/exceptions.ts';
import { factsRepo } from './repos/facts.ts';
import { healthRepo } from './repos/health.ts';
import { organizationsRepo } from './repos/organizations.ts';
import { portfolioRepo } from './repos/portfolio.ts';
import { resultQueriesRepo } from './repos/result-queries.ts';
import { resultsRepo } from './repos/results.ts';
import { runsRepo } from './repos/runs.ts';
import { sharesRepo } from './repos/shares.ts';
import { tenantsRepo } from './repos/tenants.ts';
import { usersRepo } from './repos/users.ts';

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
    ...exceptionsRepo(ctx),
    ...auditRepo(ctx),
    ...accessRepo(ctx),
    ...sharesRepo(ctx),
    ...evidenceRepo(ctx),
    ...portfolioRepo(ctx),
    ...healthRepo(ctx),
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

export function createStore(database: Database, options: StoreOptions): Store {
  const keyring = createKeyring(options.secrets);
  const bind = (db: Db): Store =>
    guardErrors({
      ...repositories({ db, keyring }),
      transaction: <T>(work: (tx: Store) => Promise<T>) => db.transaction((tx) => work(bind(tx))),
    });
  return bind(database.drizzle);
}
