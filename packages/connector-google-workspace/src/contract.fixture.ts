import { type ConnectorContext, createContext, egressPolicy, type Progress } from '@evident/connector-kit';
import type { Fact, GapFact, IdentityFact, LogSourceFact } from '@evident/core';
import {
  startWorkspaceSimulator,
  type WorkspacePreset,
  type WorkspaceSimulator,
  workspacePreset,
} from '@evident/simulators/workspace';
import type { GoogleWorkspaceConfig, GoogleWorkspaceSecret } from './config.ts';
import { createGoogleWorkspaceConnector } from './connector.ts';
import type { Tuning } from './read.ts';

export const FAST: Partial<Tuning> = { attempts: 4, baseDelayMs: 5, maxDelayMs: 20 };
export const NOW = new Date('2026-11-28T12:00:00Z');
export type Ctx = ConnectorContext<GoogleWorkspaceConfig, GoogleWorkspaceSecret>;

export function startPreset(preset: WorkspacePreset, quota?: { requests: number; windowMs: number }) {
  return startWorkspaceSimulator(workspacePreset(preset, NOW), quota ? { quota } : {});
}

export function contextFor(
  sim: WorkspaceSimulator,
  config: Partial<GoogleWorkspaceConfig> = {},
  init: Partial<Ctx> = {},
): Ctx & { updates: Progress[] } {
  const updates: Progress[] = [];
  const ctx = createContext<GoogleWorkspaceConfig, GoogleWorkspaceSecret>({
    connection: 'workspace-test',
    config: {
      adminEmail: sim.world.reader,
      customerId: 'my_customer',
      breakGlass: [],
      endpoints: { api: sim.tokenOrigin, token: sim.tokenOrigin },
      ...config,
    },
    secret: { serviceAccountKey: { ...sim.serviceAccountKey } },
    egress: egressPolicy(new URL(sim.url).host),
    now: () => NOW,
    progress: (p) => updates.push(p),
    ...init,
  });
  return Object.assign(ctx, { updates });
}

export interface Run {
  identities: IdentityFact[];
  logs: LogSourceFact[];
  gaps: GapFact[];
  all: Fact[];
  progress: Progress | undefined;
}

export async function collect(
  sim: WorkspaceSimulator,
  config: Partial<GoogleWorkspaceConfig> = {},
  tuning: Partial<Tuning> = FAST,
): Promise<Run> {
  const ctx = contextFor(sim, config);
  const all: Fact[] = [];
  for await (const fact of createGoogleWorkspaceConnector(tuning).collect(ctx)) all.push(fact);
  return {
    identities: all.filter((f): f is IdentityFact => f.type === 'identity'),
    logs: all.filter((f): f is LogSourceFact => f.type === 'logSource'),
    gaps: all.filter((f): f is GapFact => f.type === 'gap'),
    all,
    progress: ctx.updates.at(-1),
  };
}

export function identity(run: Run, email: string): IdentityFact {
  const found = run.identities.find((f) => f.name === email);
  if (!found) throw new Error(`no identity ${email}`);
  return found;
}
