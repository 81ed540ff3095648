import { InvalidInputError } from '@evident/core';
import { type Command, EXIT, type Io, processIo, UsageError } from './io.ts';

/** The subcommands; each lives in its own module, loaded only when run. */
const COMMANDS: Record<string, () => Promise<{ command: Command }>> = {
  controls: () => import('./commands/controls.ts'),
  evaluate: () => import('./commands/evaluate.ts'),
  assess: () => import('./commands/assess.ts'),
  check: () => import('./commands/check.ts'),
  simulate: () => import('./commands/simulate.ts'),
  migrate: () => import('./commands/migrate.ts'),
  'rotate-secrets': () => import('./commands/rotate-secrets.ts'),
  audit: () => import('./commands/audit.ts'),
  up: () => import('./commands/up.ts'),
  export: () => import('./commands/export.ts'),
  verify: () => import('./commands/verify.ts'),
  totp: () => import('./commands/totp.ts'),
};

async function usage(): Promise<string> {
  const lines = ['Usage: evident <command> [options]', '', 'Commands:'];
  for (const [name, load] of Object.entries(COMMANDS))
    lines.push(`  ${name.padEnd(15)} ${(await load()).command.summary}`);
  lines.push('', 'Run `evident <command> --help` for the options of a command; add --debug for stack traces.', '');
  return lines.join('\n');
}

function isParseArgsError(e: unknown): e is Error {
  return e instanceof Error && 'code' in e && String(e.code).startsWith('ERR_PARSE_ARGS');
}

/** The first line of an unexpected error, so its text (which may hold a provider's response) stays short. */
function oneLine(e: unknown): string {
  const text = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  const first = text.split('\n', 1)[0]!;
  return first.length > 200 ? `${first.slice(0, 200)}…` : first;
}

/**
 * Runs one command line; resolves to the exit code. Input and usage errors are reported, anything else is one line
 * and exit code 4 (the stack only with `--debug`): never thrown, never 0 or 1.
 */
export async function main(argv: string[], io: Io = processIo): Promise<number> {
  const debug = argv.includes('--debug');
  const [name, ...args] = argv.filter((a) => a !== '--debug');
  if (name === '--help' || name === '-h' || name === 'help') {
    io.out(await usage());
    return EXIT.ok;
  }
  const load = name ? COMMANDS[name] : undefined;
  if (!load) {
    io.err(`${name ? `evident: unknown command ${name}\n\n` : ''}${await usage()}`);
    return EXIT.badInput;
  }
  try {
    return await (await load()).command.run(args, io);
  } catch (e) {
    if (e instanceof UsageError || isParseArgsError(e)) {
      io.err(`evident ${name}: ${e.message}\nRun \`evident ${name} --help\` for usage.\n`);
      return EXIT.badInput;
    }
    if (e instanceof InvalidInputError) {
      io.err(`evident ${name}: ${e.message}\n${e.issues.map((i) => `  ${i.path}: ${i.message}\n`).join('')}`);
      return EXIT.badInput;
    }
    io.err(`evident ${name}: unexpected error: ${oneLine(e)}\n`);
    io.err(debug && e instanceof Error && e.stack ? `${e.stack}\n` : 'Run again with --debug for the stack trace.\n');
    return EXIT.internal;
  }
}
