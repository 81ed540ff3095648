import type { ControlStatus } from '@evident/core';
import { columns } from '../render/table.ts';

const SHORT: Record<ControlStatus, string> = {
  pass: 'pass',
  partial: 'part',
  fail: 'FAIL',
  not_applicable: 'n/a',
  unknown: '?',
};

export interface PortfolioRow {
  tenant: string;
  results: { controlId: string; status: ControlStatus }[];
}

/** MFA before LOG, then by number: the order the catalog reads in. */
function byCatalogOrder(a: string, b: string): number {
  const [fa = '', na = ''] = a.split('-');
  const [fb = '', nb = ''] = b.split('-');
  return fb.localeCompare(fa) || Number(na) - Number(nb);
}

/** Every tenant × control with its status: the MSP's portfolio at a glance. */
export function renderPortfolio(rows: readonly PortfolioRow[]): string {
  const controls = [...new Set(rows.flatMap((r) => r.results.map((x) => x.controlId)))].sort(byCatalogOrder);
  const body = rows.map((r) => {
    const byId = new Map(r.results.map((x) => [x.controlId, x.status]));
    return [r.tenant, ...controls.map((c) => (byId.has(c) ? SHORT[byId.get(c)!] : '-')), ''];
  });
  const legend =
    'pass = met, part = partly met, FAIL = not met, ? = unknown (no evidence; see the reasons), n/a = nothing in scope';
  return `${columns(['TENANT', ...controls, ''], body)}\n${legend}\n`;
}
