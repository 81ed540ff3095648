import { CATALOG, startEvaluation } from '@evident/controls';
import type { Fact } from '@evident/core';
import { startSimulators } from '@evident/simulators';
import { collect } from './assess.ts';
import { makeRow, median, type Row } from './report.ts';

const NO_FAULTS = { realThrottles: false };

/** Real facts from one simulated tenant of every provider, as JSONL lines. */
export async function factLines(users: number): Promise<string[]> {
  const sims = await startSimulators({
    name: 'bench-evaluator',
    tenants: [
      {
        name: 'evalcorp',
        entra: { tenantId: 'evalcorp', users, guests: Math.round(users / 50) },
        github: { org: 'evalcorp', members: Math.round(users / 10), membersWithout2fa: 3 },
        gcp: { projects: [{ projectId: 'evalcorp-prod' }, { projectId: 'evalcorp-logs' }] },
      },
    ],
    faults: { graph: NO_FAULTS, github: NO_FAULTS, gcp: NO_FAULTS },
  });
  try {
    const lines: string[] = [];
    for (const c of sims.connections('evalcorp'))
      for await (const f of collect(c, sims.allowedEndpoints)) lines.push(JSON.stringify(f));
    return lines;
  } finally {
    await sims.close();
  }
}

/** Repeats `work` until `minMs` has passed; returns items per second. */
function rate(items: number, minMs: number, work: () => void): number {
  work();
  let rounds = 0;
  const started = performance.now();
  do {
    work();
    rounds++;
  } while (performance.now() - started < minMs);
  return (items * rounds * 1000) / (performance.now() - started);
}

/** Evaluation against parsing, `repeats` times in turn so both meet the same load; medians of each. */
export function evaluatorRow(lines: readonly string[], minMs: number, repeats: number): Row {
  const facts = lines.map((l) => JSON.parse(l) as Fact);
  const now = new Date();
  let sink = 0;
  const parseRates: number[] = [];
  const evalRates: number[] = [];
  for (let i = 0; i < repeats; i++) {
    parseRates.push(
      rate(lines.length, minMs, () => {
        for (const l of lines) sink += (JSON.parse(l) as { type: string }).type.length;
      }),
    );
    evalRates.push(
      rate(facts.length, minMs, () => {
        const evaluation = startEvaluation({ now });
        for (const f of facts) evaluation.add(f);
        sink += evaluation.finish().length;
      }),
    );
  }
  return makeRow({
    benchmark: 'evaluator',
    case: `${facts.length} facts × ${CATALOG.length} controls`,
    samples: evalRates,
    unit: 'facts/s',
    bound: median(parseRates).value,
    boundLabel: 'JSON.parse of the same JSONL',
    target: { op: '>=', value: 0.5 },
    note: sink > 0 ? '' : 'no work done',
  });
}
