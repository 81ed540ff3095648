import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openTestDatabase, seed, type TestDatabase } from '@evident/db/testing';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { watchAuditChains } from './audit-watch.ts';

let t: TestDatabase;
let dir: string;
beforeAll(async () => {
  t = await openTestDatabase('pg');
  dir = await mkdtemp(join(tmpdir(), 'evident-anchor-'));
});
afterAll(async () => {
  await t?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Logs to an array: the error line is part of what the schedule promises. */
function capture() {
  const lines: { level: number; msg: string; organizationId?: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (s: string) => lines.push(JSON.parse(s)) });
  return { logger, lines };
}

it('anchors every sound chain; a tampered one raises one stored alert and an error log, and is not anchored', async () => {
  const { store, database } = t;
  const sound = await seed(store);
  const tampered = await seed(store);
  for (const { org } of [sound, tampered])
    for (const action of ['share.create', 'share.access', 'export.download'])
      await store.appendAudit(org, { actor: 'usr_1', action, data: { tenant: 'ten_1' } });
  const anchorFile = join(dir, 'nested', 'anchors.jsonl');

  const first = capture();
  expect(await watchAuditChains(store, database, first.logger, { anchorFile })).toEqual({ anchored: 2, broken: [] });
  expect(await store.listAuditAlerts(tampered.org)).toEqual([]);

  await database.drizzle.transaction(async (tx) => {
    await tx.execute(sql`alter table audit_events disable trigger audit_events_append_only`);
    await tx.execute(
      sql`update audit_events set data = '{"tenant":"ten_2"}' where organization_id = ${tampered.org} and seq = 2`,
    );
    await tx.execute(sql`alter table audit_events enable trigger audit_events_append_only`);
  });
  const second = capture();
  const report = await watchAuditChains(store, database, second.logger, { anchorFile });
  expect(report).toEqual({
    anchored: 1,
    broken: [{ organizationId: tampered.org, brokenAt: 2, problem: 'event 2 does not match its hash' }],
  });
  expect(second.lines.filter((l) => l.level === 50)).toEqual([
    expect.objectContaining({ msg: 'audit chain broken', organizationId: tampered.org }),
  ]);
  // The next pass finds the same break: still one alert.
  await watchAuditChains(store, database, capture().logger, { anchorFile });
  const alerts = await store.listAuditAlerts(tampered.org);
  expect(alerts).toMatchObject([{ brokenAt: 2, problem: 'event 2 does not match its hash' }]);
  expect(await store.listAuditAlerts(sound.org)).toEqual([]);
  const anchored = (await readFile(anchorFile, 'utf8'))
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l).organizationId);
  expect(anchored.filter((o) => o === tampered.org)).toHaveLength(1);
  expect(anchored.filter((o) => o === sound.org)).toHaveLength(3);
});

it('a chain cut back behind its anchor still verifies on its own; the anchor catches it', async () => {
  const { store, database } = t;
  const { org } = await seed(store);
  await store.appendAudit(org, { actor: 'usr_1', action: 'share.create', data: {} });
  const anchorFile = join(dir, 'rewrite.jsonl');
  await watchAuditChains(store, database, capture().logger, { anchorFile });
  // Truncating the chain leaves a valid but shorter chain: only the anchor tells.
  await database.drizzle.transaction(async (tx) => {
    await tx.execute(sql`alter table audit_events disable trigger audit_events_append_only`);
    await tx.execute(sql`delete from audit_events where organization_id = ${org}`);
    await tx.execute(sql`alter table audit_events enable trigger audit_events_append_only`);
  });
  expect((await store.verifyAuditChain(org)).valid).toBe(true);
  const report = await watchAuditChains(store, database, capture().logger, { anchorFile });
  expect(report.broken.filter((b) => b.organizationId === org)).toEqual([
    { organizationId: org, brokenAt: 1, problem: expect.stringContaining('is gone') },
  ]);
  expect(await store.listAuditAlerts(org)).toHaveLength(1);
});
