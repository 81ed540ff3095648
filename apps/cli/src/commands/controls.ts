import { parseArgs } from 'node:util';
import { FRAMEWORKS, isFrameworkId } from '@evident/controls';
import { catalogView } from '../catalog-view.ts';
import { type Command, EXIT, UsageError } from '../io.ts';
import { pickFormat } from '../options.ts';
import { renderCatalogJson } from '../render/json.ts';
import { renderCatalogMarkdown } from '../render/markdown.ts';
import { renderCatalogTable } from '../render/table.ts';

const FORMATS = { table: renderCatalogTable, json: renderCatalogJson, markdown: renderCatalogMarkdown };

export const command: Command = {
  summary: 'print the control catalog with its framework mappings',
  help: [
    'Usage: evident controls [--format table|json|markdown] [--framework ID]',
    '',
    'Prints every control: what it requires, why, how to fix it, its parameters and its framework mappings.',
    '',
    'Options:',
    '  --format FORMAT   table (default), json or markdown',
    `  --framework ID    only controls mapped to this framework: ${FRAMEWORKS.map((f) => f.id).join(', ')}`,
    '  -h, --help        show this help',
    '',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        format: { type: 'string', default: 'table' },
        framework: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    if (values.help) {
      io.out(this.help);
      return EXIT.ok;
    }
    const render = pickFormat(FORMATS, values.format);
    const { framework } = values;
    if (framework !== undefined && !isFrameworkId(framework)) {
      throw new UsageError(`unknown framework ${framework}; known: ${FRAMEWORKS.map((f) => f.id).join(', ')}`);
    }
    io.out(render(catalogView(framework)));
    return EXIT.ok;
  },
};
