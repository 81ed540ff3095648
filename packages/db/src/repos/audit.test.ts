import { newId } from '@evident/core';
import { type SQL, sql } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { describeBothDrivers } from '../testing/test-databases.ts';
import { GENESIS_HASH } from './audit.ts';

describeBothDrivers('audit log', (t) => {
  const newOrg = async () => {
    const org = newId('org');
    await t().store.createOrganization(org, { name: 'Audited MSP' });
    return org;
  };

  it('chains each event to the one before and verifies the chain', async () => {
    const { store } = t();
    const org = await newOrg();
    expect(await store.verifyAuditChain(org)).toEqual({ valid: true, events: 0, head: null });
    const a = await store.appendAudit(org, {
      actor: 'usr_1',
      action: 'tenant.create',
      target: 'ten_1',
      data: { name: 'Contoso', n: 1.5 },
    });
    const b = await store.appendAudit(org, {
      actor: 'system',
      action: 'assessment.finish',
      data: { nested: { z: 1, a: [true, null] } },
    });
    expect(a).toMatchObject({ seq: 1, prevHash: GENESIS_HASH, target: 'ten_1' });
    expect(b).toMatchObject({ seq: 2, prevHash: a.hash, target: null });
    expect(b.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await store.verifyAuditChain(org)).toEqual({ valid: true, events: 2, head: b.hash });
    expect(await store.listAudit(org, { afterSeq: 1 })).toEqual([b]);
  });

  it('keeps one unbroken chain under concurrent appends', async () => {
    const { store } = t();
    const org = await newOrg();
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => store.appendAudit(org, { actor: 'system', action: `job.${i}` })),
    );
    const events = await store.listAudit(org);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(await store.verifyAuditChain(org)).toMatchObject({ valid: true, events: 20 });
  });

  it('is refused UPDATE, DELETE and TRUNCATE by the database itself', async () => {
    const { store, database } = t();
    const org = await newOrg();
    await store.appendAudit(org, { actor: 'system', action: 'x' });
    const refusal = (statement: SQL) =>
      database.drizzle.execute(statement).then(
        () => 'accepted',
        (e: Error) => (e.cause instanceof Error ? e.cause.message : e.message),
      );
    expect(await refusal(sql`update audit_events set actor = 'mallory' where organization_id = ${org}`)).toBe(
      'audit_events is append-only: UPDATE refused',
    );
    expect(await refusal(sql`delete from audit_events where organization_id = ${org}`)).toBe(
      'audit_events is append-only: DELETE refused',
    );
    expect(await refusal(sql`truncate audit_events`)).toBe('audit_events is append-only: TRUNCATE refused');
    expect(await store.verifyAuditChain(org)).toMatchObject({ valid: true, events: 1 });
  });

  it('detects an altered event and a removed one', async () => {
    const { store, database } = t();
    const altered = await newOrg();
    const removed = await newOrg();
    for (const org of [altered, removed]) {
      for (const action of ['share.create', 'share.access', 'export.download']) {
        await store.appendAudit(org, { actor: 'usr_1', action, data: { tenant: 'ten_1' } });
      }
    }
    // Only someone who can switch the trigger off gets this far; the chain still tells.
    await database.drizzle.transaction(async (tx) => {
      await tx.execute(sql`alter table audit_events disable trigger audit_events_append_only`);
      await tx.execute(
        sql`update audit_events set data = '{"tenant":"ten_2"}' where organization_id = ${altered} and seq = 2`,
      );
      await tx.execute(sql`delete from audit_events where organization_id = ${removed} and seq = 2`);
      await tx.execute(sql`alter table audit_events enable trigger audit_events_append_only`);
    });
    expect(await store.verifyAuditChain(altered)).toEqual({
      valid: false,
      events: 1,
      brokenAt: 2,
      problem: 'event 2 does not match its hash',
    });
    expect(await store.verifyAuditChain(removed)).toEqual({
      valid: false,
      events: 1,
      brokenAt: 2,
      problem: 'event 2 is missing (the next is 3)',
    });
  });

  it('detects a re-hashed event by the link of the one after it', async () => {
    const { store, database } = t();
    const org = await newOrg();
    await store.appendAudit(org, { actor: 'usr_1', action: 'a' });
    await store.appendAudit(org, { actor: 'usr_1', action: 'b' });
    await database.drizzle.transaction(async (tx) => {
      await tx.execute(sql`alter table audit_events disable trigger audit_events_append_only`);
      await tx.execute(sql`update audit_events set hash = repeat('f', 64) where organization_id = ${org} and seq = 1`);
      await tx.execute(sql`alter table audit_events enable trigger audit_events_append_only`);
    });
    expect(await store.verifyAuditChain(org)).toMatchObject({ valid: false, brokenAt: 1 });
  });
});
