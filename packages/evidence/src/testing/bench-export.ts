import { createWriteStream } from 'node:fs';
import { resourceUsage } from 'node:process';
import { newId } from '@evident/core';
import { createDatabase, createStore, generateSecretKey, migrate } from '@evident/db';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { streamPack } from '../export-pack.ts';
import { packWorld } from './world.ts';

/** A database holding one tenant of `identities` people, made by `seedBench` and dropped by `dropBench`. */
export const seeded = z.object({
  server: z.string().regex(/^postgres(ql)?:\/\//),
  name: z.string().regex(/^evident_bench_[a-z0-9_]+$/),
  url: z.string(),
  key: z.object({ id: z.string(), key: z.string() }),
  org: z.string(),
  tenant: z.string(),
});
export type Seeded = z.infer<typeof seeded>;

/** `server`: a PostgreSQL URL the new database is created on (and later dropped from). */
export async function seedBench(server: string, identities: number): Promise<Seeded> {
  const name = `evident_bench_${newId('org').slice(-10)}`;
  const admin = await createDatabase({ url: server });
  await admin.drizzle.execute(sql.raw(`create database ${name}`));
  await admin.close();
  const url = server.replace(/\/[^/]*$/, `/${name}`);
  const database = await createDatabase({ url });
  try {
    await migrate(database);
    const key = { id: 'bench', key: generateSecretKey() };
    const world = await packWorld(createStore(database, { secrets: { current: key } }), identities);
    // The test server runs without autovacuum: statistics as a production server would have them after the write.
    await database.drizzle.execute(sql`analyze`);
    return { server, name, url, key, org: world.org, tenant: world.tenant };
  } finally {
    await database.close();
  }
}

export async function dropBench(s: Seeded): Promise<void> {
  const admin = await createDatabase({ url: s.server });
  try {
    await admin.drizzle.execute(sql.raw(`drop database if exists ${seeded.shape.name.parse(s.name)} with (force)`));
  } finally {
    await admin.close();
  }
}

/** Streams the pack into the file `out`: its time, sizes and the process's peak RSS (`maxRSS`, as `time -v`). */
export async function benchExport(s: Seeded, out: string) {
  const database = await createDatabase({ url: s.url });
  const store = createStore(database, { secrets: { current: s.key } });
  const stream = createWriteStream(out);
  const started = performance.now();
  let bytes = 0;
  try {
    const written = await streamPack(
      store,
      { organizationId: s.org, tenantId: s.tenant },
      {
        write: (chunk) =>
          new Promise<void>((ok, fail) => {
            bytes += chunk.length;
            stream.write(chunk, (e) => (e ? fail(e) : ok()));
          }),
      },
    );
    await new Promise<void>((ok) => stream.end(ok));
    const identities = written.manifest.files.find((f) => f.path === 'identities.csv');
    return {
      wallMs: performance.now() - started,
      bytes,
      identitiesCsvBytes: identities?.size ?? 0,
      maxRssMb: resourceUsage().maxRSS / 1024,
    };
  } finally {
    await database.close();
  }
}
