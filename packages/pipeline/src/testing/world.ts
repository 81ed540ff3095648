import { randomUUID } from 'node:crypto';
import { createEntraConnector } from '@evident/connector-entra';
import { createGcpLoggingConnector } from '@evident/connector-gcp-logging';
import { createGithubConnector } from '@evident/connector-github';
import { createGoogleWorkspaceConnector } from '@evident/connector-google-workspace';
import { egressPolicy } from '@evident/connector-kit';
import { newId, type OrganizationId, type TenantId } from '@evident/core';
import type { Store } from '@evident/db';
import { type Driver, openTestDatabase, type TestDatabase } from '@evident/db/testing';
import type { JobsConnection } from '@evident/jobs';
import { combinePresets, type PresetName, type Simulators, startSimulators } from '@evident/simulators';
import { Redis } from 'ioredis';
import { createLogger } from '../logger.ts';
import { type RunningWorker, type StartWorkerOptions, startWorker } from '../start-worker.ts';

export const REDIS_URL = 'redis://127.0.0.1:6379';

/** Connectors that give up on a failing provider in milliseconds rather than minutes. */
export const FAST_CONNECTORS = {
  entra: createEntraConnector({ attempts: 2, baseDelayMs: 5, maxDelayMs: 20, throttleRetries: 0, timeoutMs: 5_000 }),
  github: createGithubConnector({ retries: 0, throttleRetries: 0, retryAfterBaseValue: 1, requestTimeoutMs: 5_000 }),
  'gcp-logging': createGcpLoggingConnector({
    attempts: 2,
    baseDelayMs: 5,
    maxDelayMs: 20,
    timeoutMs: 5_000,
    sdkRetryBudgetMs: 100,
  }),
  'google-workspace': createGoogleWorkspaceConnector({ attempts: 2, baseDelayMs: 5, maxDelayMs: 20 }),
};

/** A clock the tests move forward, to see evidence go stale. */
export function testClock() {
  let offsetMs = 0;
  return {
    now: () => new Date(Date.now() + offsetMs),
    advance(ms: number) {
      offsetMs += ms;
    },
  };
}

export interface World {
  db: TestDatabase;
  store: Store;
  sims: Simulators;
  org: OrganizationId;
  /** Scenario tenant name → store tenant id. */
  tenants: Map<string, TenantId>;
  prefix: string;
  producer: Redis;
  jobs: JobsConnection;
  clock: ReturnType<typeof testClock>;
  start(overrides?: Partial<StartWorkerOptions>): Promise<RunningWorker>;
  close(): Promise<void>;
}

/**
 * A fresh database, the simulators of `presets`, one organization with their tenants, a queue prefix of its own,
 * on the shared Redis unless `redisUrl` names another.
 */
export async function openWorld(
  presets: PresetName[],
  driver: Driver = 'pg',
  options: { redisUrl?: string } = {},
): Promise<World> {
  const redisUrl = options.redisUrl ?? REDIS_URL;
  const db = await openTestDatabase(driver);
  const sims = await startSimulators(combinePresets(presets), { throttleScale: 0.01 });
  const { store } = db;
  const org = newId('org');
  await store.createOrganization(org, { name: 'Acme MSP' });
  const tenants = new Map<string, TenantId>();
  for (const t of sims.scenario.tenants) {
    const tenant = await store.createTenant(org, { name: t.name, kind: 'customer' });
    tenants.set(t.name, tenant.id);
    for (const c of sims.connections(t.name)) {
      await store.createConnection(org, {
        tenantId: tenant.id,
        kind: c.kind,
        name: c.name,
        config: c.config as never,
        secret: c.secret as never,
      });
    }
  }
  const prefix = `evident-test-${randomUUID()}`;
  const producer = new Redis(redisUrl);
  // Fault tests stop Redis on purpose; the producer reconnects by itself.
  producer.on('error', () => {});
  const clock = testClock();
  const running: RunningWorker[] = [];
  const logger = createLogger({ level: 'silent' });
  return {
    db,
    store,
    sims,
    org,
    tenants,
    prefix,
    producer,
    jobs: { connection: producer, prefix },
    clock,
    async start(overrides = {}) {
      const w = await startWorker({
        store,
        redis: redisUrl,
        prefix,
        logger,
        connectors: FAST_CONNECTORS,
        now: clock.now,
        egress: egressPolicy(sims.allowedEndpoints),
        ...overrides,
        database: overrides.database ?? db.database,
      });
      running.push(w);
      return w;
    },
    async close() {
      await Promise.all(running.map((w) => w.close(1_000)));
      const keys = await producer.keys(`${prefix}:*`);
      if (keys.length > 0) await producer.del(...keys);
      await producer.quit();
      await sims.close();
      await db.close();
    },
  };
}
