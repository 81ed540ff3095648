import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { egressPolicy } from '@evident/connector-kit';
import { createDatabase, createStore, migrate } from '@evident/db';
import { packStorage, type StorageSettings } from '@evident/evidence';
import { startServer } from '@evident/http';
import { assessNow, createLogger, startWorker, syncSchedules, waitForRun } from '@evident/pipeline';
import { startSimulators } from '@evident/simulators';
import { Redis } from 'ioredis';
import { settings } from '../env.ts';
import { type Command, EXIT } from '../io.ts';
import { untilStopped } from '../signals.ts';
import { demoScenario, ensureDemo, firstRunOf, importDemoCustomers, PARTNER_TENANT } from '../up/demo.ts';
import { startDemoAlerts } from '../up/demo-alerts.ts';
import { ensureDemoOwner } from '../up/demo-owner.ts';
import { loadSecretKey } from '../up/key.ts';
import { renderPortfolio } from '../up/portfolio.ts';
import { type RedisHandle, startPrivateRedis, useRedis } from '../up/redis.ts';

export const command: Command = {
  summary: 'bring up the whole product locally, with a demo MSP and its tenants on simulated providers',
  help: [
    'Usage: evident up [--once]',
    '',
    'Uses REDIS_URL if set, else starts a private redis-server; DATABASE_URL if set, else an embedded PostgreSQL',
    '(PGlite) under .evident/ (EVIDENT_DATA_DIR). Applies migrations, generates the local encryption key once, seeds',
    'a demo MSP with its own tenant and an Entra account for its multi-tenant app, starts the provider simulators and',
    "the workers, discovers the MSP's GDAP customers and imports them (a tenant each), connects their other",
    'providers, runs a first assessment and prints the portfolio. Evidence packs are stored under exports/ in the',
    'data folder. Alerts go to a webhook catcher and an SMTP server on loopback (channels "Demo webhook" and',
    '"Demo e-mail"); each one delivered is printed.',
    'Ctrl-C stops everything. With --once: one round, print, exit.',
    '',
  ].join('\n'),
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { once: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) {
      io.out(this.help);
      return EXIT.ok;
    }
    const env = settings();
    const say = (line: string) => io.err(`evident up: ${line}\n`);
    const dataDir = resolve(env.EVIDENT_DATA_DIR);
    const stops: (() => Promise<void>)[] = [];
    const stopAll = async () => {
      for (const stop of stops.reverse()) await stop().catch((e: unknown) => say(`while stopping: ${String(e)}`));
    };
    try {
      await mkdir(dataDir, { recursive: true });
      const redis: RedisHandle = env.REDIS_URL ? await useRedis(env.REDIS_URL) : await startPrivateRedis(dataDir, say);
      stops.push(redis.stop);
      say(`redis at ${redis.url}`);

      const database = await createDatabase({
        url: env.DATABASE_URL ?? resolve(dataDir, 'pgdata'),
        onPoolError: (error) => say(`database connection lost: ${error.message}`),
      });
      stops.push(() => database.close());
      await migrate(database);
      say(`database ready (${database.driver === 'pg' ? 'PostgreSQL' : `embedded, ${resolve(dataDir, 'pgdata')}`})`);
      const secretKey = await loadSecretKey(dataDir, { key: env.EVIDENT_SECRET_KEY, id: env.EVIDENT_SECRET_KEY_ID });
      const store = createStore(database, {
        secrets: { current: secretKey, previous: env.EVIDENT_SECRET_KEYS_PREVIOUS ?? [] },
      });

      const sims = await startSimulators(demoScenario());
      stops.push(() => sims.close());
      const seed = await ensureDemo(store, sims, dataDir);
      say(
        seed.seeded
          ? 'seeded the demo MSP (its own tenant, and an Entra account for its GDAP customers) on simulated providers'
          : `found the demo MSP (${seed.demo.tenants.size} tenants) on simulated providers`,
      );

      const alerts = await startDemoAlerts(store, seed.demo.organizationId, say);
      stops.push(() => alerts.close());
      const allowedEndpoints = `${sims.allowedEndpoints},${alerts.allowedEndpoints}`;

      const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
      stops.push(async () => {
        connection.disconnect();
      });
      const jobs = { connection, prefix: env.EVIDENT_QUEUE_PREFIX };
      // The portfolio owns stdout; the workers log errors to stderr (provider gaps are reported with the results).
      const logger = createLogger({ level: 'error', destination: process.stderr });
      const egress = egressPolicy(allowedEndpoints);
      // The demo stores evidence packs under its data folder; the worker takes export jobs, the server serves them.
      const exportsAt: StorageSettings = { dir: resolve(dataDir, 'exports') };
      const worker = await startWorker({
        exports: { storage: packStorage(exportsAt), retention: { keepLast: 12 } },
        store,
        database,
        redis: redis.url,
        prefix: env.EVIDENT_QUEUE_PREFIX,
        logger,
        egress,
        alerts: { publicOrigin: `http://127.0.0.1:${env.PORT}` },
        auditWatch: { anchorFile: env.EVIDENT_AUDIT_ANCHOR_FILE ?? resolve(dataDir, 'audit-anchors.jsonl') },
        schedules: {},
      });
      stops.push(() => worker.close());
      const { demo, imported, created } = await importDemoCustomers(store, sims, jobs, dataDir, seed.state);
      if (imported.length > 0)
        say(`discovered and imported ${imported.length} GDAP customers of ${PARTNER_TENANT}: ${imported.join(', ')}`);
      await syncSchedules(store, jobs, demo.organizationId);

      say('ready; running the first assessment…');
      // The import queued each new customer's first assessment before its other providers and break-glass accounts
      // were added: once that run is done, the customer is assessed again with everything in place.
      const queued = new Set(created);
      const runs = await Promise.all(
        [...demo.tenants].map(async ([name, tenantId]) => {
          if (queued.has(tenantId)) {
            const first = await firstRunOf(store, demo.organizationId, tenantId);
            await waitForRun(store, demo.organizationId, first, { timeoutMs: 300_000 });
          }
          return { name, tenantId, runId: await assessNow(store, jobs, demo.organizationId, tenantId) };
        }),
      );
      for (const r of runs) await waitForRun(store, demo.organizationId, r.runId, { timeoutMs: 300_000 });
      const rows = [];
      for (const r of runs) {
        const latest = await store.latestResults(demo.organizationId, r.tenantId);
        rows.push({ tenant: r.name, results: latest?.results ?? [] });
      }
      io.out(renderPortfolio(rows));
      if (!values.once) {
        const owner = await ensureDemoOwner(store, demo.organizationId, dataDir);
        const server = await startServer(
          {
            port: env.PORT,
            host: '127.0.0.1',
            redisUrl: redis.url,
            secretKey,
            previousKeys: env.EVIDENT_SECRET_KEYS_PREVIOUS ?? [],
            allowedEndpoints,
            queuePrefix: env.EVIDENT_QUEUE_PREFIX,
            allowSignUp: true,
            logLevel: 'error',
            exports: exportsAt,
          },
          { database, logger },
        );
        stops.push(() => server.close());
        say(`server at ${server.url}`);
        say(`sign in as ${owner.email} with password ${owner.password}`);
        say('the second factor: `npx evident totp --demo` prints the current code; each code signs in once');
        say('running; assessments repeat on schedule. Ctrl-C to stop.');
        await untilStopped();
        say('stopping…');
      }
      return EXIT.ok;
    } finally {
      await stopAll();
    }
  },
};
