import type { EvidenceRef, Fact, GapFact } from '@evident/core';
import type { ConnectionReducer } from './control.ts';

/** Earlier timestamp first; equal instants written differently still order the same way every time. */
export function compareTimes(a: string, b: string): number {
  if (a === b) return 0;
  return Date.parse(a) - Date.parse(b) || (a < b ? -1 : 1);
}

function gapOrder(a: GapFact, b: GapFact): number {
  return (
    a.code.localeCompare(b.code) ||
    a.message.localeCompare(b.message) ||
    a.remedy.localeCompare(b.remedy) ||
    a.source.localeCompare(b.source) ||
    compareTimes(a.observedAt, b.observedAt)
  );
}

/**
 * What one control has seen of one connection: its reducer, the gaps that cover the control's needs, and evidence
 * counts per source. Memory is bounded by the number of distinct sources and gaps, never by the facts.
 */
export class ConnectionRun {
  private readonly gapsByKey = new Map<string, GapFact>();
  private readonly sources = new Map<string, { facts: number; newest: string }>();
  oldest: string | null = null;
  used = 0;

  constructor(
    readonly connection: string,
    readonly reducer: ConnectionReducer,
  ) {}

  use(f: Fact): void {
    this.used++;
    const at = f.observedAt;
    const seen = this.sources.get(f.source);
    if (!seen) this.sources.set(f.source, { facts: 1, newest: at });
    else {
      seen.facts++;
      // Facts of one page share their timestamp string: the common case skips parsing dates.
      if (at !== seen.newest && compareTimes(at, seen.newest) > 0) seen.newest = at;
    }
    if (this.oldest === null || (at !== this.oldest && compareTimes(at, this.oldest) < 0)) this.oldest = at;
  }

  gap(f: GapFact): void {
    const key = `${f.code}\u0000${f.message}\u0000${f.remedy}`;
    const kept = this.gapsByKey.get(key);
    if (!kept || gapOrder(f, kept) < 0) this.gapsByKey.set(key, f);
    this.use(f);
  }

  gaps(): GapFact[] {
    return [...this.gapsByKey.values()].sort(gapOrder);
  }

  evidence(): EvidenceRef[] {
    return [...this.sources.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([source, { facts, newest }]) => ({ connection: this.connection, source, observedAt: newest, facts }));
  }
}
