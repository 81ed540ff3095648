import {
  type AnyConnector,
  ConnectorError,
  checkEndpoints,
  createContext,
  createLimiter,
  type DiscoveredCustomer,
  NO_OVERRIDES,
} from '@evident/connector-kit';
import { InvalidInputError, type OrganizationId, type ProviderAccountId, type TenantId } from '@evident/core';
import type { ImportItem, StoredProviderAccount } from '@evident/db';
import type { ApiDeps } from '../context.ts';
import { PreconditionError } from '../errors.ts';
import { connectorFor } from './connection-config.ts';

const DISCOVER_TIMEOUT_MS = 60_000;

const issuesOf = (error: { issues: { path: PropertyKey[]; message: string }[] }, prefix: string) =>
  error.issues.map((i) => ({ path: [prefix, ...i.path.map(String)].join('.'), message: i.message }));

/** The connector's provider-account half, or a clear refusal for a connector that has none. */
export function accountSpec(deps: ApiDeps, kind: string) {
  const spec = connectorFor(deps, kind).account;
  if (!spec) throw new InvalidInputError(`${kind} connections cannot be made from a provider account`);
  return spec;
}

/** An account's settings, accepted as connection settings are: its connector's schema, then the egress policy. */
export function validateAccountConfig(deps: ApiDeps, kind: string, config: unknown): Record<string, unknown> {
  const parsed = accountSpec(deps, kind).config.safeParse(config);
  if (!parsed.success)
    throw new InvalidInputError('the account settings are not valid', issuesOf(parsed.error, 'config'));
  const value = parsed.data as Record<string, unknown>;
  checkEndpoints(deps.egress ?? NO_OVERRIDES, value.endpoints);
  return value;
}

export function validateAccountSecret(deps: ApiDeps, kind: string, secret: unknown): unknown {
  const parsed = accountSpec(deps, kind).secret.safeParse(secret);
  if (!parsed.success)
    throw new InvalidInputError('the account credentials are not valid', issuesOf(parsed.error, 'secret'));
  return parsed.data;
}

/** Runs the connector's `discover` with the stored account, under the deployment's egress policy and a limiter. */
export async function discoverCustomers(
  deps: ApiDeps,
  org: OrganizationId,
  accountId: ProviderAccountId,
): Promise<{ account: StoredProviderAccount; customers: DiscoveredCustomer[] }> {
  const account = await deps.store.getProviderAccount(org, accountId);
  const connector: AnyConnector = connectorFor(deps, account.kind);
  const config = validateAccountConfig(deps, account.kind, account.config);
  const secret = validateAccountSecret(deps, account.kind, await deps.store.readProviderAccountSecret(org, accountId));
  const customers = await accountSpec(deps, account.kind)
    .discover(
      createContext({
        connection: account.name,
        config,
        secret,
        signal: AbortSignal.timeout(DISCOVER_TIMEOUT_MS),
        limiter: createLimiter(connector.limits),
        egress: deps.egress ?? NO_OVERRIDES,
      }),
    )
    .catch((error: unknown) => {
      // The provider's refusal (a wrong secret, a missing permission) is the caller's to read and fix.
      if (error instanceof ConnectorError) throw new PreconditionError(error.message);
      throw error;
    });
  return { account, customers };
}

export type MatchedBy = 'external_id' | 'domain' | 'name';

export interface CustomerMatch {
  /** Already connected through this account. */
  imported: boolean;
  match: { tenantId: TenantId; tenantName: string; by: MatchedBy } | null;
}

const normalName = (s: string) =>
  s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, ' ')
    .replace(/\b(inc|ltd|llc|gmbh|limited|corp|corporation|co|plc|ag|sa|bv)\b/g, '')
    .trim()
    .replace(/\s+/g, ' ');

const strings = (config: Record<string, unknown>) =>
  Object.values(config).flatMap((v) => (typeof v === 'string' ? [v.toLowerCase()] : []));

