import { egressPolicy } from '@evident/connector-kit';
import { createDatabase, createStore } from '@evident/db';
import { z } from 'zod';
import { createLogger } from './logger.ts';
import { startWorker } from './start-worker.ts';

/** A delivery worker in a process of its own, for tests that kill it: settings as JSON in the first argument. */
const settings = z
  .object({
    databaseUrl: z.string(),
    key: z.object({ id: z.string(), key: z.string() }),
    redisUrl: z.string(),
    prefix: z.string(),
    allowed: z.string(),
    publicOrigin: z.string(),
  })
  .parse(JSON.parse(process.argv[2] ?? '{}'));

const database = await createDatabase({ url: settings.databaseUrl, maxConnections: 4 });
const store = createStore(database, { secrets: { current: settings.key } });
await startWorker({
  store,
  database,
  redis: settings.redisUrl,
  prefix: settings.prefix,
  logger: createLogger({ level: 'silent' }),
  egress: egressPolicy(settings.allowed),
  alerts: {
    publicOrigin: settings.publicOrigin,
    retry: { attempts: 3, backoffMs: 200 },
    sweep: { intervalMs: 300, graceMs: 1_000 },
  },
});
process.stdout.write('ready\n');
