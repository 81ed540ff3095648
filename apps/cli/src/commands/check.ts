import { parseArgs } from 'node:util';
import { loadAssessConfig } from '../assess/config.ts';
import { runChecks } from '../assess/run.ts';
import { type Command, EXIT, UsageError } from '../io.ts';
import { pickFormat } from '../options.ts';
import { columns } from '../render/table.ts';

type Checks = Awaited<ReturnType<typeof runChecks>>;

const FORMATS = {
  table: (checks: Checks) =>
    columns(
      ['CONNECTION', 'KIND', 'NEEDS', 'STATUS', 'DETAIL'],
      checks.flatMap((c) => c.result.items.map((i) => [c.connection, i.kind, i.name, i.status, i.message])),
    ),
  json: (checks: Checks) => `${JSON.stringify(checks, null, 2)}\n`,
};

export const command: Command = {
  summary: 'say which permissions and licences each connection of a config lacks',
  help: [
    'Usage: evident check --config FILE [--format table|json]',
    '',
    'Runs each connector’s read probes and prints, per connection, every permission, role and licence it needs',
    'with its status. Exit code: 0 when everything is granted, 1 when something is missing, 2 for a bad config.',
    '',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        config: { type: 'string' },
        format: { type: 'string', default: 'table' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.out(this.help);
      return EXIT.ok;
    }
    if (values.config === undefined) throw new UsageError('--config FILE is required');
    const render = pickFormat(FORMATS, values.format);
    const config = await loadAssessConfig(values.config);
    const checks = await runChecks(config);
    io.out(render(checks));
    return checks.every((c) => c.result.ok) ? EXIT.ok : EXIT.findings;
  },
};
