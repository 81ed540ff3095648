import { isAuthProcedure } from '@evident/api';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The procedure paths a `/trpc/…` URL names (several in a batch), known or not; empty for any other URL. */
export function procedureNames(url: string): string[] {
  if (!url.startsWith('/trpc/')) return [];
  const path = url.slice('/trpc/'.length).split('?')[0] ?? '';
  let decoded = path;
  try {
    decoded = decodeURIComponent(path);
  } catch {}
  return decoded.split(',');
}

const isBatch = (url: string) => new URLSearchParams(url.split('?')[1] ?? '').get('batch') === '1';

/**
 * A batch naming any sign-in procedure is refused whole before anything runs: every call of a batch would pass the
 * attempt check together and count as one request. The answer is a batch of errors, one per call, as tRPC sends.
 */
export async function refuseAuthBatches(req: FastifyRequest, reply: FastifyReply) {
  if (!isBatch(req.url)) return;
  const names = procedureNames(req.url);
  if (!names.some(isAuthProcedure)) return;
  req.log.warn({ procedures: names.length }, 'refused a batch holding a sign-in procedure');
  const message = 'sign-in procedures are not batched: send each in a request of its own';
  const error = (path: string) => ({
    error: { message, code: -32600, data: { code: 'BAD_REQUEST', httpStatus: 400, path } },
  });
  return reply.code(400).send(names.map(error));
}
