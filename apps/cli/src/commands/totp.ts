import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { currentTotpCode } from '@evident/api';
import { settings } from '../env.ts';
import { type Command, EXIT, UsageError } from '../io.ts';
import { readDemoOwner } from '../up/demo-owner.ts';

export const command: Command = {
  summary: "print the current sign-in code of the local demo's owner (evident totp --demo)",
  help: [
    'Usage: evident totp --demo',
    '',
    'Prints the six-digit code an authenticator app would show for the demo owner that `evident up` created, read',
    'from the data folder (EVIDENT_DATA_DIR, .evident by default). For the local demo only.',
    '',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { demo: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      io.out(this.help);
      return EXIT.ok;
    }
    if (!values.demo) throw new UsageError('only --demo is supported: real staff use their authenticator app');
    const owner = await readDemoOwner(resolve(settings().EVIDENT_DATA_DIR));
    if (!owner) throw new UsageError('no demo owner yet: run `npm run up` first');
    io.out(`${currentTotpCode(owner.totpSecret)}\n`);
    return EXIT.ok;
  },
};
