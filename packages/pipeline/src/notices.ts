import { createHash } from 'node:crypto';
import { type NoticeEvent, noticeOf } from '@evident/alerts';
import type { ConnectionId, OrganizationId, RunId, TenantId } from '@evident/core';
import { type Database, listOrganizationIds } from '@evident/db';
import { enqueueAlertDeliveries } from '@evident/jobs';
import type { Logger } from 'pino';
import type { WorkerDeps } from './deps.ts';

type Rows = { id: string; round: number }[];

/** After the commit; should this fail or the process die first, the sweeper enqueues the rows later. */
async function enqueue(deps: Pick<WorkerDeps, 'jobs' | 'alerts'>, org: OrganizationId, rows: Rows, logger: Logger) {
  await enqueueAlertDeliveries(deps.jobs, org, rows, deps.alerts?.retry).catch((err) =>
    logger.warn({ err, alerts: rows.length }, 'alerts not enqueued; the sweeper will'),
  );
}

/**
 * Flags a connection whose provider refused its credentials (`needs_attention`) and, in the same transaction, writes
 * the notice when the connection was not flagged already: a connection that stays broken alerts once, not per run.
 */
export async function flagAuthFailure(
  deps: Pick<WorkerDeps, 'store' | 'jobs' | 'alerts' | 'now'>,
  org: OrganizationId,
  input: { connectionId: ConnectionId; runId: RunId; reason: string },
  logger: Logger,
): Promise<void> {
  const rows = await deps.store.transaction(async (tx) => {
    const before = await tx.getConnection(org, input.connectionId);
    await tx.setConnectionStatus(org, input.connectionId, 'needs_attention', input.reason);
    if (before.status === 'needs_attention') return [];
    return tx.raiseAlertNotices(org, [
      noticeOf({
        type: 'connection.attention',
        tenantId: before.tenantId,
        subject: { kind: 'connection', id: before.id, name: before.name },
        cause: 'auth_failed',
        controlId: null,
        runId: input.runId,
        reason: `The provider refused the connection's credentials; collection stopped until they are fixed: ${input.reason}`,
        expiresAt: null,
        at: deps.now().toISOString(),
        occurrence: input.runId,
      }),
    ]);
  });
  await enqueue(deps, org, rows, logger);
}

const digest = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 16);

/** The notice of a broken audit chain: one per break (its position and problem), whichever worker sees it first. */
export const chainBrokenNotice = (
  org: OrganizationId,
  broken: { brokenAt: number; problem: string },
  at: Date,
): NoticeEvent =>
  noticeOf({
    type: 'audit.chain_broken',
    tenantId: null,
    subject: { kind: 'audit_log', id: org, name: 'audit log' },
    cause: 'chain_broken',
    controlId: null,
    runId: null,
    reason: `Evident's audit log no longer verifies from entry ${broken.brokenAt}: ${broken.problem}. Entries may have been altered or removed; the chain's anchors and backups say what changed.`,
    expiresAt: null,
    at: at.toISOString(),
    occurrence: `${broken.brokenAt}:${digest(broken.problem)}`,
  });

/** An export job's last failed attempt: one notice per job, in words, without the storage's settings. */
export async function exportFailed(
  deps: Pick<WorkerDeps, 'store' | 'jobs' | 'alerts' | 'now'>,
  p: { organizationId: OrganizationId; tenantId: TenantId },
  jobId: string,
  error: string,
  logger: Logger,
): Promise<void> {
  await deps.store.getTenant(p.organizationId, p.tenantId);
  const rows = await deps.store.raiseAlertNotices(p.organizationId, [
    noticeOf({
      type: 'export.failed',
      tenantId: p.tenantId,
      subject: { kind: 'export', id: jobId, name: 'evidence pack' },
      cause: 'export_failed',
      controlId: null,
      runId: null,
      reason: `The evidence pack was not exported after its last attempt: ${error.slice(0, 500)}`,
      expiresAt: null,
      at: deps.now().toISOString(),
      occurrence: 'final',
    }),
  ]);
  await enqueue(deps, p.organizationId, rows, logger);
}

export const EXCEPTION_NOTICE_DAYS = 7;
const DAY_MS = 86_400_000;

/**
 * Every organization's exceptions that expire within seven days raise one notice each (keyed by the exception and
 * its expiry, so an extended exception alerts again before its new date). Returns how many notices were written.
 */
export async function sweepExpiringExceptions(
  deps: Pick<WorkerDeps, 'store' | 'jobs' | 'alerts' | 'now'>,
  database: Database,
  logger: Logger,
): Promise<number> {
  const now = deps.now();
  const horizon = now.getTime() + EXCEPTION_NOTICE_DAYS * DAY_MS;
  let written = 0;
  for (const org of await listOrganizationIds(database)) {
    const events: NoticeEvent[] = [];
    for (const tenant of await deps.store.listTenants(org)) {
      for (const e of await deps.store.activeExceptions(org, tenant.id, now)) {
        if (new Date(e.expiresAt).getTime() > horizon) continue;
        events.push(
          noticeOf({
            type: 'exception.expiring',
            tenantId: tenant.id,
            subject: { kind: 'exception', id: e.id, name: `${e.controlId} for ${e.subject}` },
            cause: 'exception_expiring',
            controlId: e.controlId === '*' ? null : e.controlId,
            runId: null,
            reason: `The accepted risk of ${e.subject} on ${e.controlId} ends on ${e.expiresAt}; after that the control counts it again. Renew it or fix the subject.`,
            expiresAt: e.expiresAt,
            at: now.toISOString(),
            occurrence: e.expiresAt,
          }),
        );
      }
    }
    const rows = await deps.store.raiseAlertNotices(org, events);
    written += rows.length;
    await enqueue(deps, org, rows, logger);
  }
  return written;
}
