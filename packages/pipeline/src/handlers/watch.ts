import { asConnectorError, type ChangeRead, createContext } from '@evident/connector-kit';
import { SecretDecryptionError } from '@evident/db';
import { enqueueReassess, type Payload } from '@evident/jobs';
import type { JobRuntime, WorkerDeps } from '../deps.ts';
import { countRequests, readIntervalMs } from '../watch-budget.ts';
import { kitLogger } from './collect.ts';

const clip = (s: string, max: number) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/** Whatever a connector returns is stored within the store's bounds: long words clipped, unusable events skipped. */
function storable(read: ChangeRead): Pick<ChangeRead, 'events' | 'skipped'> {
  const skipped = read.skipped.map((s) => ({
    id: s.id === null ? null : clip(s.id, 256),
    reason: clip(s.reason, 1_000),
  }));
  const events: ChangeRead['events'] = [];
  for (const e of read.events) {
    if (e.id.length === 0 || e.id.length > 256 || Number.isNaN(Date.parse(e.at))) {
      skipped.push({
        id: clip(e.id, 256) || null,
        reason: 'the connector returned an event without a usable id or time',
      });
      continue;
    }
    events.push({
      id: e.id,
      at: new Date(e.at).toISOString(),
      actor: e.actor === null ? null : clip(e.actor, 512),
      action: clip(e.action, 512),
      target: e.target === null ? null : clip(e.target, 512),
    });
  }
  return { events, skipped };
}

export type WatchOutcome =
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'failed'; code: string; reason: string }
  | { outcome: 'read'; fresh: number; skipped: number; requests: number };

/**
 * One poll of a connection's change trail: when its request budget allows, read from the stored cursor through a
 * limiter like its collections', store the changes not seen before with the new cursor, and queue the tenant's
 * re-assessment while changes are pending. A failed read is recorded with its gap code; the cursor stays.
 */
export async function watchConnection(deps: WorkerDeps, p: Payload<'watch'>, rt: JobRuntime): Promise<WatchOutcome> {
  const { store } = deps;
  const org = p.organizationId;
  const connection = await store.getConnection(org, p.connectionId);
  if (connection.status === 'disabled') return { outcome: 'skipped', reason: 'the connection is disabled' };
  const connector = deps.connectors[connection.kind];
  if (!connector.watch) return { outcome: 'skipped', reason: `${connection.kind} keeps no change trail to watch` };
  const state = await store.watchState(org, p.connectionId);
  if (state.collectionRequests === null)
    return { outcome: 'skipped', reason: 'waiting for a full collection to size the request budget' };
  const now = deps.now();
  const interval = readIntervalMs(deps.watch, {
    collection: state.collectionRequests,
    read: state.readRequests ?? 1,
  });
  if (state.lastReadAt && now.getTime() - Date.parse(state.lastReadAt) < interval)
    return { outcome: 'skipped', reason: `not due: one read per ${interval} ms keeps within the budget` };

  const fail = async (code: string, reason: string): Promise<WatchOutcome> => {
    await store.recordWatchFailure(org, p.connectionId, { code, message: reason.slice(0, 2_000), at: now });
    rt.logger.warn({ code, reason }, 'change trail not read');
    return { outcome: 'failed', code, reason };
  };
  let effective: Awaited<ReturnType<typeof store.readEffectiveConnection>>;
  try {
    effective = await store.readEffectiveConnection(org, p.connectionId);
  } catch (error) {
    if (!(error instanceof SecretDecryptionError)) throw error;
    return fail('auth_failed', "the connection's secret cannot be decrypted with the configured keys");
  }
  const config = connector.config.safeParse(effective.config);
  const secret = connector.secret.safeParse(effective.secret);
  if (!config.success || !secret.success)
    return fail('auth_failed', `the connection's settings are not valid for ${connection.kind}`);

  const limiter = countRequests(deps.limiterFor(connection.kind));
  let read: Awaited<ReturnType<typeof connector.watch.read>>;
  try {
    const ctx = createContext({
      connection: p.connectionId,
      config: config.data,
      secret: secret.data,
      signal: rt.signal,
      logger: kitLogger(rt.logger),
      limiter,
      egress: deps.egress,
      now: deps.now,
    });
    read = await connector.watch.read(ctx, state.cursor);
  } catch (error) {
    const e = asConnectorError(error);
    return fail(e.code, e.message);
  }
  const { events, skipped } = storable(read);
  for (const s of skipped) rt.logger.warn({ eventId: s.id, reason: s.reason }, 'change event skipped');
  const stored = await store.recordWatchRead(org, p.connectionId, {
    cursor: read.cursor,
    readAt: now,
    events,
    skipped,
    requests: limiter.count,
  });
  // Queued while any change is pending, not only fresh ones: a lost enqueue is made good by the next poll.
  if (stored.pending > 0)
    await enqueueReassess(deps.jobs, { organizationId: org, tenantId: connection.tenantId }, deps.watch.debounceMs);
  if (stored.fresh.length > 0)
    rt.logger.info(
      { changes: stored.fresh.map((e) => ({ id: e.id, at: e.at, actor: e.actor, action: e.action })) },
      'changes seen; re-assessment queued',
    );
  return { outcome: 'read', fresh: stored.fresh.length, skipped: skipped.length, requests: limiter.count };
}
