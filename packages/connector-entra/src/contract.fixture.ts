import { type ConnectorContext, createContext, egressPolicy, type Progress } from '@evident/connector-kit';
import {
  type AuthPolicyFact,
  type Fact,
  fact,
  type GapFact,
  type IdentityFact,
  type LogSourceFact,
  type SettingFact,
} from '@evident/core';
import { type PresetName, preset, type Scenario, type Simulators, startSimulators } from '@evident/simulators';
import { type EntraDirectory, entraDirectory, type GraphSimulator } from '@evident/simulators/graph';
import { type EntraConfig, type EntraSecret, entraConfig, entraSecret } from './config.ts';
import { createEntraConnector } from './connector.ts';
import type { EntraTuning } from './tuning.ts';

/** The moment every simulated world is generated at, so its logs and the facts' stamps are the same on every run. */
export const NOW = '2026-11-28T12:00:00.000Z';

/** Deadlines and backoff short enough for tests; every retry path still runs. */
export const FAST: Partial<EntraTuning> = { timeoutMs: 2_000, attempts: 6, baseDelayMs: 5, maxDelayMs: 50 };

export type Ctx = ConnectorContext<EntraConfig, EntraSecret>;

export interface World {
  sims: Simulators;
  graph: GraphSimulator;
  /** The scenario's name for the tenant: the key of the fault plan and the accounting. */
  tenant: string;
  dir: EntraDirectory;
  config: EntraConfig;
  /** The simulator hands out the collector app's client secret. */
  secret: Extract<EntraSecret, { clientSecret: string }>;
  close(): Promise<void>;
}

function clientSecretOf(secret: EntraSecret): Extract<EntraSecret, { clientSecret: string }> {
  if (secret.credential === 'certificate') throw new Error('the simulator hands out client secrets');
  return secret;
}

export function scenarioOf(name: PresetName): Scenario {
  return preset(name, { now: NOW });
}

/** The simulators for a scenario's first Entra tenant, the connection they hand out, and the tenant's ground truth. */
export async function startWorld(sc: Scenario, throttleScale = 0.01): Promise<World> {
  const sims = await startSimulators(sc, { throttleScale });
  const t = sc.tenants.find((x) => x.entra !== undefined)!;
  const conn = sims.connections(t.name).find((c) => c.kind === 'entra')!;
  return {
    sims,
    graph: sims.graph!,
    tenant: t.name,
    dir: entraDirectory(t.entra!, sc.seed, new Date(sc.now ?? NOW)),
    config: entraConfig.parse(conn.config),
    secret: clientSecretOf(entraSecret.parse(conn.secret)),
    close: () => sims.close(),
  };
}

export interface Run {
  identities: IdentityFact[];
  policies: AuthPolicyFact[];
  settings: SettingFact[];
  logs: LogSourceFact[];
  gaps: GapFact[];
  /** Everything but the gaps, in the order it came. */
  facts: Exclude<Fact, GapFact>[];
  /** The last progress report. */
  progress: Progress | undefined;
}

export interface CollectOptions {
  tuning?: Partial<EntraTuning>;
  config?: Partial<EntraConfig>;
  /** Called as each section starts, before its first request. */
  onPhase?: (phase: string) => void;
  init?: Partial<Ctx>;
}

export function contextFor(w: World, options: CollectOptions = {}): Ctx & { updates: Progress[] } {
  const updates: Progress[] = [];
  let phase = '';
  const ctx = createContext<EntraConfig, EntraSecret>({
    connection: `${w.tenant}-entra`,
    config: { ...w.config, ...options.config },
    secret: w.secret,
    egress: egressPolicy(new URL(w.config.endpoints.graph).host),
    now: () => new Date(NOW),
    progress: (p) => {
      updates.push(p);
      if (p.phase !== phase) options.onPhase?.(p.phase);
      phase = p.phase;
    },
    ...options.init,
  });
  return Object.assign(ctx, { updates });
}

/** Runs a collection to its end; every fact must satisfy the core schema. */
export async function collect(w: World, options: CollectOptions = {}): Promise<Run> {
  const ctx = contextFor(w, options);
  const all: Fact[] = [];
  for await (const f of createEntraConnector({ ...FAST, ...options.tuning }).collect(ctx)) all.push(fact.parse(f));
  const of = <T extends Fact['type']>(type: T) => all.filter((f): f is Extract<Fact, { type: T }> => f.type === type);
  return {
    identities: of('identity'),
    policies: of('authPolicy'),
    settings: of('setting'),
    logs: of('logSource'),
    gaps: of('gap'),
    facts: all.filter((f): f is Exclude<Fact, GapFact> => f.type !== 'gap'),
    progress: ctx.updates.at(-1),
  };
}

/** The facts of a run keyed by what they are about, for comparing runs. */
export function byKey(run: Run): Map<string, Exclude<Fact, GapFact>> {
  return new Map(run.facts.map((f) => [`${f.type} ${f.subject}`, f]));
}

/** Requests the simulator saw from this tenant at one endpoint (its path template), refused ones included. */
export function requests(w: World, endpoint: string): number {
  return w.sims.accounting.total({ tenant: w.tenant, endpoint });
}

/** Authenticated Graph and Resource Manager requests of this tenant since the simulator started. */
export function calls(w: World): number {
  return w.graph.faults.requestCount(w.tenant);
}
