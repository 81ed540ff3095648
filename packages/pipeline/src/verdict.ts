import type { Fact, GapCode, GapFact } from '@evident/core';

/** What to do with a collection once the connector has finished. */
export type Verdict =
  | { kind: 'keep' }
  /** Only throttling went wrong: collect again later rather than store a thin collection. */
  | { kind: 'defer' }
  /** Nothing usable: store only its gaps, as a failed collection, so the last good one keeps serving. */
  | { kind: 'discard'; reason: string; authFailed: boolean; gaps: GapFact[] };

export interface VerdictRules {
  /** Deferrals this collection has had already; at the bound a throttled collection is kept as it is. */
  deferrals: number;
  maxDeferrals: number;
}

function summary(gaps: GapFact[]): string {
  const codes = [...new Set(gaps.map((g) => g.code))].sort();
  const first = gaps.find((g) => g.code === 'auth_failed') ?? gaps[0];
  return `${gaps.length} section(s) failed (${codes.join(', ')})${first ? `: ${first.message}` : ''}`;
}

/** Failures that say nothing about the tenant, only about this attempt to read it. */
const TRANSIENT = new Set<GapCode>(['auth_failed', 'provider_error', 'throttled']);

/** A gap that means the connection could not be read (credentials refused, provider failing), not the tenant's state. */
export const isCollectionFailure = (gap: GapFact): boolean => TRANSIENT.has(gap.code);

/**
 * Watches a connector's stream on its way to the store and judges it at the end. A transient failure anywhere makes
 * the collection not worth keeping: the last good one stays in use and this one's gaps say why its controls are
 * unknown. Permanent gaps (a missing permission or licence) are the tenant's real state and are kept.
 */
export function watchFacts(source: AsyncIterable<Fact>, rules: VerdictRules) {
  let facts = 0;
  const gaps: GapFact[] = [];
  let verdict: Verdict | undefined;

  function judge(): Verdict {
    const authFailed = gaps.some((g) => g.code === 'auth_failed');
    const transient = gaps.filter((g) => TRANSIENT.has(g.code));
    if (!authFailed && transient.length > 0 && transient.every((g) => g.code === 'throttled')) {
      if (rules.deferrals < rules.maxDeferrals) return { kind: 'defer' };
    }
    if (transient.length > 0 || (facts === 0 && gaps.length > 0)) {
      return { kind: 'discard', reason: summary(gaps), authFailed, gaps };
    }
    return { kind: 'keep' };
  }

  async function* stream(): AsyncGenerator<Fact> {
    for await (const fact of source) {
      if (fact.type === 'gap') gaps.push(fact);
      else facts++;
      yield fact;
    }
    verdict = judge();
    // Throwing here rolls back the transaction the facts were streamed into.
    if (verdict.kind !== 'keep') throw new DiscardedCollection(verdict);
  }

  return {
    facts: stream(),
    /** Set once the source has been read to its end. */
    verdict: () => verdict,
  };
}

export class DiscardedCollection extends Error {
  constructor(readonly verdict: Verdict) {
    super(`collection not kept: ${verdict.kind}`);
    this.name = 'DiscardedCollection';
  }
}
