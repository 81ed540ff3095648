import { z } from 'zod';

export const target = z.object({ op: z.enum(['<=', '<', '>=']), value: z.number() });

export const row = z.object({
  benchmark: z.string().min(1),
  case: z.string().min(1),
  /** The median of `samples`. */
  measured: z.number().finite(),
  /** Every run's figure, and the largest deviation from the median in % of it. */
  samples: z.array(z.number().finite()).min(1),
  spreadPct: z.number().nonnegative(),
  unit: z.string().min(1),
  bound: z.number().finite().positive(),
  /** What the bound is, in words. */
  boundLabel: z.string().min(1),
  ratio: z.number().finite(),
  target: target.nullable(),
  met: z.boolean().nullable(),
  note: z.string().default(''),
});
export type Row = z.infer<typeof row>;

export const report = z.object({
  mode: z.enum(['smoke', 'quick', 'full']),
  startedAt: z.iso.datetime(),
  durationMs: z.number().nonnegative(),
  machine: z.object({ cpus: z.number().int(), node: z.string(), platform: z.string() }),
  settings: z.record(z.string(), z.unknown()),
  rows: z.array(row).min(1),
  details: z.record(z.string(), z.unknown()),
});
export type Report = z.infer<typeof report>;

/** Median of the samples, and how far the others lie from it (largest deviation, in % of the median). */
export function median(samples: readonly number[]): { value: number; spreadPct: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const value = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const spreadPct = value === 0 ? 0 : (Math.max(...sorted.map((x) => Math.abs(x - value))) / value) * 100;
  return { value, spreadPct };
}

type RowInput = Omit<Row, 'ratio' | 'met' | 'note' | 'measured' | 'spreadPct'> & { note?: string };

/** A row from its runs' figures: the median is what is measured, the spread says how far to trust it. */
export function makeRow(r: RowInput): Row {
  const { value: measured, spreadPct } = median(r.samples);
  const ratio = measured / r.bound;
  const t = r.target;
  const met = t === null ? null : t.op === '<=' ? ratio <= t.value : t.op === '<' ? ratio < t.value : ratio >= t.value;
  return row.parse({ ...r, measured, spreadPct, ratio, met, note: r.note ?? '' });
}

const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2));

const spread = (r: Row) => (r.samples.length > 1 ? ` ±${r.spreadPct.toFixed(1)} % (n ${r.samples.length})` : '');

/** The rows as a markdown table: measured, bound, ratio and whether the target holds. */
export function markdown(rows: readonly Row[]): string {
  const lines = [
    '| benchmark | case | measured | bound | ratio | target | met |',
    '| --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const t = r.target ? `${r.target.op} ${r.target.value}` : '—';
    const met = r.met === null ? '—' : r.met ? 'yes' : '**no**';
    lines.push(
      `| ${r.benchmark} | ${r.case} | ${fmt(r.measured)} ${r.unit}${spread(r)} | ${fmt(r.bound)} ${r.unit} (${r.boundLabel}) | ${r.ratio.toFixed(2)} | ${t} | ${met} |`,
    );
  }
  return lines.join('\n');
}

/**
 * The two memory rows of a size benchmark: peak RSS at the big size against the 300 MB budget, and against the RSS at
 * the small size (flat within 1.3×). `what` names the process (`the collecting process`), `label` a size.
 */
export function rssRows(
  benchmark: string,
  what: string,
  label: (n: number) => string,
  big: { size: number; rssMb: number[] },
  small: { size: number; rssMb: number[] },
): Row[] {
  return [
    makeRow({
      benchmark,
      case: `peak RSS of ${what}, ${label(big.size)}, Node defaults`,
      samples: big.rssMb,
      unit: 'MB',
      bound: 300,
      boundLabel: 'budget',
      target: { op: '<', value: 1 },
    }),
    makeRow({
      benchmark,
      case: `peak RSS ${label(big.size)} vs ${label(small.size)}, Node defaults`,
      samples: big.rssMb,
      unit: 'MB',
      bound: median(small.rssMb).value,
      boundLabel: `RSS at ${label(small.size)}`,
      target: { op: '<=', value: 1.3 },
    }),
  ];
}
