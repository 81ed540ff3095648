import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { totpCodeForStep, totpStepAt } from '@evident/api';
import { settings } from '../env.ts';
import { type Command, EXIT, UsageError } from '../io.ts';
import { readDemoOwner } from '../up/demo-owner.ts';

const PERIOD_S = 30;

export const command: Command = {
  summary: "print the current sign-in code of the local demo's owner (evident totp --demo)",
  help: [
    'Usage: evident totp --demo [--next]',
    '',
    'Prints the six-digit code an authenticator app would show for the demo owner that `evident up` created, read',
    'from the data folder (EVIDENT_DATA_DIR, .evident by default). For the local demo only.',
    '',
    'Each code signs in once: the server refuses a code it has accepted before, and any older one. To sign in again',
    'within the same 30 seconds, use --next (the code of the coming step, which the server already accepts).',
    '',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { demo: { type: 'boolean' }, next: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      io.out(this.help);
      return EXIT.ok;
    }
    if (!values.demo) throw new UsageError('only --demo is supported: real staff use their authenticator app');
    const owner = await readDemoOwner(resolve(settings().EVIDENT_DATA_DIR));
    if (!owner) throw new UsageError('no demo owner yet: run `npm run up` first');
    const now = new Date();
    const step = totpStepAt(now) + (values.next ? 1 : 0);
    io.out(`${totpCodeForStep(owner.totpSecret, step)}\n`);
    const left = PERIOD_S - (Math.floor(now.getTime() / 1000) % PERIOD_S);
    io.err(
      values.next
        ? 'single-use; the code after the current one\n'
        : `single-use; ${left} s left in this step (once used, wait for the next code or run with --next)\n`,
    );
    return EXIT.ok;
  },
};
