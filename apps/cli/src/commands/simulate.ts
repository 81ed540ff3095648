import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { combinePresets, isPresetName, PRESETS, type Scenario, scenario, startSimulators } from '@evident/simulators';
import { type Command, EXIT, UsageError } from '../io.ts';
import { readJsonFile } from '../options.ts';
import { untilStopped } from '../signals.ts';

async function loadScenario(value: string): Promise<Scenario> {
  const names = value.split(',');
  if (names.every(isPresetName)) return combinePresets(names);
  if (names.length > 1) throw new UsageError(`unknown preset in ${value}; presets: ${Object.keys(PRESETS).join(', ')}`);
  return readJsonFile('--scenario', value, scenario);
}

function parseListen(value: string | undefined): { host: string; port?: number } {
  if (value === undefined) return { host: '127.0.0.1' };
  const match = /^(.+):(\d{1,5})$/.exec(value);
  if (!match) throw new UsageError(`--listen must be HOST:PORT (got ${value})`);
  return { host: match[1]!, port: Number(match[2]) };
}

export const command: Command = {
  summary: 'run local Microsoft Graph, GitHub and Cloud Logging simulators for a scenario',
  help: [
    'Usage: evident simulate --scenario FILE|PRESET[,PRESET...] [--listen HOST:PORT] [--write-config DIR]',
    '                        [--throttle-scale N]',
    '',
    'Starts the simulators the scenario needs and prints one JSON line: their endpoints, the path of the Graph',
    'simulator’s CA certificate, `allowedEndpoints` (the EVIDENT_ALLOWED_ENDPOINTS to run with), and for each tenant an `evident assess` config pointed at them. Runs until',
    'interrupted. With --listen, Graph takes PORT, GitHub PORT+1 and Cloud Logging PORT+2. --throttle-scale',
    'shrinks the providers’ real throttle windows (0.01: Graph’s 10-second reports window lasts 100 ms).',
    '',
    `Presets: ${Object.keys(PRESETS).join(', ')}`,
    '',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        scenario: { type: 'string' },
        listen: { type: 'string' },
        'write-config': { type: 'string' },
        'throttle-scale': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.out(this.help);
      return EXIT.ok;
    }
    if (values.scenario === undefined) throw new UsageError('--scenario FILE|PRESET is required');
    const world = await loadScenario(values.scenario);
    const { host, port } = parseListen(values.listen);
    const scale = values['throttle-scale'] === undefined ? undefined : Number(values['throttle-scale']);
    if (scale !== undefined && !(scale > 0 && scale <= 1)) throw new UsageError('--throttle-scale must be in (0, 1]');
    const dir = values['write-config'] ?? (await mkdtemp(join(tmpdir(), 'evident-simulate-')));
    await mkdir(dir, { recursive: true });
    const sims = await startSimulators(world, {
      host,
      ...(port ? { ports: { graph: port, github: port + 1, gcp: port + 2 } } : {}),
      ...(scale ? { throttleScale: scale } : {}),
    });
    try {
      let caCertPath: string | null = null;
      if (sims.graph) {
        caCertPath = join(dir, 'graph-ca.pem');
        await writeFile(caCertPath, sims.graph.caCert);
      }
      const tenants = [];
      for (const t of world.tenants) {
        const path = join(dir, `${t.name}.assess.json`);
        await writeFile(
          path,
          `${JSON.stringify({ tenant: t.name, connections: sims.connections(t.name) }, null, 2)}\n`,
        );
        tenants.push({ name: t.name, config: path });
      }
      io.out(
        `${JSON.stringify({
          scenario: world.name,
          graph: sims.graph?.url ?? null,
          github: sims.github?.url ?? null,
          gcp: sims.gcp?.address ?? null,
          caCertPath,
          allowedEndpoints: sims.allowedEndpoints,
          tenants,
        })}\n`,
      );
      await untilStopped();
      return EXIT.ok;
    } finally {
      await sims.close();
    }
  },
};
