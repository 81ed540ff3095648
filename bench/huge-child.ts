import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEvaluation } from '@evident/controls';
import { type Fact, newId } from '@evident/core';
import { createDatabase, createStore, generateSecretKey, migrate } from '@evident/db';
import { z } from 'zod';
import { collect } from './lib/assess.ts';

/** One connection collected, evaluated and stored in this process; prints its timings and peak RSS as JSON. */
const input = z.object({
  /** A PostgreSQL server URL (a fresh database is made and dropped there), or absent for embedded PGlite. */
  postgres: z.string().optional(),
  /** The simulators' EVIDENT_ALLOWED_ENDPOINTS. */
  allowedEndpoints: z.string(),
  kind: z.enum(['entra', 'github', 'gcp-logging']),
  name: z.string(),
  config: z.record(z.string(), z.json()),
  secret: z.record(z.string(), z.json()),
});

async function readStdin(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

const { postgres, allowedEndpoints, ...connection } = input.parse(JSON.parse(await readStdin()));
const dir = await mkdtemp(join(tmpdir(), 'evident-bench-'));
const dbName = `evident_bench_${process.pid}`;
const admin = postgres ? await createDatabase({ url: postgres }) : undefined;
try {
  if (admin?.driver === 'pg') await admin.pool.query(`CREATE DATABASE ${dbName}`);
  const database = await createDatabase({ url: postgres ? postgres.replace(/\/[^/]*$/, `/${dbName}`) : dir });
  await migrate(database);
  const store = createStore(database, { secrets: { current: { id: 'bench', key: generateSecretKey() } } });
  const org = newId('org');
  await store.createOrganization(org, { name: 'Bench MSP' });
  const tenant = await store.createTenant(org, { name: 'Megacorp', kind: 'customer' });
  const conn = await store.createConnection(org, {
    tenantId: tenant.id,
    kind: connection.kind,
    name: connection.name,
    config: connection.config,
    secret: connection.secret,
  });
  const run = await store.createRun(org, { tenantId: tenant.id, trigger: 'manual' });
  const started = performance.now();
  const evaluation = startEvaluation({ now: new Date() });
  let facts = 0;
  async function* evaluated(): AsyncGenerator<Fact> {
    for await (const fact of collect(connection, allowedEndpoints)) {
      facts++;
      evaluation.add(fact);
      yield fact;
    }
  }
  await store.writeCollection(org, run.id, conn.id, evaluated());
  const results = evaluation.finish();
  await store.writeResults(org, run.id, results);
  const wallMs = performance.now() - started;
  await database.close();
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`${JSON.stringify({ facts, wallMs, maxRssMb, results: results.length })}\n`);
} finally {
  if (admin?.driver === 'pg') await admin.pool.query(`DROP DATABASE IF EXISTS ${dbName}`);
  await admin?.close();
  await rm(dir, { recursive: true, force: true });
}
