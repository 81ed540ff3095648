import { parseArgs } from 'node:util';
import { startEvaluation } from '@evident/controls';
import { exception } from '@evident/core';
import { z } from 'zod';
import { readFacts } from '../facts-file.ts';
import { type Command, EXIT, UsageError } from '../io.ts';
import { parseNow, pickFormat, readJsonFile } from '../options.ts';
import { renderResultsJson } from '../render/json.ts';
import { renderResultsTable } from '../render/table.ts';

const FORMATS = { table: renderResultsTable, json: renderResultsJson };
const exceptionsFile = z.array(exception);
const paramsFile = z.record(z.string(), z.record(z.string(), z.unknown()));

export const command: Command = {
  summary: 'evaluate the control catalog over facts from a JSON Lines file',
  help: [
    'Usage: evident evaluate --facts FILE.jsonl [--format table|json] [--now ISO] [--exceptions FILE.json]',
    '                        [--params FILE.json]',
    '',
    'Streams the facts (one JSON object per line, blank lines skipped) through every control and prints the',
    'results. Exit code: 0 when no control fails or is partial, 1 otherwise, 2 when the input is wrong.',
    '',
    'Options:',
    '  --facts FILE        the facts, one per line (required)',
    '  --format FORMAT     table (default) or json',
    '  --now ISO           evaluate as of this moment (default: now)',
    '  --exceptions FILE   a JSON array of accepted exceptions',
    '  --params FILE       a JSON object of parameter overrides per control, e.g. {"LOG-04": {"minRetentionDays": 184}}',
    '  -h, --help          show this help',
    '',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        facts: { type: 'string' },
        format: { type: 'string', default: 'table' },
        now: { type: 'string' },
        exceptions: { type: 'string' },
        params: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.out(this.help);
      return EXIT.ok;
    }
    if (values.facts === undefined) throw new UsageError('--facts FILE.jsonl is required');
    const render = pickFormat(FORMATS, values.format);
    const now = parseNow(values.now);
    const exceptions = values.exceptions ? await readJsonFile('--exceptions', values.exceptions, exceptionsFile) : [];
    const params = values.params ? await readJsonFile('--params', values.params, paramsFile) : {};
    const run = startEvaluation({ now, exceptions, params });
    for await (const f of readFacts(values.facts)) run.add(f);
    const results = run.finish();
    io.out(render(results));
    return results.some((r) => r.status === 'fail' || r.status === 'partial') ? EXIT.findings : EXIT.ok;
  },
};
