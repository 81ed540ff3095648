import type { AnyConnector } from '@evident/connector-kit';
import type { OrganizationId, TenantId } from '@evident/core';
import type { ImportItem, ImportProgress, Store, StoredProviderAccount } from '@evident/db';
import type { JobsConnection, Payload } from '@evident/jobs';
import { UnrecoverableError } from 'bullmq';
import { type FirstRunSpread, firstRunDelay, queueFirstRuns, scheduleImported } from './import-queue.ts';

/**
 * Customers written per transaction: a handful of multi-row statements each, so a transaction stays short and a
 * thousand customers take a few dozen.
 */
export const IMPORT_CHUNK = 50;

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
  return `${account.kind} would refuse this customer: the ${bad.join(' and ')} made from the account and the customer is not valid`;
}

interface Chunk {
  org: OrganizationId;
  progress: ImportProgress;
  account: StoredProviderAccount;
  /** The cursor the chunk starts from, and the customers from there. */
  from: number;
  items: readonly ImportItem[];
  /** Tenants the import created before this chunk: where the chunk's new tenants fall in the first-run spread. */
  createdBefore: number;
}

/**
 * One chunk in one transaction: every new customer's tenant and connection together (a multi-row insert each), the
 * cursor moved over them, and the new tenants' schedules, last before the commit so that a tenant never commits
 * without one and a queue that refuses them rolls the chunk back.
 */
async function importChunk(
  deps: ImportDeps,
  c: Chunk,
  known: ReadonlySet<string>,
  check: (item: ImportItem) => string | null,
): Promise<TenantId[]> {
  const { org, account } = c;
  return deps.store.transaction(async (tx) => {
    const failures: { externalId: string; reason: string }[] = [];
    const wanted: ImportItem[] = [];
    const here = new Set<string>();
    for (const item of c.items) {
      // Already connected through the account, or twice in the selection: the first one counts.
      if (known.has(item.externalId) || here.has(item.externalId)) continue;
      here.add(item.externalId);
      const reason = check(item);
      if (reason) failures.push({ externalId: item.externalId, reason });
      else wanted.push(item);
    }
    const chosen = wanted.flatMap((i) => (i.tenantId ? [i.tenantId as TenantId] : []));
    const live = new Set((await tx.liveTenants(org, chosen)).map((t) => t.id));
    const attach = wanted.filter((i) => {
      if (!i.tenantId || live.has(i.tenantId as TenantId)) return true;
      failures.push({ externalId: i.externalId, reason: `the tenant ${i.tenantId} chosen for it no longer exists` });
      return false;
    });
    const fresh = attach.filter((i) => !i.tenantId);
    const tenants = await tx.createTenants(
      org,
      fresh.map((i) => ({ name: i.name, kind: 'customer' as const })),
    );
    const tenantOf = new Map(fresh.map((i, n) => [i.externalId, tenants[n]!.id]));
    await tx.createConnections(
      org,
      attach.map((item) => ({
        tenantId: (item.tenantId as TenantId | undefined) ?? tenantOf.get(item.externalId)!,
        kind: account.kind,
        name: `${item.name} (${account.name})`.slice(0, 200),
        config: item.config,
        secret: item.secret ?? {},
        providerAccountId: account.id,
        externalId: item.externalId,
      })),
    );
    const created = tenants.map((t) => t.id);
    const to = c.from + c.items.length;
    const moved = await tx.advanceImport(org, c.progress.id, { from: c.from, to, created, failures });
    // Another worker moved the cursor (a stalled job taken up twice): roll back and let the retry read where it is.
    if (!moved) throw new Error(`import ${c.progress.id} moved on elsewhere; resuming from its stored cursor`);
    await scheduleImported(
      deps.jobs,
      org,
      created.map((tenantId, n) => ({ tenantId, delayMs: firstRunDelay(c.createdBefore + n, deps.firstRuns) })),
    );
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
    const reason = `this server has no ${account.kind} connector, so it cannot connect the account's customers`;
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
  let createdBefore = progress.createdTenants.length;
  for (let from = progress.done; from < items.length; from += size) {
    deps.signal?.throwIfAborted();
    const chunk = items.slice(from, from + size);
    const created = await importChunk(
      deps,
      { org, progress, account, from, items: chunk, createdBefore },
      known,
      check,
    );
    createdBefore += created.length;
    for (const item of chunk) known.add(item.externalId);
  }
  progress = await store.getImport(org, p.importId);
  await queueFirstRuns(deps.jobs, org, progress.createdTenants, deps.firstRuns);
  return store.finishImport(org, p.importId, null);
}
