import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertMessage, type NoticeMessage } from '@evident/alerts';
import { egressPolicy } from '@evident/connector-kit';
import type { TenantId } from '@evident/core';
import { localStorage } from '@evident/evidence';
import { JOBS } from '@evident/jobs';
import {
  type SmtpSimulator,
  startSmtpSimulator,
  startWebhookCatcher,
  type WebhookCatcher,
} from '@evident/simulators/alerts';
import { Queue } from 'bullmq';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRun, waitForRun, watchAuditChains } from './index.ts';
import { sweepExpiringExceptions } from './notices.ts';
import { openWorld, type World } from './testing/world.ts';

const SIGNING = 'an-end-to-end-signing-secret-of-32-chars';
const ORIGIN = 'https://evident.example.com';
const DAY = 86_400_000;
const PACK_SECRET = 'the-pack-announcement-secret';

let w: World;
let catcher: WebhookCatcher;
let smtp: SmtpSimulator;
let tenant: TenantId;
let dir: string;
const logger = pino({ level: 'silent' });

async function poll<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every request the webhook got for notices of `type`, as parsed messages. */
const hooks = (type: NoticeMessage['type']) =>
  catcher.requests
    .filter((r) => r.path === '/notices')
    .map((r) => alertMessage.parse(JSON.parse(r.body)))
    .filter((m): m is NoticeMessage => m.type === type);
const mails = (words: string) => smtp.mails.filter((m) => m.parsed.subject?.includes(words));

/** Exactly one delivery of the notice at each simulator, and no second one after a few sweeps. */
async function deliveredOnce(type: NoticeMessage['type'], words: string): Promise<NoticeMessage> {
  await poll(`${type} at the webhook`, async () => (hooks(type).length > 0 ? true : undefined));
  await poll(`${type} by mail`, async () => (mails(words).length > 0 ? true : undefined));
  await new Promise((r) => setTimeout(r, 1_500));
  expect(hooks(type)).toHaveLength(1);
  expect(mails(words)).toHaveLength(1);
  const rows = (await w.store.listAlertDeliveries(w.org)).filter((d) => d.event.type === type);
  expect(rows.map((r) => r.status)).toEqual(['delivered', 'delivered']);
  return hooks(type)[0]!;
}

