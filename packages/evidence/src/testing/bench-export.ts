/**
 * Peak memory of a large export, in two processes so the export is measured alone:
 *   tsx bench-export.ts seed 300000            → prints the JSON the next step takes
 *   /usr/bin/time -v tsx bench-export.ts export '<json>' OUT.zip
 */
import { createWriteStream } from 'node:fs';
import { argv, memoryUsage, stdout } from 'node:process';
import { newId } from '@evident/core';
import { createDatabase, createStore, generateSecretKey, migrate } from '@evident/db';
import { sql } from 'drizzle-orm';
import { streamPack } from '../export-pack.ts';
import { packWorld } from './world.ts';

const SERVER = 'postgres://postgres@127.0.0.1:5432/postgres';

interface Seeded {
  url: string;
  key: { id: string; key: string };
  org: string;
  tenant: string;
}

export async function seedBench(identities: number): Promise<Seeded> {
  const name = `evident_bench_${newId('org').slice(-10)}`;
  const admin = await createDatabase({ url: SERVER });
  await admin.drizzle.execute(sql.raw(`create database ${name}`));
  await admin.close();
  const url = SERVER.replace(/\/postgres$/, `/${name}`);
  const database = await createDatabase({ url });
  await migrate(database);
  const key = { id: 'bench', key: generateSecretKey() };
  const world = await packWorld(createStore(database, { secrets: { current: key } }), identities);
  // The test server runs without autovacuum: statistics as a production server would have them after the write.
  await database.drizzle.execute(sql`analyze`);
  await database.close();
  return { url, key, org: world.org, tenant: world.tenant };
}

/** Streams the pack into `out`; the time and the heap and RSS sampled while it ran. */
export async function benchExport(seeded: Seeded, out: string) {
  const database = await createDatabase({ url: seeded.url });
  const store = createStore(database, { secrets: { current: seeded.key } });
  const stream = createWriteStream(out);
  let peakRss = 0;
  const sample = setInterval(() => {
    peakRss = Math.max(peakRss, memoryUsage.rss());
  }, 50);
  const started = performance.now();
  let bytes = 0;
  try {
    const written = await streamPack(
      store,
      { organizationId: seeded.org, tenantId: seeded.tenant },
      {
        write: (chunk) =>
          new Promise<void>((ok, fail) => {
            bytes += chunk.length;
            stream.write(chunk, (e) => (e ? fail(e) : ok()));
          }),
      },
    );
    await new Promise<void>((ok) => stream.end(ok));
    const identities = written.manifest.files.find((f) => f.path === 'identities.csv')!;
    return {
      ms: Math.round(performance.now() - started),
      bytes,
      identitiesCsvBytes: identities.size,
      peakRssMb: Math.round(peakRss / 2 ** 20),
    };
  } finally {
    clearInterval(sample);
    await database.close();
  }
}

if (argv[1]?.endsWith('bench-export.ts')) {
  const [, , mode, arg, out] = argv;
  const result = mode === 'seed' ? await seedBench(Number(arg)) : await benchExport(JSON.parse(arg!) as Seeded, out!);
  stdout.write(`${JSON.stringify(result)}\n`);
}
