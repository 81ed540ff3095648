import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { newId } from '@evident/core';
import type { ImportItem } from '@evident/db';
import { openTestDatabase } from '@evident/db/testing';
import { JOBS } from '@evident/jobs';
import { createLogger, enqueueImport, startWorker } from '@evident/pipeline';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { makeRow, type Row } from './lib/report.ts';

const REDIS_URL = 'redis://127.0.0.1:6379';
const LIMIT_S = 60;

/**
 * One import of `customers` discovered GitHub App installations through the worker's import job, on PostgreSQL and
 * Redis: seconds from the enqueue until every tenant and connection is stored, every first run queued and every
 * tenant's schedule set.
 */
async function importOnce(customers: number): Promise<number> {
  const db = await openTestDatabase('pg');
  const prefix = `evident-bench-import-${randomUUID()}`;
  const producer = new Redis(REDIS_URL);
  const assess = new Queue(JOBS.assess.queue, { connection: producer, prefix });
  // First runs and schedules are counted where they wait, not run: these customers exist only in the import.
  await assess.pause();
  const worker = await startWorker({
    store: db.store,
    database: db.database,
    redis: REDIS_URL,
    prefix,
    logger: createLogger({ level: 'silent' }),
  });
  try {
    const org = newId('org');
    await db.store.createOrganization(org, { name: 'Bench MSP' });
    const privateKey = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    }).privateKey;
    const account = await db.store.createProviderAccount(org, {
      kind: 'github',
      name: 'Bench App',
      config: {},
      secret: { kind: 'app', appId: 1, privateKey },
    });
    const items: ImportItem[] = Array.from({ length: customers }, (_, i) => ({
      externalId: String(100_000 + i),
      name: `Customer ${i}`,
      config: { org: `customer-${i}` },
      secret: { installationId: 100_000 + i },
    }));
    const started = performance.now();
    const created = await db.store.createImport(org, { providerAccountId: account.id, items, createdBy: 'bench' });
    await enqueueImport({ connection: producer, prefix }, { organizationId: org, importId: created.id });
    for (;;) {
      const p = await db.store.getImport(org, created.id);
      if (p.status === 'failed') throw new Error(`the import failed: ${p.error}`);
      if (p.status === 'succeeded') break;
      if (performance.now() - started > 10 * LIMIT_S * 1000) throw new Error('the import did not finish');
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (performance.now() - started) / 1000;
    const [tenants, connections, queued, schedulers] = await Promise.all([
      db.store.listTenants(org),
      db.store.listConnections(org),
      assess.getJobs(['delayed', 'wait', 'prioritized']),
      assess.getJobSchedulersCount(),
    ]);
    const firstRuns = queued.filter((j) => j.id?.startsWith('first-run.')).length;
    if (
      tenants.length !== customers ||
      connections.length !== customers ||
      firstRuns !== customers ||
      schedulers !== customers
    )
      throw new Error(
        `imported ${tenants.length} tenants, ${connections.length} connections, ${firstRuns} first runs, ${schedulers} schedules`,
      );
    return seconds;
  } finally {
    await worker.close(1_000);
    const keys = await producer.keys(`${prefix}:*`);
    if (keys.length > 0) await producer.del(...keys);
    await assess.close();
    await producer.quit();
    await db.close();
  }
}

export async function importBench(customers: number, repeats: number, log: (l: string) => void): Promise<Row> {
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    log(`import: ${customers} discovered tenants (run ${i + 1}/${repeats})…`);
    samples.push(await importOnce(customers));
  }
  return makeRow({
    benchmark: 'import',
    case: `${customers} discovered tenants imported (created, connections stored, first runs queued, schedules set)`,
    samples,
    unit: 's',
    bound: LIMIT_S,
    boundLabel: 'one minute',
    target: { op: '<', value: 1 },
  });
}