/** Every settings key the customer's connection sets equals the existing connection's: it reaches the same one. */
const sameTarget = (overlay: Record<string, unknown>, config: Record<string, unknown>) => {
  const keys = Object.keys(overlay);
  return keys.length > 0 && keys.every((k) => JSON.stringify(overlay[k]) === JSON.stringify(config[k]));
};

/**
 * Matches each discovered customer to a tenant: one already connected to it (through this account, or a connection
 * of the same kind pointed at the same target), else one whose connections or name carry one of its domains, else
 * one with the same name.
 */
export async function matchCustomers(
  deps: ApiDeps,
  org: OrganizationId,
  account: StoredProviderAccount,
  customers: readonly DiscoveredCustomer[],
): Promise<CustomerMatch[]> {
  const [tenants, connections, links] = await Promise.all([
    deps.store.listTenants(org),
    deps.store.listConnections(org),
    deps.store.accountLinks(org, { providerAccountId: account.id }),
  ]);
  const tenantById = new Map(tenants.map((t) => [t.id, t]));
  const live = connections.filter((c) => c.status !== 'disabled' && tenantById.has(c.tenantId));
  const linked = new Map(links.flatMap((l) => (l.externalId && l.status !== 'disabled' ? [[l.externalId, l]] : [])));
  const result = (tenantId: TenantId, by: MatchedBy, imported = false): CustomerMatch => ({
    imported,
    match: { tenantId, tenantName: tenantById.get(tenantId)?.name ?? '', by },
  });
  return customers.map((c) => {
    const link = linked.get(c.externalId);
    if (link && tenantById.has(link.tenantId)) return result(link.tenantId, 'external_id', true);
    const same = live.find((x) => x.kind === account.kind && sameTarget(c.connection.config, x.config));
    if (same) return result(same.tenantId, 'external_id');
    const domains = new Set(c.domains.map((d) => d.toLowerCase()));
    const byDomain =
      live.find((x) => strings(x.config).some((s) => domains.has(s)))?.tenantId ??
      tenants.find((t) => domains.has(t.name.toLowerCase()))?.id;
    if (byDomain) return result(byDomain, 'domain');
    const name = normalName(c.name);
    const byName = name ? tenants.find((t) => normalName(t.name) === name) : undefined;
    return byName ? result(byName.id, 'name') : { imported: false, match: null };
  });
}

/**
 * The import's items from a fresh discovery (the browser names customers, never their settings): each selected
 * customer must be one the account reaches now; a chosen tenant must be one of the organization's.
 */
export async function importItems(
  deps: ApiDeps,
  org: OrganizationId,
  accountId: ProviderAccountId,
  selection: readonly { externalId: string; tenantId?: TenantId | undefined }[],
): Promise<ImportItem[]> {
  const { customers } = await discoverCustomers(deps, org, accountId);
  const byId = new Map(customers.map((c) => [c.externalId, c]));
  const tenants = new Set((await deps.store.listTenants(org)).map((t) => t.id));
  const issues = selection.flatMap((s, i) => [
    ...(byId.has(s.externalId)
      ? []
      : [{ path: `selection.${i}.externalId`, message: `the account does not reach ${s.externalId}` }]),
    ...(s.tenantId && !tenants.has(s.tenantId)
      ? [{ path: `selection.${i}.tenantId`, message: `there is no tenant ${s.tenantId}` }]
      : []),
  ]);
  if (issues.length > 0) throw new InvalidInputError('the selection is not valid', issues);
  return selection.map((s) => {
    const c = byId.get(s.externalId)!;
    return {
      externalId: c.externalId,
      name: c.name.trim().slice(0, 200) || c.externalId.slice(0, 200),
      config: c.connection.config as ImportItem['config'],
      ...(c.connection.secret ? { secret: c.connection.secret as NonNullable<ImportItem['secret']> } : {}),
      ...(s.tenantId ? { tenantId: s.tenantId } : {}),
    };
  });
}
