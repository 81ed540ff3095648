import type { Assessment } from '../assess/run.ts';
import { columns, renderResultsTable } from './table.ts';

export function renderAssessmentJson(a: Assessment): string {
  return `${JSON.stringify(a, null, 2)}\n`;
}

function gapLines(a: Assessment): string {
  if (a.gaps.length === 0) return '';
  const rows = a.gaps.map((g) => [g.connection, g.code, g.covers.join(', '), `${g.message} ${g.remedy}`]);
  return `\nWhat could not be collected:\n${columns(['CONNECTION', 'GAP', 'COVERS', 'DETAIL'], rows)}`;
}

export function renderAssessmentTable(a: Assessment): string {
  return `${a.tenant} — evaluated ${a.evaluatedAt}\n\n${renderResultsTable(a.results)}${gapLines(a)}`;
}

function csvCell(value: string | number): string {
  const s = String(value);
  return /[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** One row per control; failing subjects are counted here and listed in full by the JSON output. */
export function renderAssessmentCsv(a: Assessment): string {
  const header = [
    'tenant',
    'evaluated_at',
    'control',
    'status',
    'covered',
    'in_scope',
    'failing',
    'excepted',
    'reason',
  ];
  const rows = a.results.map((r) => [
    a.tenant,
    a.evaluatedAt,
    r.controlId,
    r.status,
    r.coverage.numerator,
    r.coverage.denominator,
    r.failing.length,
    r.excepted.length,
    r.reason,
  ]);
  return `${[header, ...rows].map((row) => row.map(csvCell).join(',')).join('\n')}\n`;
}
