import type { FastifyRequest } from 'fastify';

/** Paths whose segment after the prefix is a credential: share links (and their pack downloads), invitations. */
const TOKEN_PATHS = /^\/(s|invite)\/[^/?#]+/;

/** The URL as logged: a share or invitation token replaced, the rest kept for reading the log. */
export const redactUrl = (url: string) => url.replace(TOKEN_PATHS, '/$1/[redacted]');

/** The request as every log line shows it (Fastify's fields, with the URL redacted). */
export function requestForLog(req: FastifyRequest) {
  return {
    method: req.method,
    url: redactUrl(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}
