/** Where a command writes: the process's streams, or a buffer in tests. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
};

/**
 * Exit codes: 0 all collected and nothing failing, 1 a control fails or is partial, 2 the input or the command line
 * is wrong, 3 a connection could not be collected (credentials refused, provider failing), 4 Evident itself failed.
 */
export const EXIT = { ok: 0, findings: 1, badInput: 2, notCollected: 3, internal: 4 } as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** When several outcomes hold at once the worst wins: internal, then bad input, then not collected, then findings. */
const SEVERITY: readonly ExitCode[] = [EXIT.ok, EXIT.findings, EXIT.notCollected, EXIT.badInput, EXIT.internal];

export function worstExit(...codes: ExitCode[]): ExitCode {
  return codes.reduce((a, b) => (SEVERITY.indexOf(b) > SEVERITY.indexOf(a) ? b : a), EXIT.ok);
}

/** A wrong command line: a missing or unknown option, a value that does not parse. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface Command {
  summary: string;
  help: string;
  run(args: string[], io: Io): Promise<number>;
}
