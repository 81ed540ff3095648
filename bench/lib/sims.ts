import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { RequestCount, Scenario, ScenarioInput, SimulatedConnection } from '@evident/simulators';

const CHILD = fileURLToPath(new URL('../sim-child.ts', import.meta.url));

export interface RemoteSimulators {
  scenario: Scenario;
  /** The `EVIDENT_ALLOWED_ENDPOINTS` value that lets connections reach these simulators. */
  allowedEndpoints: string;
  connections(tenant: string): SimulatedConnection[];
  requests(): Promise<RequestCount[]>;
  close(): Promise<void>;
}

/** Starts the simulators of `scenario` in a child process (see sim-child.ts). */
export async function startRemoteSimulators(scenario: ScenarioInput, throttleScale: number): Promise<RemoteSimulators> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD], {
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
  return {
    scenario: ready.scenario,
    allowedEndpoints: ready.allowedEndpoints,
    connections: (tenant) => ready.connections[tenant] ?? [],
    async requests() {
      child.stdin!.write('accounting\n');
      return ((await next()) as { requests: RequestCount[] }).requests;
    },
    async close() {
      child.stdin!.end();
      await exited;
    },
  };
}
