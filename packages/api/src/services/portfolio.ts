import { CATALOG, type FrameworkId } from '@evident/controls';
import { CONTROL_STATUSES, type ControlStatus, type OrganizationId, type TenantId, worstStatus } from '@evident/core';
import type { PortfolioCell, Store, TrendPoint } from '@evident/db';

export interface PortfolioFilter {
  framework?: FrameworkId;
  statuses?: ControlStatus[];
  connectorKind?: string;
}

export interface PortfolioRow {
  tenantId: TenantId;
  name: string;
  kind: 'customer' | 'internal';
  /** 0–100: passing controls count 1, partial ones ½, over the applicable ones; null before the first assessment. */
  score: number | null;
  worst: ControlStatus | null;
  /**
   * One character per control, aligned with the matrix's `controls`: the index of its verdict in `statusKey`, or `-`
   * where the control has no verdict yet.
   */
  statuses: string;
  /** Coverage of each control, aligned with `controls` (0 of 0 where there is no verdict). */
  numerators: number[];
  denominators: number[];
  /** Aligned with the matrix's `days`: the score of that day's last run, null on a day without one. */
  trend: Array<number | null>;
  assessedAt: string | null;
}

/**
 * The matrix in columns: cells and trend points as arrays aligned with one list of controls and one list of days, so
 * a thousand tenants cost a few thousand primitives to build, check and send rather than tens of thousands of objects;
 * each tenant's verdicts travel as one string of indices into `statusKey`.
 */
export interface Portfolio {
  controls: Array<{ id: string; title: string }>;
  statusKey: ControlStatus[];
  days: string[];
  tenants: PortfolioRow[];
}

const score = (passing: number, partial: number, applicable: number) =>
  applicable === 0 ? null : Math.round(((passing + partial / 2) / applicable) * 1000) / 10;

const DAY = 86_400_000;

const NO_VERDICT = '-';
const STATUS_CODE = Object.fromEntries(CONTROL_STATUSES.map((s, i) => [s, String(i)])) as Record<ControlStatus, string>;

const CACHE_MS = 60_000;
const CACHE_ENTRIES = 256;
const cache = new Map<string, { stamp: string; at: number; value: Portfolio }>();

/**
 * The portfolio, reused for up to a minute while the organization's fingerprint (`portfolioStamp`) is unchanged: a
 * new run, a tenant renamed, added or deleted, or a connection changed makes the next request build it afresh. Keyed
 * by organization, filter and day, so no organization is ever served another's matrix.
 */
export async function portfolio(
  store: Store,
  org: OrganizationId,
  filter: PortfolioFilter,
  now: Date,
): Promise<Portfolio> {
  const key = JSON.stringify([
    org,
    now.toISOString().slice(0, 10),
    filter.framework ?? null,
    filter.statuses ? [...filter.statuses].sort() : null,
    filter.connectorKind ?? null,
  ]);
  const stamp = await store.portfolioStamp(org);
  const hit = cache.get(key);
  if (hit && hit.stamp === stamp && now.getTime() - hit.at < CACHE_MS && now.getTime() >= hit.at) return hit.value;
  const value = await build(store, org, filter, now);
  cache.delete(key);
  cache.set(key, { stamp, at: now.getTime(), value });
  if (cache.size > CACHE_ENTRIES) cache.delete(cache.keys().next().value!);
  return value;
}

/** Tenants × controls, worst first (lowest score, then name); tenants never assessed come first, as unknown. */
async function build(store: Store, org: OrganizationId, filter: PortfolioFilter, now: Date): Promise<Portfolio> {
  const controls = CATALOG.filter((c) => !filter.framework || c.mappings.some((m) => m.framework === filter.framework));
  const column = new Map(controls.map((c, i) => [c.id, i]));
  const since = new Date(now.getTime() - 30 * DAY);
  const days = daysFrom(since, now);
  const dayIndex = new Map(days.map((d, i) => [d, i]));
  const [tenants, cells, trend, connections] = await Promise.all([
    store.listTenants(org),
    store.portfolioCells(org),
    store.portfolioTrend(org, since),
    filter.connectorKind ? store.listConnections(org) : Promise.resolve([]),
  ]);
  const withKind = new Set(connections.filter((c) => c.kind === filter.connectorKind).map((c) => c.tenantId));
  const byTenant = group(
    cells.filter((c) => column.has(c.controlId)),
    (c) => c.tenantId,
  );
  const trendBy = group(trend, (p: TrendPoint) => p.tenantId);
  const rows: PortfolioRow[] = [];
  for (const t of tenants) {
    if (filter.connectorKind && !withKind.has(t.id)) continue;
    const own = byTenant.get(t.id) ?? [];
    if (filter.statuses && !own.some((c) => filter.statuses!.includes(c.status))) continue;
    const applicable = own.filter((c) => c.status !== 'not_applicable');
    const statuses = new Array<string>(controls.length).fill(NO_VERDICT);
    const numerators = new Array<number>(controls.length).fill(0);
    const denominators = new Array<number>(controls.length).fill(0);
    for (const c of own) {
      const i = column.get(c.controlId)!;
      statuses[i] = STATUS_CODE[c.status];
      numerators[i] = c.numerator;
      denominators[i] = c.denominator;
    }
    const points = new Array<number | null>(days.length).fill(null);
    for (const p of trendBy.get(t.id) ?? []) {
      const i = dayIndex.get(p.day);
      if (i !== undefined) points[i] = score(p.passing, p.partial, p.applicable);
    }
    rows.push({
      tenantId: t.id,
      name: t.name,
      kind: t.kind,
      score: score(count(own, 'pass'), count(own, 'partial'), applicable.length),
      worst: own.length ? worstStatus(own.map((c) => c.status)) : null,
      statuses: statuses.join(''),
      numerators,
      denominators,
      trend: points,
      assessedAt: own.reduce<string | null>((a, c) => (a && a > c.evaluatedAt ? a : c.evaluatedAt), null),
    });
  }
  rows.sort((a, b) => (a.score ?? -1) - (b.score ?? -1) || a.name.localeCompare(b.name));
  return {
    controls: controls.map((c) => ({ id: c.id, title: c.title })),
    statusKey: [...CONTROL_STATUSES],
    days,
    tenants: rows,
  };
}

/** Each UTC day from `since`'s to `now`'s, as the `YYYY-MM-DD` the trend query groups by. */
function daysFrom(since: Date, now: Date): string[] {
  const out: string[] = [];
  const last = now.toISOString().slice(0, 10);
  for (let t = Date.parse(since.toISOString().slice(0, 10)); ; t += DAY) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push(day);
    if (day >= last) return out;
  }
}

const count = (cells: PortfolioCell[], status: ControlStatus) => cells.filter((c) => c.status === status).length;

function group<T, K>(items: T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
