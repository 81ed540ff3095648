import { setMaxListeners } from 'node:events';
import { createServer } from 'node:http';
import { Accounting } from '../accounting.ts';
import { FaultPlan } from '../faults.ts';
import { type GithubWorld, type Scenario, type ScenarioInput, scenario as scenarioSchema } from '../scenario/schema.ts';
import { createGithubApp, InstallationTokens, installationId } from './app.ts';
import { githubHandler } from './handle.ts';
import { appInstallations } from './installations.ts';
import {
  type GithubRateLimitOptions,
  githubRateLimitOptions,
  PrimaryRateLimit,
  SecondaryRateLimit,
} from './rate-limits.ts';
import { GithubTenants } from './tenants.ts';
import { GithubTrail } from './trail.ts';
import { githubToken } from './world.ts';

export interface GithubSimulatorOptions {
  /** Loopback only; 127.0.0.1 unless told otherwise. */
  host?: string;
  port?: number;
  accounting?: Accounting;
  /** Clock in epoch milliseconds for rate-limit windows (tests move it to skip a window). */
  now?: () => number;
  /** Primary budget per token and the secondary limits; GitHub's documented values by default. */
  rateLimits?: GithubRateLimitOptions;
}

export interface GithubSimulator {
  /** Base URL for Octokit's `baseUrl`, e.g. `http://127.0.0.1:41234`. */
  url: string;
  faults: FaultPlan;
  accounting: Accounting;
  /** The GitHub App installed on the scenario's orgs (unless `appInstallation: 'none'`): its id, key, installations. */
  app: { id: number; privateKey: string; installationId(org: string): number; tokensIssued(): number };
  /** The test API that changes an org and writes the audit-log event GitHub would, after its delay. */
  trail: GithubTrail;
  close(): Promise<void>;
}

/** The secret a connection to `world`'s org uses: the App's installation credentials, or a classic token. */
export function githubConnectionSecret(world: GithubWorld, sim: Pick<GithubSimulator, 'app'>): Record<string, unknown> {
  if (world.credential === 'classic') return { token: githubToken(world) };
  const { id, privateKey, installationId } = sim.app;
  return { kind: 'app', appId: id, privateKey, installationId: installationId(world.org) };
}

/** Serves a scenario's GitHub orgs over plain HTTP the way api.github.com answers Octokit. */
export async function startGithubSimulator(
  input: Scenario | ScenarioInput,
  opts: GithubSimulatorOptions = {},
): Promise<GithubSimulator> {
  const sc = scenarioSchema.parse(input);
  const clock = opts.now ?? Date.now;
  const faults = new FaultPlan('github', sc.seed, sc.faults.github);
  for (const t of sc.tenants) if (t.faults.github) faults.set(t.name, t.faults.github);
  const limits = githubRateLimitOptions.parse(opts.rateLimits ?? {});
  const closing = new AbortController();
  // Every delayed answer listens for close: one per request in flight, from every tenant at once.
  setMaxListeners(0, closing.signal);
  const accounting = opts.accounting ?? new Accounting();
  let api = '';
  const app = createGithubApp(sc.seed);
  const installations = new InstallationTokens();
  const tenants = new GithubTenants(sc, sc.now ? Date.parse(sc.now) : clock(), installations);
  const trail = new GithubTrail(tenants, clock);
  const handle = githubHandler({
    app,
    installations,
    appInstallations: appInstallations(sc),
    tenants,
    faults,
    accounting,
    primary: new PrimaryRateLimit(limits.limit, limits.windowSeconds * 1000),
    anonymous: new PrimaryRateLimit(60, 3_600_000),
    secondary: new SecondaryRateLimit(limits.concurrent, limits.pointsPerMinute),
    clock,
    closing: closing.signal,
    api: () => api,
  });

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const bound = server.address();
  if (bound === null || typeof bound === 'string') throw new Error('the GitHub simulator is not bound to a TCP port');
  api = `http://${bound.address}:${bound.port}`;
  return {
    url: api,
    faults,
    accounting,
    app: {
      id: app.id,
      privateKey: app.privateKey,
      installationId: (org) => installationId({ org }, sc.seed),
      tokensIssued: () => installations.count,
    },
    trail,
    close: () =>
      new Promise<void>((resolve) => {
        closing.abort();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
