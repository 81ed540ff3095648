import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export interface Metrics {
  registry: Registry;
  observeProcedure(procedure: string, type: string, outcome: string, seconds: number): void;
  observeJob(queue: string, outcome: string, seconds: number): void;
  queueDepth: Gauge<'queue' | 'state'>;
}

/** One registry per server: request latency per procedure, job durations, queue depths (set on scrape). */
export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const procedure = new Histogram({
    name: 'evident_trpc_request_duration_seconds',
    help: 'tRPC procedure latency, by procedure, type and outcome',
    labelNames: ['procedure', 'type', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const jobs = new Histogram({
    name: 'evident_job_duration_seconds',
    help: 'Duration of finished jobs, by queue and outcome',
    labelNames: ['queue', 'outcome'],
    buckets: [0.1, 0.5, 1, 5, 15, 60, 300, 900],
    registers: [registry],
  });
  const queueDepth = new Gauge({
    name: 'evident_queue_jobs',
    help: 'Jobs per queue and state',
    labelNames: ['queue', 'state'],
    registers: [registry],
  });
  new Counter({ name: 'evident_server_starts_total', help: 'Server starts', registers: [registry] }).inc();
  return {
    registry,
    observeProcedure: (p, type, outcome, seconds) => procedure.observe({ procedure: p, type, outcome }, seconds),
    observeJob: (queue, outcome, seconds) => jobs.observe({ queue, outcome }, seconds),
    queueDepth,
  };
}

/**
 * `/metrics` behind a bearer token: the scraper's only. Without a token configured it answers 404, as though absent,
 * since the app port faces browsers.
 */
export function registerMetrics(
  app: FastifyInstance,
  metrics: Metrics,
  token: string | undefined,
  beforeScrape?: () => Promise<void>,
): void {
  const expected = token ? createHash('sha256').update(`Bearer ${token}`).digest() : null;
  app.get('/metrics', async (req, reply) => {
    if (!expected) return reply.code(404).send({ error: 'not_found', message: 'no such route' });
    const given = createHash('sha256')
      .update(req.headers.authorization ?? '')
      .digest();
    if (!timingSafeEqual(given, expected))
      return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized' });
    await beforeScrape?.().catch((err) => req.log.warn({ err }, 'queue depths not read'));
    return reply.header('content-type', metrics.registry.contentType).send(await metrics.registry.metrics());
  });
}
