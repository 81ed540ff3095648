import { Readable } from 'node:stream';
import type { ApiDeps, RequestInfo } from '@evident/api';
import { authorisePackDownload } from '@evident/api';
import { DomainError, idSchema, type OrganizationId } from '@evident/core';
import { ObjectNotFoundError, type PackStorage, publishedKeys } from '@evident/evidence';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

const STATUS: Record<DomainError['code'], number> = {
  invalid_input: 400,
  not_found: 404,
  forbidden: 403,
  conflict: 409,
  unauthenticated: 401,
};

/**
 * `/.well-known/evident/keys/<org>.json`: the organization's public signing keys, for `evident verify --key URL`.
 * `/evidence-packs/<tenant>/<name>` (staff session) and `/s/<token>/evidence-packs/<name>` (share): a pack's bytes.
 */
export function registerPackRoutes(
  app: FastifyInstance,
  deps: ApiDeps,
  storage: PackStorage | undefined,
  requestInfo: (req: FastifyRequest) => RequestInfo,
): void {
  app.get('/.well-known/evident/keys/:file', async (req, reply) => {
    const { file } = req.params as { file: string };
    const org = idSchema('org').safeParse(file.replace(/\.json$/, ''));
    if (!file.endsWith('.json') || !org.success) return reply.code(404).send({ error: 'not_found' });
    const jwks = await publishedKeys(deps.store, org.data as OrganizationId);
    if (jwks.keys.length === 0) return reply.code(404).send({ error: 'not_found', message: 'no signing keys' });
    return reply.header('cache-control', 'public, max-age=300').header('access-control-allow-origin', '*').send(jwks);
  });

  const send = async (reply: FastifyReply, target: Parameters<typeof authorisePackDownload>[2], info: RequestInfo) => {
    try {
      const pack = await authorisePackDownload(deps, info, target);
      if (!storage) throw new ObjectNotFoundError(pack.key);
      const body = await storage.get(pack.key);
      return reply
        .type('application/zip')
        .header('content-disposition', `attachment; filename="${pack.name}"`)
        .header('cache-control', 'no-store')
        .send(Readable.from(body));
    } catch (err) {
      if (err instanceof ObjectNotFoundError)
        return reply.code(404).send({ error: 'not_found', message: 'no such pack' });
      if (err instanceof DomainError)
        return reply.code(STATUS[err.code]).send({ error: err.code, message: err.message });
      if (err instanceof Error && err.name === 'PreconditionError')
        return reply.code(503).send({ error: 'unavailable', message: err.message });
      throw err;
    }
  };

  app.get('/evidence-packs/:tenantId/:name', async (req, reply) => {
    const { tenantId, name } = req.params as { tenantId: string; name: string };
    return send(reply, { tenantId, name }, requestInfo(req));
  });
  app.get('/s/:token/evidence-packs/:name', async (req, reply) => {
    const { token, name } = req.params as { token: string; name: string };
    return send(reply, { name, shareToken: token }, requestInfo(req));
  });
}
