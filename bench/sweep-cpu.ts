import { parseArgs } from 'node:util';
import { startEvaluation } from '@evident/controls';
import type { SimulatedConnection } from '@evident/simulators';
import { collect } from './lib/assess.ts';
import { cpuMs } from './lib/cpu.ts';
import { startRemoteSimulators } from './lib/sims.ts';
import { type PortfolioSize, portfolio } from './lib/world.ts';

/**
 * The quick sweep's portfolio collected one tenant at a time, only the connections of one kind: the CPU per tenant
 * of the collecting process and of the simulators, without the other providers' share. `--kind all` keeps them all.
 */
const { values } = parseArgs({
  options: { kind: { type: 'string', default: 'entra' }, rounds: { type: 'string', default: '2' } },
});
const kinds: readonly string[] = ['entra', 'github', 'gcp-logging', 'all'];
const rounds = Number(values.rounds);
if (!kinds.includes(values.kind) || !Number.isInteger(rounds) || rounds < 1) {
  console.error(`--kind takes ${kinds.join(', ')}; --rounds a positive whole number`);
  process.exit(2);
}
const wanted = (c: SimulatedConnection) => values.kind === 'all' || c.kind === values.kind;
const size: PortfolioSize = { tenants: 20, users: [500, 5_000], members: [50, 500] };

for (let round = 0; round < rounds; round++) {
  const sims = await startRemoteSimulators(portfolio(size), 0.1);
  try {
    const simulatorsBefore = await cpuMs(sims.pid);
    const cpu = process.cpuUsage();
    const started = performance.now();
    let facts = 0;
    for (const t of sims.scenario.tenants) {
      const evaluation = startEvaluation({ now: new Date() });
      for (const c of sims.connections(t.name).filter(wanted))
        for await (const fact of collect(c, sims.allowedEndpoints)) {
          facts++;
          evaluation.add(fact);
        }
      evaluation.finish();
    }
    const wallMs = performance.now() - started;
    const used = process.cpuUsage(cpu);
    const simulatorsAfter = await cpuMs(sims.pid);
    const per = (ms: number) => `${(ms / size.tenants).toFixed(0)} ms`;
    const simulators =
      simulatorsBefore === null || simulatorsAfter === null ? 'unknown' : per(simulatorsAfter - simulatorsBefore);
    // The first round warms the process up; compare the later ones.
    console.log(
      `${values.kind} round ${round + 1}: wall ${(wallMs / 1000).toFixed(1)} s, CPU per tenant: collecting and evaluating ${per((used.user + used.system) / 1000)}, simulators ${simulators}; ${facts} facts`,
    );
  } finally {
    await sims.close();
  }
}
