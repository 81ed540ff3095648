import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { RequestCount, Scenario, ScenarioInput, SimulatedConnection } from '@evident/simulators';
import { bundle } from '../../scripts/build.mjs';

const BENCH = fileURLToPath(new URL('..', import.meta.url));
const CHILD = `${BENCH}dist/sim-child.js`;

let compiled: Promise<void> | undefined;

/**
 * The simulators compiled as every measured child is: under a TypeScript loader they spent a fifth more CPU per
 * answer, and a provider's answers should not slow down with how many tenants the sweep has in flight.
 */
function compileSimulators(): Promise<void> {
  compiled ??= bundle({ contents: "import './sim-child.ts';", resolveDir: BENCH, outfile: CHILD });
  return compiled;
}

export interface RemoteSimulators {
  scenario: Scenario;
  /** The `EVIDENT_ALLOWED_ENDPOINTS` value that lets connections reach these simulators. */
  allowedEndpoints: string;
  connections(tenant: string): SimulatedConnection[];
  /** The simulators' process, to read its CPU time. */
  pid: number | undefined;
  requests(): Promise<RequestCount[]>;
  /** Requests per tenant and endpoint, and how many were answered with a throttle. */
  accounting(): Promise<{ requests: RequestCount[]; throttled: number }>;
  close(): Promise<void>;
}

/** Starts the simulators of `scenario` in a child process (see sim-child.ts). */
export async function startRemoteSimulators(scenario: ScenarioInput, throttleScale: number): Promise<RemoteSimulators> {
  await compileSimulators();
  const child: ChildProcess = spawn(process.execPath, [CHILD], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const next = async () => {
    const line = await lines.next();
    if (line.done) throw new Error('the simulator process ended early');
    return JSON.parse(line.value);
  };
  child.stdin!.write(`${JSON.stringify({ scenario, throttleScale })}\n`);
  const ready = (await next()) as {
    scenario: Scenario;
    allowedEndpoints: string;
    connections: Record<string, SimulatedConnection[]>;
  };
  const accounting = async () => {
    child.stdin!.write('accounting\n');
    return (await next()) as { requests: RequestCount[]; throttled: number };
  };
  return {
    scenario: ready.scenario,
    allowedEndpoints: ready.allowedEndpoints,
    connections: (tenant) => ready.connections[tenant] ?? [],
    pid: child.pid,
    async requests() {
      return (await accounting()).requests;
    },
    accounting,
    async close() {
      child.stdin!.end();
      await exited;
    },
  };
}
