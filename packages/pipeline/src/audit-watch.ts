import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { OrganizationId } from '@evident/core';
import { anchorAuditHeads, checkAnchors, type Database, listOrganizationIds, type Store } from '@evident/db';
import type { Logger } from 'pino';

export interface AuditWatchOptions {
  /** The append-only file the chain heads are anchored to (EVIDENT_AUDIT_ANCHOR_FILE). */
  anchorFile: string;
  /** How often each worker process verifies and anchors. */
  intervalMs?: number;
  now?: () => Date;
}

export const AUDIT_WATCH_INTERVAL_MS = 15 * 60_000;

export interface AuditWatchReport {
  anchored: number;
  broken: { organizationId: OrganizationId; brokenAt: number; problem: string }[];
}

/** Raises the alert once per break: a sweep every few minutes must not bury the dashboard under copies. */
async function alertOnce(store: Store, org: OrganizationId, broken: { brokenAt: number; problem: string }) {
  const known = await store.listAuditAlerts(org);
  if (known.some((a) => a.brokenAt === broken.brokenAt && a.problem === broken.problem)) return;
  await store.raiseAuditAlert(org, broken);
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
    await alertOnce(store, org, broken);
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
