import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newId, type OrganizationId } from '@evident/core';
import { createDatabase, createStore, generateSecretKey, migrate, type Store } from '@evident/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidentWith } from './testing/spawn.ts';

describe('evident audit', () => {
  let dir: string;
  let org: OrganizationId;
  const key = generateSecretKey();
  const env = () => ({ DATABASE_URL: join(dir, 'pgdata'), EVIDENT_SECRET_KEY: key, EVIDENT_SECRET_KEY_ID: 'k1' });
  const withStore = async <T>(work: (store: Store, sql: (s: string) => Promise<unknown>) => Promise<T>) => {
    const database = await createDatabase({ url: join(dir, 'pgdata') });
    try {
      if (database.driver !== 'pglite') throw new Error('expected PGlite');
      const store = createStore(database, { secrets: { current: { id: 'k1', key } } });
      return await work(store, (s) => database.client.exec(s));
    } finally {
      await database.close();
    }
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evident-audit-'));
    org = newId('org');
    const database = await createDatabase({ url: join(dir, 'pgdata') });
    await migrate(database);
    await database.close();
    await withStore(async (store) => {
      await store.createOrganization(org, { name: 'Acme MSP' });
      await store.appendAudit(org, { actor: 'usr_1', action: 'tenant.create' });
      await store.appendAudit(org, { actor: 'usr_1', action: 'connection.create' });
    });
  }, 120_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('anchors the heads, verifies, and turns a rewrite into an alert and exit 1', async () => {
    const anchors = join(dir, 'anchors.jsonl');
    const anchored = await evidentWith(env(), 'audit', 'anchor', '--anchors', anchors);
    expect(anchored.code, anchored.stderr).toBe(0);
    expect(JSON.parse((await readFile(anchors, 'utf8')).trim())).toMatchObject({ organizationId: org, events: 2 });
    const ok = await evidentWith(env(), 'audit', 'verify', '--anchors', anchors);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toContain(`${org}: ok, 2 events`);

    // The owner switches the trigger off and edits an entry: the HMAC and the anchor both disagree now.
    await withStore((_store, sql) =>
      sql(`alter table audit_events disable trigger audit_events_append_only;
           update audit_events set actor = 'someone-else' where organization_id = '${org}' and seq = 2;
           alter table audit_events enable trigger audit_events_append_only;`),
    );
    const broken = await evidentWith(env(), 'audit', 'verify', '--anchors', anchors);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(new RegExp(`${org}: BROKEN at event 2`));
    const alerts = await withStore((store) => store.listAuditAlerts(org));
    expect(alerts).toEqual([expect.objectContaining({ brokenAt: 2 })]);
  }, 120_000);
});
