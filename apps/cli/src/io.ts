/** Where a command writes: the process's streams, or a buffer in tests. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/** Exit codes: 0 all good, 1 a control fails or is partial, 2 the input or the command line is wrong. */
export const EXIT = { ok: 0, findings: 1, badInput: 2 } as const;

/** A wrong command line: a missing or unknown option, a value that does not parse. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface Command {
  summary: string;
  help: string;
  run(args: string[], io: Io): Promise<number>;
}
