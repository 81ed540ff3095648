import { CONTROL_STATUSES, type ControlResult, type ControlStatus } from '@evident/core';
import { controlInfo, mappingLabel } from './catalog-info.ts';
import type { Assessment, PackInput } from './input.ts';

/** At most this many failing subjects per control in the reports; every one of them is in results.json. */
export const SUBJECTS_SHOWN = 20;

export interface ReportControl {
  id: string;
  title: string;
  status: ControlStatus;
  coverage: string;
  reason: string;
  frameworks: string;
  failing: string[];
  moreFailing: number;
  excepted: number;
}

export interface ReportSummary {
  title: string;
  period: string;
  latest: { runId: string; evaluatedAt: string } | null;
  counts: Record<ControlStatus, number>;
  controls: ReportControl[];
  assessments: { runId: string; startedAt: string; counts: Record<ControlStatus, number> }[];
}

function counts(results: readonly ControlResult[]): Record<ControlStatus, number> {
  const c = Object.fromEntries(CONTROL_STATUSES.map((s) => [s, 0])) as Record<ControlStatus, number>;
  for (const r of results) c[r.status]++;
  return c;
}

/** What both reports say: the latest assessment of the period in full, and the status counts of each one. */
export function summarise(input: PackInput, assessments: readonly Assessment[]): ReportSummary {
  const latest = assessments.at(-1);
  const results = latest?.results ?? [];
  const total = (id: string) => latest?.totals[id] ?? { failing: 0, excepted: 0 };
  return {
    title: `Evidence pack: ${input.tenant.name}`,
    period: input.period.from ? `${input.period.from} to ${input.period.to}` : `as of ${input.period.to}`,
    latest: latest ? { runId: latest.run.id, evaluatedAt: results[0]?.evaluatedAt ?? latest.run.startedAt } : null,
    counts: counts(results),
    controls: results.map((r) => {
      const info = controlInfo(r.controlId);
      return {
        id: r.controlId,
        title: info.title,
        status: r.status,
        coverage: `${r.coverage.numerator}/${r.coverage.denominator}`,
        reason: r.reason,
        frameworks: info.mappings.map(mappingLabel).join(', '),
        failing: r.failing.slice(0, SUBJECTS_SHOWN).map((f) => `${f.name ?? f.subject}: ${f.why}`),
        moreFailing: Math.max(0, total(r.controlId).failing - Math.min(r.failing.length, SUBJECTS_SHOWN)),
        excepted: total(r.controlId).excepted,
      };
    }),
    assessments: assessments.map((a) => ({
      runId: a.run.id,
      startedAt: a.run.startedAt,
      counts: counts(a.results),
    })),
  };
}
