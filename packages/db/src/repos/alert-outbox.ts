import { deriveEvents, isControlEvent, type NoticeEvent, routeEvents } from '@evident/alerts';
import type { ControlResult, ControlStatus, OrganizationId, RunId } from '@evident/core';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client.ts';
import type { AssessmentRun } from '../domain.ts';
import { alertDigestItems, alertFlaps, alertMutes, alertOutbox, alertRules } from '../schema/alerts.ts';
import { alertId, rowToRule } from './alerts.ts';

/**
 * Derives the run's alert events and writes one outbox row per (event, channel), inside the caller's transaction
 * (the one storing the verdicts): a crash loses both or neither, and the unique key makes a second derivation a no-op.
 * Flap state is read and written here too, so every worker sees the same.
 */
export async function writeAlertOutbox(
  tx: Db,
  org: OrganizationId,
  run: AssessmentRun,
  previousRunId: RunId,
  before: ReadonlyMap<string, ControlStatus>,
  results: readonly ControlResult[],
): Promise<void> {
  const events = deriveEvents({ tenantId: run.tenantId, runId: run.id, previousRunId, before, after: results });
  if (events.length === 0) return;
  const rules = (await tx.select().from(alertRules).where(eq(alertRules.organizationId, org))).map(rowToRule);
  if (rules.length === 0) return;
  const [mute] = await tx
    .select({ until: alertMutes.until })
    .from(alertMutes)
    .where(and(eq(alertMutes.organizationId, org), eq(alertMutes.tenantId, run.tenantId)));
  const flapKey = and(eq(alertFlaps.organizationId, org), eq(alertFlaps.tenantId, run.tenantId));
  const flaps = await tx
    .select()
    .from(alertFlaps)
    .where(
      and(
        flapKey,
        inArray(
          alertFlaps.controlId,
          events.map((e) => e.controlId),
        ),
      ),
    )
    .for('update');
  const routing = routeEvents(events, run.tenantId, {
    rules,
    mutedUntil: mute?.until ?? null,
    lastAlerted: new Map(flaps.map((f) => [f.controlId, f.lastAlertedAt])),
  });
  if (routing.deliveries.length > 0) {
    await tx
      .insert(alertOutbox)
      .values(
        routing.deliveries.map((d) => ({
          id: alertId('alo'),
          organizationId: org,
          tenantId: run.tenantId,
          channelId: d.channelId,
          runId: run.id,
          dedupeKey: d.event.dedupeKey,
          event: d.event,
        })),
      )
      .onConflictDoNothing({ target: [alertOutbox.organizationId, alertOutbox.channelId, alertOutbox.dedupeKey] });
  }
  if (routing.digests.length > 0) {
    await tx
      .insert(alertDigestItems)
      .values(
        routing.digests.map((d) => ({
          organizationId: org,
          ruleId: d.ruleId,
          dedupeKey: d.event.dedupeKey,
          tenantId: run.tenantId,
          event: d.event,
        })),
      )
      .onConflictDoNothing();
  }
  for (const a of routing.alerted) {
    await tx
      .insert(alertFlaps)
      .values({ organizationId: org, tenantId: run.tenantId, controlId: a.controlId, lastAlertedAt: a.at })
      .onConflictDoUpdate({
        target: [alertFlaps.organizationId, alertFlaps.tenantId, alertFlaps.controlId],
        set: { lastAlertedAt: a.at, suppressed: 0 },
      });
  }
  const flapping = routing.suppressed.flatMap((s) =>
    s.why === 'flapping' && isControlEvent(s.event) ? [s.event.controlId] : [],
  );
  if (flapping.length > 0) {
    await tx
      .update(alertFlaps)
      .set({ suppressed: sql`${alertFlaps.suppressed} + 1` })
      .where(and(flapKey, inArray(alertFlaps.controlId, flapping)));
  }
}

/** The run's rows still waiting for delivery: what the caller enqueues once the transaction has committed. */
export async function pendingOutboxOfRun(tx: Db, org: OrganizationId, runId: RunId) {
  return tx
    .select({ id: alertOutbox.id, round: alertOutbox.round })
    .from(alertOutbox)
    .where(and(eq(alertOutbox.organizationId, org), eq(alertOutbox.runId, runId), eq(alertOutbox.status, 'pending')));
}

/**
 * Writes notices (events that are not verdict changes) to the outbox through the organization's rules and the
 * tenant's mute, inside the caller's transaction: the one that records what the notice reports. Returns the rows
 * written now, for the caller to enqueue once committed; a notice already written (same key) writes nothing.
 */
export async function writeNoticeOutbox(
  tx: Db,
  org: OrganizationId,
  events: readonly NoticeEvent[],
): Promise<{ id: string; round: number }[]> {
  if (events.length === 0) return [];
  const rules = (await tx.select().from(alertRules).where(eq(alertRules.organizationId, org))).map(rowToRule);
  if (rules.length === 0) return [];
  const written: { id: string; round: number }[] = [];
  for (const tenantId of new Set(events.map((e) => e.tenantId))) {
    const [mute] = tenantId
      ? await tx
          .select({ until: alertMutes.until })
          .from(alertMutes)
          .where(and(eq(alertMutes.organizationId, org), eq(alertMutes.tenantId, tenantId)))
      : [];
    const routing = routeEvents(
      events.filter((e) => e.tenantId === tenantId),
      tenantId,
      { rules, mutedUntil: mute?.until ?? null, lastAlerted: new Map() },
    );
    if (routing.deliveries.length === 0) continue;
    const rows = await tx
      .insert(alertOutbox)
      .values(
        routing.deliveries.map((d) => ({
          id: alertId('alo'),
          organizationId: org,
          tenantId,
          channelId: d.channelId,
          runId: d.event.runId,
          dedupeKey: d.event.dedupeKey,
          event: d.event,
        })),
      )
      .onConflictDoNothing({ target: [alertOutbox.organizationId, alertOutbox.channelId, alertOutbox.dedupeKey] })
      .returning({ id: alertOutbox.id, round: alertOutbox.round });
    written.push(...rows);
  }
  return written;
}
