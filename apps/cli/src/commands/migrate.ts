import { parseArgs } from 'node:util';
import { createDatabase, migrate } from '@evident/db';
import { settings } from '../env.ts';
import { type Command, EXIT, UsageError } from '../io.ts';

export const command: Command = {
  summary: 'apply the database migrations (DATABASE_URL, or --url)',
  help: [
    'Usage: evident migrate [--url postgres://…|FOLDER]',
    '',
    'Applies the committed SQL migrations to the database; running it again changes nothing. The same step runs',
    'in `evident up`, in the tests and in the Kubernetes migration Job.',
    '',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseArgs({ args, options: { url: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
    if (values.help) {
      io.out(this.help);
      return EXIT.ok;
    }
    const url = values.url ?? settings().DATABASE_URL;
    if (!url) throw new UsageError('give --url or set DATABASE_URL');
    const db = await createDatabase({ url });
    try {
      await migrate(db);
      io.out(`migrations applied (${db.driver})\n`);
      return EXIT.ok;
    } finally {
      await db.close();
    }
  },
};
