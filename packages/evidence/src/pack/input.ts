import type { ControlResult, Fact } from '@evident/core';
import type { AssessmentRun, StoredException } from '@evident/db';

/** A run's results with their failing and excepted lists cut short; `totals` says how long each list is. */
export interface Assessment {
  run: AssessmentRun;
  results: ControlResult[];
  totals: Record<string, { failing: number; excepted: number }>;
}

/** How the pack presents the MSP that issues it. */
export interface Brand {
  name: string;
  /** A CSS colour for headings and the status bar, e.g. `#0b5fff`. */
  accent?: string;
}

/** Everything a pack is made from. `facts` is read once, as a stream: it may hold hundreds of thousands. */
export interface PackInput {
  organization: { id: string; name: string };
  tenant: { id: string; name: string };
  brand: Brand;
  period: { from: string | null; to: string };
  generatedAt: string;
  /**
   * Oldest first, each with every control result it holds. Loaded when needed and let go once the files built from
   * them are written: failing-subject lists grow with the tenant.
   */
  assessments: () => Promise<Assessment[]>;
  /** A result's whole failing or excepted list, streamed: it grows with the tenant. */
  subjects: (runId: string, controlId: string, list: 'failing' | 'excepted') => AsyncIterable<unknown>;
  /** Each connection's latest collection: what `facts` streams. */
  collections: { id: string; connectionId: string; finishedAt: string }[];
  facts: () => AsyncIterable<Fact>;
  exceptions: StoredException[];
  auditChain: { head: string | null; events: number; valid: boolean };
}
