import type { ControlResult } from '@evident/core';
import type { CatalogView } from '../catalog-view.ts';

/** Aligned plain-text columns; the last column is left ragged so long reasons do not pad every line. */
export function columns(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: readonly string[]) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return `${all.map(line).join('\n')}\n`;
}

function coverage(r: ControlResult): string {
  const { numerator: n, denominator: d } = r.coverage;
  return d === 0 ? '-' : `${n}/${d}`;
}

export function renderResultsTable(results: readonly ControlResult[]): string {
  return columns(
    ['CONTROL', 'STATUS', 'COVERAGE', 'REASON'],
    results.map((r) => [r.controlId, r.status, coverage(r), r.reason]),
  );
}

export function renderCatalogTable(view: CatalogView): string {
  return columns(
    ['CONTROL', 'TITLE', 'MAPPINGS'],
    view.map(({ control, mappings }) => [
      control.id,
      control.title,
      mappings.map((m) => `${m.framework} ${m.ref}`).join(', '),
    ]),
  );
}
