import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadAssessConfig } from '../assess/config.ts';
import { progressPrinter } from '../assess/progress.ts';
import { runAssessment } from '../assess/run.ts';
import { type Command, EXIT, UsageError, worstExit } from '../io.ts';
import { pickFormat } from '../options.ts';
import { renderAssessmentCsv, renderAssessmentJson, renderAssessmentTable } from '../render/assessment.ts';

const FORMATS = { table: renderAssessmentTable, json: renderAssessmentJson, csv: renderAssessmentCsv };

export const command: Command = {
  summary: 'collect from every connection of a config, evaluate, print (no Redis, no database)',
  help: [
    'Usage: evident assess --config FILE [--format table|json|csv] [--out FILE] [--quiet]',
    '',
    'Runs the configured connectors in parallel, streams their facts into the evaluator and prints the results.',
    'Progress goes to stderr. Exit codes, the worst winning (4, 2, 3, 1, 0):',
    '  0  every connection was collected and no control fails or is partial',
    '  1  a control fails or is partial',
    '  2  bad input or usage (the config, a secret variable, an option)',
    '  3  a connection could not be collected (credentials refused, provider failing); its controls are unknown',
    '  4  an unexpected error (one line; add --debug for the stack trace)',
    '',
    'The config file is JSON:',
    '  { "tenant": "Name",',
    '    "connections": [ { "kind": "entra"|"github"|"gcp-logging"|"google-workspace"|"aws", "name": "...", "config": {...}, "secret": {...} } ],',
    '    "exceptions": [ { "controlId", "subject", "reason", "approver", "expiresAt" } ],',
    '    "params": { "LOG-04": { ... } } }',
    'Any secret value may be { "env": "VAR" } to read it from the environment.',
    '',
    'Options:',
    '  --config FILE    the assessment config (required)',
    '  --format FORMAT  table (default), json or csv',
    '  --out FILE       write the output there instead of stdout',
    '  --quiet          no progress on stderr',
    '  --debug          print the stack trace of an unexpected error',
    '  -h, --help       show this help',
    '',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        config: { type: 'string' },
        format: { type: 'string', default: 'table' },
        out: { type: 'string' },
        quiet: { type: 'boolean', default: false },
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
    const progress = values.quiet ? undefined : progressPrinter();
    const assessment = await runAssessment(config, progress ? { onProgress: progress.update } : {});
    progress?.done();
    const text = render(assessment);
    if (values.out) await writeFile(values.out, text);
    else io.out(text);
    const findings = assessment.results.some((r) => r.status === 'fail' || r.status === 'partial');
    if (assessment.failedConnections.length > 0)
      io.err(`evident assess: not collected: ${assessment.failedConnections.join(', ')} (see the gaps)\n`);
    return worstExit(
      findings ? EXIT.findings : EXIT.ok,
      assessment.failedConnections.length > 0 ? EXIT.notCollected : EXIT.ok,
    );
  },
};
