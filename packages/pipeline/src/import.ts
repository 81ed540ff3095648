import type { AnyConnector } from '@evident/connector-kit';
import { NotFoundError, type OrganizationId, type TenantId } from '@evident/core';
import type { ImportItem, ImportProgress, Store, StoredProviderAccount } from '@evident/db';
import type { JobsConnection, Payload } from '@evident/jobs';
import { UnrecoverableError } from 'bullmq';
import { type FirstRunSpread, queueFirstRuns } from './import-queue.ts';

/** Customers written per transaction: small enough to keep a transaction short, large enough for a thousand quickly. */
export const IMPORT_CHUNK = 25;

export interface ImportDeps {
  store: Store;
  jobs: JobsConnection;
  connectors: Record<string, AnyConnector>;
  firstRuns: FirstRunSpread;
  signal?: AbortSignal;
  chunk?: number;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const issuePaths = (issues: readonly { path: readonly PropertyKey[] }[]) =>
  issues.map((i) => i.path.map(String).join('.') || '(root)').join(', ');

/** Why the connector would refuse a connection made from this customer, or null when it takes it. */
function refusal(connector: AnyConnector, account: StoredProviderAccount, accountSecret: unknown, item: ImportItem) {
  const config = connector.config.safeParse({ ...account.config, ...item.config });
  const merged = isObject(accountSecret) ? { ...accountSecret, ...item.secret } : accountSecret;
  const secret = connector.secret.safeParse(merged);
  if (config.success && secret.success) return null;
  const bad = [
    ...(config.success ? [] : [`config (${issuePaths(config.error.issues)})`]),
    ...(secret.success ? [] : [`secret (${issuePaths(secret.error.issues)})`]),
  ];
  return `the ${bad.join(' and ')} made from the account is not valid for ${account.kind}`;
}

// A read that finds nothing throws before any statement fails, so the transaction goes on.
const notFoundAsNull = (error: unknown) => {
  if (error instanceof NotFoundError) return null;
  throw error;
};

/** One chunk in one transaction: each customer's tenant and connection together, and the cursor moved over them. */
async function importChunk(
  store: Store,
  org: OrganizationId,
  progress: ImportProgress,
  from: number,
  chunk: readonly ImportItem[],
  check: (item: ImportItem) => string | null,
  account: StoredProviderAccount,
  known: Set<string>,
): Promise<TenantId[]> {
  return store.transaction(async (tx) => {
    const created: TenantId[] = [];
    const failures: { externalId: string; reason: string }[] = [];
    for (const item of chunk) {
      if (known.has(item.externalId)) continue;
      const reason = check(item);
      if (reason) {
        failures.push({ externalId: item.externalId, reason });
        continue;
      }
      const existing = item.tenantId && (await tx.getTenant(org, item.tenantId).catch(notFoundAsNull));
      if (item.tenantId && !existing) {
        failures.push({ externalId: item.externalId, reason: `the tenant ${item.tenantId} chosen for it is gone` });
        continue;
      }
      const tenantId = existing ? existing.id : (await tx.createTenant(org, { name: item.name, kind: 'customer' })).id;
      await tx.createConnection(org, {
        tenantId,
        kind: account.kind,
        name: `${item.name} (${account.name})`.slice(0, 200),
        config: item.config,
        secret: item.secret ?? {},
        providerAccountId: account.id,
        externalId: item.externalId,
      });
      if (!item.tenantId) created.push(tenantId);
    }
    const moved = await tx.advanceImport(org, progress.id, { from, to: from + chunk.length, created, failures });
    // Another worker moved the cursor (a stalled job taken up twice): roll back and let the retry read where it is.
    if (!moved) throw new Error(`import ${progress.id} moved on elsewhere; resuming from its stored cursor`);
    return created;
  });
}

/**
 * Creates a tenant and a connection for every selected customer not yet connected through the account, resuming
 * from the stored cursor, then queues the new tenants' first assessments spread over the throttle windows. Running
 * it again (a retry, a restart, or a second import of the same customers) adds only what is missing.
 */
export async function runImport(deps: ImportDeps, p: Payload<'import'>): Promise<ImportProgress> {
  const { store } = deps;
  const org = p.organizationId;
  let progress = await store.getImport(org, p.importId);
  if (progress.status === 'succeeded' || progress.status === 'failed') return progress;
  const account = await store.getProviderAccount(org, progress.providerAccountId);
  const connector = deps.connectors[account.kind];
  if (!connector) {
    const reason = `there is no connector of kind ${account.kind}`;
    await store.finishImport(org, p.importId, reason);
    throw new UnrecoverableError(reason);
  }
  const [items, accountSecret, links] = await Promise.all([
    store.readImportItems(org, p.importId),
    store.readProviderAccountSecret(org, account.id),
    store.accountLinks(org, { providerAccountId: account.id }),
  ]);
  const known = new Set(links.flatMap((l) => (l.externalId ? [l.externalId] : [])));
  const check = (item: ImportItem) => refusal(connector, account, accountSecret, item);
  const size = deps.chunk ?? IMPORT_CHUNK;
  for (let from = progress.done; from < items.length; from += size) {
    deps.signal?.throwIfAborted();
    const chunk = items.slice(from, from + size);
    await importChunk(store, org, progress, from, chunk, check, account, known);
    for (const item of chunk) known.add(item.externalId);
  }
  progress = await store.getImport(org, p.importId);
  await queueFirstRuns(deps.jobs, org, progress.createdTenants, deps.firstRuns);
  return store.finishImport(org, p.importId, null);
}
