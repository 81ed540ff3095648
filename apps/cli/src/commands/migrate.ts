import { parseArgs } from 'node:util';
import { createDatabase, grantRuntimeLogin, migrate } from '@evident/db';
import { settings } from '../env.ts';
import { type Command, EXIT, UsageError } from '../io.ts';

export const command: Command = {
  summary: 'apply the database migrations (DATABASE_URL, or --url)',
  help: [
    'Usage: evident migrate [--url postgres://…|FOLDER] [--runtime-user NAME]',
    '',
    'Applies the committed SQL migrations to the database; running it again changes nothing. The same step runs',
    'in `evident up`, in the tests and in the Kubernetes migration Job. Run it as the owner of the tables. The',
    'migrations create the `evident_runtime` role (read and write customer data; only INSERT and SELECT on the audit',
    'log). --runtime-user creates or updates a login role in it, with EVIDENT_RUNTIME_PASSWORD as its password if',
    'set: the role the server and workers connect as.',
    '',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { url: { type: 'string' }, 'runtime-user': { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
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
      const user = values['runtime-user'];
      if (user) {
        await grantRuntimeLogin(db, user, settings().EVIDENT_RUNTIME_PASSWORD);
        io.out(`runtime role ${user} granted evident_runtime\n`);
      }
      return EXIT.ok;
    } finally {
      await db.close();
    }
  },
};
