import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { OrganizationId } from '@evident/core';
import { anchorAuditHeads, checkAnchors, type Database, listOrganizationIds, type Store } from '@evident/db';
import { enqueueAlertDeliveries, type JobsConnection } from '@evident/jobs';
import type { Logger } from 'pino';
import { chainBrokenNotice } from './notices.ts';

export interface AuditWatchOptions {
  /** The append-only file the chain heads are anchored to (EVIDENT_AUDIT_ANCHOR_FILE). */
  anchorFile: string;
  /** How often each worker process verifies and anchors. */
  intervalMs?: number;
  now?: () => Date;
  /** Where the broken chain's alert deliveries are enqueued; without it the alert sweeper enqueues them. */
  jobs?: JobsConnection;
  retry?: { attempts: number; backoffMs: number };
}

export const AUDIT_WATCH_INTERVAL_MS = 15 * 60_000;

export interface AuditWatchReport {
  anchored: number;
  broken: { organizationId: OrganizationId; brokenAt: number; problem: string }[];
}

/**
 * Raises the alert once per break: a sweep every few minutes must not bury the dashboard under copies. The stored
 * alert and the notice to the alert channels are one transaction.
 */
async function alertOnce(
  store: Store,
  org: OrganizationId,
  broken: { brokenAt: number; problem: string },
  options: AuditWatchOptions,
) {
  const rows = await store.transaction(async (tx) => {
    const known = await tx.listAuditAlerts(org);
    if (known.some((a) => a.brokenAt === broken.brokenAt && a.problem === broken.problem)) return [];
    await tx.raiseAuditAlert(org, broken);
    return tx.raiseAlertNotices(org, [chainBrokenNotice(org, broken, options.now?.() ?? new Date())]);
  });
  if (options.jobs) await enqueueAlertDeliveries(options.jobs, org, rows, options.retry);
}

/**
 * One pass over every organization: its chain must verify and still hold its last anchor; then the heads of the
 * sound chains are anchored. A break is stored as an audit alert (shown on the dashboard) and logged as an error.
 */
export async function watchAuditChains(
  store: Store,
  database: Database,
  logger: Logger,
  options: AuditWatchOptions,
): Promise<AuditWatchReport> {
  const report: AuditWatchReport = { anchored: 0, broken: [] };
  await mkdir(dirname(options.anchorFile), { recursive: true });
  const sound: OrganizationId[] = [];
  for (const org of await listOrganizationIds(database)) {
    const chain = await store.verifyAuditChain(org);
    const anchors = chain.valid ? await checkAnchors(store, org, options.anchorFile) : null;
    const broken = !chain.valid ? chain : anchors && !anchors.ok ? anchors : null;
    if (!broken) {
      sound.push(org);
      continue;
    }
    await alertOnce(store, org, broken, options);
    report.broken.push({ organizationId: org, brokenAt: broken.brokenAt, problem: broken.problem });
    logger.error({ organizationId: org, brokenAt: broken.brokenAt, problem: broken.problem }, 'audit chain broken');
  }
  const anchored = await anchorAuditHeads(store, sound, options.anchorFile, options.now);
  report.anchored = anchored.anchored;
  return report;
}

/** Watches now and then every `intervalMs`, one pass at a time, until stopped. */
export function startAuditWatch(store: Store, database: Database, logger: Logger, options: AuditWatchOptions) {
  let running: Promise<unknown> | undefined;
  const pass = () => {
    running ??= watchAuditChains(store, database, logger, options)
      .catch((err) => logger.error({ err }, 'audit chain verification failed'))
      .finally(() => {
        running = undefined;
      });
  };
  pass();
  const timer = setInterval(pass, options.intervalMs ?? AUDIT_WATCH_INTERVAL_MS);
  timer.unref();
  return {
    stop(): Promise<unknown> {
      clearInterval(timer);
      return running ?? Promise.resolve();
    },
  };
}
