import { createInterface } from 'node:readline';
import { type ScenarioInput, startSimulators } from '@evident/simulators';
import { z } from 'zod';

/**
 * The simulators in their own process, so they do not share the measured workers' event loop (compiled by
 * sims.ts, as the other children are). Reads one JSON line
 * (scenario and throttle scale), answers with the scenario and every tenant's connections; each later line
 * `accounting` is answered with the request counts and the number of throttled requests so far; end of input closes the simulators.
 */
const start = z.object({ scenario: z.record(z.string(), z.unknown()), throttleScale: z.number().positive() });
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const first = await lines.next();
const { scenario, throttleScale } = start.parse(JSON.parse(String(first.value)));
const sims = await startSimulators(scenario as ScenarioInput, { throttleScale });
const connections = Object.fromEntries(sims.scenario.tenants.map((t) => [t.name, sims.connections(t.name)]));
process.stdout.write(
  `${JSON.stringify({ scenario: sims.scenario, allowedEndpoints: sims.allowedEndpoints, connections })}\n`,
);
for (;;) {
  const line = await lines.next();
  if (line.done) break;
  if (line.value.trim() === 'accounting') {
    const { requests, throttles } = sims.accounting.snapshot();
    process.stdout.write(`${JSON.stringify({ requests, throttled: throttles.length })}\n`);
  }
}
await sims.close();
