import { createContext, egressPolicy, type Progress } from '@evident/connector-kit';
import { type Fact, fact as factSchema, type GapFact, type IdentityFact, type LogSourceFact } from '@evident/core';
import { type FaultSpec, type GithubWorld, type Scenario, type ScenarioInput, scenario } from '@evident/simulators';
import {
  type GithubSimulator,
  type GithubSimulatorOptions,
  githubAuditLog,
  githubConnectionSecret,
  githubOrg,
  startGithubSimulator,
  toArray,
} from '@evident/simulators/github';
import { expect } from 'vitest';
import { type GithubConfig, type GithubSecret, githubConfig, githubSecret } from '../config.ts';
import { createGithubConnector, type GithubConnectorOptions } from '../connector.ts';

export const NOW = new Date('2026-11-01T12:00:00Z');

/** Waits GitHub asks for in seconds last as many milliseconds here, so throttled runs stay fast. */
export const FAST: GithubConnectorOptions = {
  retryAfterBaseValue: 1,
  maxWaitMs: 1_000,
  retries: 6,
  throttleRetries: 6,
};

export interface Run {
  facts: Fact[];
  progress: Progress[];
  identities: IdentityFact[];
  gaps: GapFact[];
  logs: LogSourceFact[];
  setting: Fact | undefined;
}

function githubWorldOf(sc: Scenario): GithubWorld {
  const world = sc.tenants[0]?.github;
  if (!world) throw new Error(`scenario ${sc.name} has no GitHub org`);
  return world;
}

/** A started simulator for one scenario, and a connector context pointing at it. */
export async function simulate(
  input: Scenario | ScenarioInput,
  opts: { faults?: Partial<FaultSpec>; sim?: GithubSimulatorOptions; onProgress?: (p: Progress) => void } = {},
) {
  const sc = scenario.parse({ now: NOW.toISOString(), ...input });
  const world = githubWorldOf(sc);
  const sim: GithubSimulator = await startGithubSimulator(sc, opts.sim);
  if (opts.faults) sim.faults.set(sc.tenants[0]!.name, opts.faults);
  /** A context for the connection the scenario describes; `token` replaces its secret (a string: a classic token). */
  const context = (config: Partial<GithubConfig> = {}, token?: string | GithubSecret) => {
    const progress: Progress[] = [];
    const ctx = createContext({
      connection: `conn-${world.org}`,
      config: githubConfig.parse({ org: world.connectionOrg ?? world.org, endpoints: { api: sim.url }, ...config }),
      secret: githubSecret.parse(typeof token === 'string' ? { token } : (token ?? githubConnectionSecret(world, sim))),
      egress: egressPolicy(new URL(sim.url).host),
      progress: (p: Progress) => {
        progress.push(p);
        opts.onProgress?.(p);
      },
      now: () => NOW,
    });
    return { ctx, progress };
  };
  return { sc, world, sim, tenant: sc.tenants[0]!.name, context };
}

export type Simulation = Awaited<ReturnType<typeof simulate>>;

/** Collects everything, checking each fact against the core schema on the way. */
export async function collectAll(
  s: Simulation,
  config: Partial<GithubConfig> = {},
  options: GithubConnectorOptions = FAST,
  token?: string | GithubSecret,
): Promise<Run> {
  const { ctx, progress } = s.context(config, token);
  const facts: Fact[] = [];
  for await (const f of createGithubConnector(options).collect(ctx)) {
    expect(factSchema.safeParse(f).error).toBeUndefined();
    facts.push(f);
  }
  return {
    facts,
    progress,
    identities: facts.filter((f): f is IdentityFact => f.type === 'identity'),
    gaps: facts.filter((f): f is GapFact => f.type === 'gap'),
    logs: facts.filter((f): f is LogSourceFact => f.type === 'logSource'),
    setting: facts.find((f) => f.type === 'setting'),
  };
}

/** What the simulator's world holds, to compare the facts with. */
export function groundTruth(s: Simulation) {
  const org = githubOrg(s.world, s.sc.seed);
  const audit = githubAuditLog(org, s.sc.seed, Date.parse(s.sc.now ?? NOW.toISOString()));
  const newest = (git: boolean) => {
    for (let i = 0; i < audit.total; i++) if (audit.isGit(i) === git) return new Date(audit.event(i)['@timestamp']);
    return null;
  };
  return {
    members: toArray(org.members),
    collaborators: toArray(org.collaborators),
    lastWebEvent: newest(false)?.toISOString() ?? null,
    lastGitEvent: newest(true)?.toISOString() ?? null,
  };
}

/** The gaps of a run, as `code covers…` lines, for exact comparisons. */
export const gapLines = (run: Run) => run.gaps.map((g) => `${g.code} ${g.covers.join(',')}`);
