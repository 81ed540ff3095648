import { randomUUID } from 'node:crypto';
import type { AppRouter } from '@evident/api';
import { type ApiDeps, appRouter, type Context } from '@evident/api';
import type { PackStorage } from '@evident/evidence';
import helmet from '@fastify/helmet';
import { type FastifyTRPCPluginOptions, fastifyTRPCPlugin } from '@trpc/server/adapters/fastify';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { registerConsentRoute } from './consent.ts';
import { flowCookieName, readCookie, sessionCookie, sessionCookieName } from './cookies.ts';
import { type Metrics, registerMetrics } from './metrics.ts';
import { registerPackRoutes } from './packs.ts';
import { procedureNames, refuseAuthBatches } from './procedures.ts';
import { type RateLimitSettings, registerRateLimit } from './rate-limit.ts';
import { requestForLog } from './request-log.ts';
import { type TrustProxy, trustProxyFn } from './trust-proxy.ts';
import { registerWebApp } from './web.ts';

export interface ServerOptions {
  deps: ApiDeps;
  logger: Logger & FastifyBaseLogger;
  metrics: Metrics;
  /** The browser-facing origin; when https, cookies are Secure and `__Host-` prefixed. */
  publicOrigin?: string;
  /** Which peers' X-Forwarded-For is believed: a hop count or a list of addresses/CIDRs; absent, none. */
  trustProxy?: TrustProxy;
  /** Requests per minute per address, counted in procedures (see rate-limit.ts). */
  rateLimit: RateLimitSettings;
  /** Readiness: each check throws when its dependency cannot be reached. */
  ready: Record<string, () => Promise<unknown>>;
  /** Where evidence packs are stored (the worker's storage); absent, pack downloads answer 404. */
  storage?: PackStorage;
  /** Called on each scrape before the registry is read (queue depths). */
  beforeScrape?: () => Promise<void>;
  /** The bearer token `/metrics` asks for; absent, `/metrics` answers 404. */
  metricsToken?: string;
}

export const CSRF_HEADER = 'x-evident-csrf';
export const SHARE_HEADER = 'x-evident-share';

const procedures = (req: FastifyRequest) => procedureNames(req.url).filter((p) => p in appRouter._def.procedures);

/** The app with its pino logger typed as Fastify's base logger, which the pino instance satisfies. */
export async function buildServer(options: ServerOptions): Promise<FastifyInstance> {
  const secure = options.publicOrigin?.startsWith('https://') ?? false;
  const cookieName = sessionCookieName(secure);
  const flowName = flowCookieName(secure);
  const app = Fastify({
    // Share and invitation tokens sit in URLs: every request line is logged with them redacted.
    loggerInstance: options.logger.child({}, { serializers: { req: requestForLog } }),
    trustProxy: trustProxyFn(options.trustProxy),
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    bodyLimit: 1024 * 1024,
    routerOptions: { maxParamLength: 5000 },
  });
  app.addHook('onSend', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  await app.register(helmet, {
    contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", 'data:', 'https:'] } },
    hsts: secure,
  });
  app.addHook('onRequest', refuseAuthBatches);
  registerRateLimit(app as unknown as FastifyInstance, options.rateLimit);

  // CSRF: every state-changing request carries the custom header (a cross-site form cannot), and comes from our origin.
  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/trpc') || req.method === 'GET' || req.method === 'HEAD') return;
    const origin = req.headers.origin;
    const allowed = options.publicOrigin ?? `${req.protocol}://${req.headers.host}`;
    if (req.headers[CSRF_HEADER] !== '1' || (origin !== undefined && origin !== allowed)) {
      req.log.warn({ origin }, 'refused a request without the CSRF header or from another origin');
      return reply.code(403).send({ error: 'forbidden', message: 'cross-site request refused' });
    }
  });

  app.addHook('onResponse', async (req, reply) => {
    if (!req.url.startsWith('/trpc/')) return;
    const outcome = reply.statusCode < 400 ? 'ok' : String(reply.statusCode);
    const type = req.method === 'GET' ? 'query' : 'mutation';
    for (const p of procedures(req)) options.metrics.observeProcedure(p, type, outcome, reply.elapsedTime / 1000);
  });

  app.get('/healthz', async () => ({ status: 'ok' }));
  // Names and ok/failed only: a dependency's error (addresses, users) goes to the log, not to whoever asks.
  app.get('/readyz', async (req, reply) => {
    const checks: Record<string, 'ok' | 'failed'> = {};
    for (const [name, check] of Object.entries(options.ready)) {
      checks[name] = await check().then(
        () => 'ok' as const,
        (err: unknown) => {
          req.log.warn({ err, dependency: name }, 'readiness check failed');
          return 'failed' as const;
        },
      );
    }
    const ready = Object.values(checks).every((v) => v === 'ok');
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });
  registerMetrics(app as unknown as FastifyInstance, options.metrics, options.metricsToken, options.beforeScrape);

  const requestInfo = (req: FastifyRequest): Context['req'] => ({
    address: req.ip,
    userAgent: req.headers['user-agent'] ?? null,
    sessionToken: readCookie(req.headers.cookie, cookieName),
    flowToken: readCookie(req.headers.cookie, flowName),
    shareToken: typeof req.headers[SHARE_HEADER] === 'string' ? (req.headers[SHARE_HEADER] as string) : null,
  });
  registerPackRoutes(app as unknown as FastifyInstance, options.deps, options.storage, requestInfo);
  registerConsentRoute(app as unknown as FastifyInstance, options.deps, requestInfo);

  const trpc: FastifyTRPCPluginOptions<AppRouter> = {
    prefix: '/trpc',
    trpcOptions: {
      router: appRouter,
      allowBatching: true,
      createContext: ({ req, res }): Context => ({
        deps: options.deps,
        req: requestInfo(req),
        res: {
          setSession: (token, maxAgeMs) => {
            res.header('set-cookie', sessionCookie(cookieName, token, maxAgeMs, secure));
          },
          setFlow: (token, maxAgeMs) => {
            res.header('set-cookie', sessionCookie(flowName, token, maxAgeMs, secure));
          },
        },
      }),
      onError: ({ error, path }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR')
          options.logger.error({ err: error.cause ?? error, path }, 'procedure failed');
      },
    },
  };
  await app.register(fastifyTRPCPlugin, trpc);
  registerWebApp(app as unknown as FastifyInstance, options.deps, requestInfo);
  return app as unknown as FastifyInstance;
}