beforeAll(async () => {
  w = await openWorld(['healthy']);
  tenant = w.tenants.get('northwind')!;
  dir = await mkdtemp(join(tmpdir(), 'evident-notices-'));
  catcher = await startWebhookCatcher();
  smtp = await startSmtpSimulator();
  const notices = ['connection.attention', 'audit.chain_broken', 'export.failed', 'exception.expiring'] as const;
  const hook = await w.store.createAlertChannel(w.org, {
    kind: 'webhook',
    name: 'hook',
    config: { url: `${catcher.origin}/notices` },
    secret: { signingSecret: SIGNING },
  });
  const mail = await w.store.createAlertChannel(w.org, {
    kind: 'email',
    name: 'mail',
    config: {
      host: '127.0.0.1',
      port: smtp.port,
      secure: false,
      from: 'alerts@acme.example',
      to: ['soc@acme.example'],
    },
    secret: {},
  });
  for (const c of [hook, mail]) await w.store.addAlertRule(w.org, { channelId: c.id, eventTypes: [...notices] });
  // The pack is stored, but the receiver of its announcement refuses it: every export job fails.
  catcher.answer('/packs', 410);
  await w.start({
    egress: egressPolicy(`${w.sims.allowedEndpoints},${new URL(catcher.origin).host},127.0.0.1:${smtp.port}`),
    exports: {
      storage: localStorage(join(dir, 'packs')),
      webhook: { url: `${catcher.origin}/packs`, secret: PACK_SECRET },
    },
    alerts: { publicOrigin: ORIGIN, retry: { attempts: 3, backoffMs: 50 }, sweep: { intervalMs: 300, graceMs: 1_000 } },
  });
}, 120_000);
afterAll(async () => {
  await w?.close();
  await catcher?.close();
  await smtp?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('notices through a running worker', () => {
  it('a connection whose credentials are refused alerts once, not again while it stays broken', async () => {
    const entra = (await w.store.listConnections(w.org, { tenantId: tenant })).find((c) => c.kind === 'entra')!;
    w.sims.graph!.faults.set('northwind', { tokenExpiresAfter: w.sims.graph!.faults.requestCount('northwind') + 1 });
    for (let i = 0; i < 2; i++) {
      const run = await openRun(w.store, w.jobs, { organizationId: w.org, tenantId: tenant, trigger: 'manual' });
      await waitForRun(w.store, w.org, run.id, { timeoutMs: 60_000 });
    }
    w.sims.graph!.faults.set('northwind', {});
    expect(await w.store.getConnection(w.org, entra.id)).toMatchObject({ status: 'needs_attention' });
    const m = await deliveredOnce('connection.attention', 'needs attention');
    expect(m).toMatchObject({
      tenant: { id: tenant },
      subject: { kind: 'connection', id: entra.id },
      cause: 'auth_failed',
      url: `${ORIGIN}/tenants/${tenant}`,
    });
    expect(m.reason).toMatch(/refused the connection's credentials.*auth_failed/);
    expect(JSON.stringify(m)).not.toContain(SIGNING);
  });

  it('a broken audit chain alerts once, however often the watch finds it', async () => {
    await w.store.appendAudit(w.org, { actor: 'usr_1', action: 'share.create', data: { tenant } });
    await w.db.database.drizzle.transaction(async (tx) => {
      await tx.execute(sql`alter table audit_events disable trigger audit_events_append_only`);
      await tx.execute(
        sql`update audit_events set data = '{"tampered":true}' where organization_id = ${w.org} and seq = 1`,
      );
      await tx.execute(sql`alter table audit_events enable trigger audit_events_append_only`);
    });
    const options = { anchorFile: join(dir, 'anchors.jsonl'), jobs: w.jobs };
    for (let i = 0; i < 2; i++) {
      const report = await watchAuditChains(w.store, w.db.database, logger, options);
      expect(report.broken).toMatchObject([{ organizationId: w.org, brokenAt: 1 }]);
    }
    const m = await deliveredOnce('audit.chain_broken', 'audit log chain is broken');
    expect(m).toMatchObject({ tenant: null, url: `${ORIGIN}/audit`, cause: 'chain_broken' });
    expect(m.reason).toContain('entry 1');
  });

  it("an export's last failed attempt alerts once; the earlier attempts do not", async () => {
    const queue = new Queue(JOBS.export.queue, { connection: w.producer, prefix: w.prefix });
    try {
      await queue.add(
        'export',
        { organizationId: w.org, tenantId: tenant },
        { jobId: 'export-fails', attempts: 2, backoff: { type: 'fixed', delay: 50 } },
      );
      const job = await poll('the export to fail twice', async () => {
        const j = await queue.getJob('export-fails');
        return j && (await j.isFailed()) ? j : undefined;
      });
      expect(job.attemptsMade).toBe(2);
    } finally {
      await queue.close();
    }
    const m = await deliveredOnce('export.failed', 'evidence pack export failed');
    expect(m).toMatchObject({
      tenant: { id: tenant },
      subject: { kind: 'export', id: 'export-fails' },
      url: `${ORIGIN}/tenants/${tenant}/schedules`,
    });
    expect(m.reason).toContain('not exported after its last attempt');
    expect(m.reason).toContain('HTTP 410');
    expect(catcher.requests.filter((r) => r.path === '/packs')).toHaveLength(2);
    expect(JSON.stringify(m)).not.toContain(PACK_SECRET);
  });

  it('an exception expiring within seven days alerts once; one expiring later does not', async () => {
    const now = w.clock.now().getTime();
    const soon = await w.store.createException(w.org, tenant, {
      controlId: 'MFA-01',
      subject: 'breakglass@northwind.example',
      reason: 'break-glass account',
      approver: 'ciso@northwind.example',
      expiresAt: new Date(now + 3 * DAY).toISOString(),
    });
    await w.store.createException(w.org, tenant, {
      controlId: 'MFA-01',
      subject: 'svc@northwind.example',
      reason: 'service account',
      approver: 'ciso@northwind.example',
      expiresAt: new Date(now + 30 * DAY).toISOString(),
    });
    const deps = { store: w.store, jobs: w.jobs, now: w.clock.now };
    // The worker's own sweep may see them first: either way, one alert per exception and channel.
    await sweepExpiringExceptions(deps, w.db.database, logger);
    expect(await sweepExpiringExceptions(deps, w.db.database, logger)).toBe(0);
    const m = await deliveredOnce('exception.expiring', 'exception');
    expect(m).toMatchObject({
      subject: { kind: 'exception', id: soon.id },
      expiresAt: soon.expiresAt,
      url: `${ORIGIN}/tenants/${tenant}/exceptions`,
    });
    expect(m.reason).toContain('breakglass@northwind.example');
  });
});
