import { type ConnectorContext, createContext, egressPolicy, type Progress } from '@evident/connector-kit';
import { type Fact, type GapFact, gapCovers, type LogSourceFact, type SettingFact } from '@evident/core';
import type { GcpSimulator } from '@evident/simulators/gcp';
import { expect } from 'vitest';
import type { Tuning } from './calls.ts';
import type { GcpLoggingConfig, GcpLoggingSecret } from './config.ts';
import { createGcpLoggingConnector } from './connector.ts';

/** Deadlines and backoff short enough for tests; every retry path still runs. */
export const FAST: Partial<Tuning> = {
  timeoutMs: 2_000,
  sdkRetryBudgetMs: 4_000,
  attempts: 6,
  baseDelayMs: 5,
  maxDelayMs: 40,
};

export type Ctx = ConnectorContext<GcpLoggingConfig, GcpLoggingSecret>;

/** The collection's clock, and the moment the simulated worlds are generated at (their audit entries count back). */
export const NOW = new Date('2026-11-28T12:00:00Z');
export const AT_NOW = { worldNow: NOW };

export function contextFor(
  sim: GcpSimulator,
  resources: string[],
  init: Partial<Ctx> = {},
): Ctx & { updates: Progress[] } {
  const updates: Progress[] = [];
  const address = `127.0.0.1:${sim.port}`;
  const ctx = createContext<GcpLoggingConfig, GcpLoggingSecret>({
    connection: 'gcp-test',
    config: { resources, endpoints: { logging: address, resourceManager: address, insecure: true } },
    secret: { serviceAccountKey: { ...sim.serviceAccountKey } },
    egress: egressPolicy(address),
    now: () => NOW,
    progress: (p) => updates.push(p),
    ...init,
  });
  return Object.assign(ctx, { updates });
}

export interface Run {
  facts: (LogSourceFact | SettingFact)[];
  gaps: GapFact[];
  /** The last progress report. */
  progress: Progress | undefined;
}

export async function collect(
  sim: GcpSimulator,
  resources: string[],
  tuning: Partial<Tuning> = FAST,
  init: Partial<Ctx> = {},
) {
  const ctx = contextFor(sim, resources, init);
  const out: Fact[] = [];
  for await (const fact of createGcpLoggingConnector(tuning).collect(ctx)) out.push(fact);
  const gaps = out.filter((f): f is GapFact => f.type === 'gap');
  return {
    facts: out.filter((f): f is LogSourceFact | SettingFact => f.type === 'logSource' || f.type === 'setting'),
    gaps,
    progress: ctx.updates.at(-1),
  } satisfies Run;
}

export const factKey = (f: LogSourceFact | SettingFact) =>
  `${f.type} ${f.scope} ${f.type === 'logSource' ? f.category : f.subject}`;

export function byKey(facts: (LogSourceFact | SettingFact)[]): Map<string, LogSourceFact | SettingFact> {
  return new Map(facts.map((f) => [factKey(f), f]));
}

export function logSourceOf(run: Run, scope: string, category: string): LogSourceFact {
  const found = run.facts.find(
    (f): f is LogSourceFact => f.type === 'logSource' && f.scope === scope && f.category === category,
  );
  if (!found) throw new Error(`no ${category} fact for ${scope}`);
  return found;
}

/**
 * The honesty rule: every fact of the truth is either collected exactly as it is, or a gap covers its evidence; and
 * nothing is collected that the truth does not have.
 */
export function expectHonest(run: Run, truth: Run['facts']): void {
  const got = byKey(run.facts);
  const want = byKey(truth);
  for (const key of got.keys()) expect(want.has(key), `unexpected ${key}`).toBe(true);
  for (const [key, fact] of want) {
    const same = got.get(key);
    if (same && JSON.stringify(same) === JSON.stringify(fact)) continue;
    const need = fact.type === 'logSource' ? `logSource.${fact.category}` : `setting.${fact.subject}`;
    const covered = run.gaps.some((g) => g.covers.some((c) => gapCovers(c, need)));
    expect(covered, `${key} differs from the truth and no gap covers ${need}`).toBe(true);
  }
}
