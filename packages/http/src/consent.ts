import { type ApiDeps, CONSENT_CALLBACK_PATH, finishConsent, type RequestInfo } from '@evident/api';
import type { FastifyInstance, FastifyRequest } from 'fastify';

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** A plain page that says why, in words: no script, nothing from elsewhere. */
const refusal = (reason: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Admin consent not completed</title></head>
<body><main><h1>Admin consent not completed</h1><p>${escapeHtml(reason)}</p><p><a href="/">Back to Evident</a></p></main></body></html>`;

/**
 * Microsoft returns here after an admin consent. Success creates the customer's tenant and connection and opens the
 * tenant's page; any refusal (declined, an AADSTS error, a forged, replayed or expired state, a directory another
 * organization holds) answers a page with the reason and creates nothing.
 */
export function registerConsentRoute(
  app: FastifyInstance,
  deps: ApiDeps,
  requestInfo: (req: FastifyRequest) => RequestInfo,
): void {
  app.get(CONSENT_CALLBACK_PATH, async (req, reply) => {
    const outcome = await finishConsent(deps, requestInfo(req), req.query as Record<string, unknown>);
    reply.header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
    if (outcome.ok) return reply.redirect(`/tenants/${encodeURIComponent(outcome.tenantId)}?consent=granted`, 303);
    return reply.code(400).type('text/html; charset=utf-8').send(refusal(outcome.reason));
  });
}
