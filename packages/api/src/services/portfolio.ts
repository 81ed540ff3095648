import { CATALOG, type FrameworkId } from '@evident/controls';
import { type ControlStatus, type OrganizationId, type TenantId, worstStatus } from '@evident/core';
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
  cells: Array<{ controlId: string; status: ControlStatus; numerator: number; denominator: number }>;
  trend: Array<{ day: string; score: number }>;
  assessedAt: string | null;
}

const score = (passing: number, partial: number, applicable: number) =>
  applicable === 0 ? null : Math.round(((passing + partial / 2) / applicable) * 1000) / 10;

const DAY = 86_400_000;

/** Tenants × controls, worst first (lowest score, then name); tenants never assessed come first, as unknown. */
export async function portfolio(store: Store, org: OrganizationId, filter: PortfolioFilter, now: Date) {
  const controls = CATALOG.filter((c) => !filter.framework || c.mappings.some((m) => m.framework === filter.framework));
  const wanted = new Set(controls.map((c) => c.id));
  const [tenants, cells, trend, connections] = await Promise.all([
    store.listTenants(org),
    store.portfolioCells(org),
    store.portfolioTrend(org, new Date(now.getTime() - 30 * DAY)),
    filter.connectorKind ? store.listConnections(org) : Promise.resolve([]),
  ]);
  const withKind = new Set(connections.filter((c) => c.kind === filter.connectorKind).map((c) => c.tenantId));
  const byTenant = group(
    cells.filter((c) => wanted.has(c.controlId)),
    (c) => c.tenantId,
  );
  const trendBy = group(trend, (p: TrendPoint) => p.tenantId);
  const rows: PortfolioRow[] = [];
  for (const t of tenants) {
    if (filter.connectorKind && !withKind.has(t.id)) continue;
    const own = byTenant.get(t.id) ?? [];
    if (filter.statuses && !own.some((c) => filter.statuses!.includes(c.status))) continue;
    const applicable = own.filter((c) => c.status !== 'not_applicable');
    rows.push({
      tenantId: t.id,
      name: t.name,
      kind: t.kind,
      score: score(count(own, 'pass'), count(own, 'partial'), applicable.length),
      worst: own.length ? worstStatus(own.map((c) => c.status)) : null,
      cells: own.map(({ controlId, status, numerator, denominator }) => ({
        controlId,
        status,
        numerator,
        denominator,
      })),
      trend: (trendBy.get(t.id) ?? []).flatMap((p) => {
        const s = score(p.passing, p.partial, p.applicable);
        return s === null ? [] : [{ day: p.day, score: s }];
      }),
      assessedAt: own.reduce<string | null>((a, c) => (a && a > c.evaluatedAt ? a : c.evaluatedAt), null),
    });
  }
  rows.sort((a, b) => (a.score ?? -1) - (b.score ?? -1) || a.name.localeCompare(b.name));
  return { controls: controls.map((c) => ({ id: c.id, title: c.title })), tenants: rows };
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
