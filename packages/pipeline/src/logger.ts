import { type Logger, pino } from 'pino';

const SECRET_KEYS = [
  'secret',
  'token',
  'clientSecret',
  'serviceAccountKey',
  'private_key',
  'privateKey',
  'password',
  'authorization',
];

/**
 * Paths pino blanks wherever they appear in a log line, up to four levels deep (pino has no recursive wildcard),
 * so a secret that reaches a log call never reaches the log.
 */
export const REDACTED_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `*.*.*.${key}`]);

export function createLogger(options: { level?: string; destination?: pino.DestinationStream } = {}): Logger {
  const config = { level: options.level ?? 'info', redact: { paths: REDACTED_PATHS, censor: '[redacted]' } };
  return options.destination ? pino(config, options.destination) : pino(config);
}
