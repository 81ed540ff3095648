import { type Logger, pino } from 'pino';

/** Paths pino blanks wherever they appear in a log line, so a secret that reaches a log call never reaches the log. */
export const REDACTED_PATHS = [
  'secret',
  '*.secret',
  '*.*.secret',
  'token',
  '*.token',
  'clientSecret',
  '*.clientSecret',
  'password',
  '*.password',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
];

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  const config = { level: options.level ?? 'info', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  return options.destination ? pino(config, options.destination) : pino(config);
}
