import { type CheckResult, createContext, type Logger as KitLogger } from '@evident/connector-kit';
import { SecretDecryptionError } from '@evident/db';
import type { Payload } from '@evident/jobs';
import { UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import type { JobRuntime, WorkerDeps } from '../deps.ts';
import { flagAuthFailure } from '../notices.ts';
import { watchFacts } from '../verdict.ts';
import { countRequests } from '../watch-budget.ts';
import { undecryptable } from './undecryptable.ts';

export type CollectOutcome =
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'stored'; collectionId: string; facts: number; gaps: number; created: boolean };

export const kitLogger = (log: Logger): KitLogger => ({
  debug: (message, data) => log.debug(data ?? {}, message),
  info: (message, data) => log.info(data ?? {}, message),
  warn: (message, data) => log.warn(data ?? {}, message),
  error: (message, data) => log.error(data ?? {}, message),
});

const issuePaths = (issues: readonly { path: readonly PropertyKey[] }[]) =>
  issues.map((i) => i.path.map(String).join('.') || '(root)').join(', ');

/**
 * Why a connection that needs attention still does, from its access check run again after a kept collection: the
 * items not granted, or null when the check passes. A check that cannot run keeps the flag.
 */
export async function attentionReason(check: () => Promise<CheckResult>): Promise<string | null> {
  const result = await check().catch((error: unknown) => ({ error }));
  if ('error' in result)
    return `the access check could not run: ${String((result.error as Error)?.message ?? result.error)}`;
  if (result.ok) return null;
  const open = result.items.filter((i) => i.status !== 'granted');
  const named = open.map((i) => `${i.name} ${i.status === 'missing' ? 'is missing' : 'could not be checked'}`);
  return `The access check still fails${named.length > 0 ? `: ${named.join('; ')}` : ''}.`;
}

/**
 * Runs one connection's connector and streams what it yields into the store. A retry of a (run, connection)
 * that already has a collection calls no provider and writes nothing.
 */
export async function collect(deps: WorkerDeps, p: Payload<'collect'>, rt: JobRuntime): Promise<CollectOutcome> {
  const { store } = deps;
  const org = p.organizationId;
  const existing = (await store.listCollections(org, p.runId)).find((c) => c.connectionId === p.connectionId);
  if (existing) return { outcome: 'skipped', reason: `already collected as ${existing.id}` };
  const connection = await store.getConnection(org, p.connectionId);
  if (connection.tenantId !== p.tenantId) throw new UnrecoverableError('the connection belongs to another tenant');
  if (connection.status === 'disabled') return { outcome: 'skipped', reason: 'the connection is disabled' };

  const connector = deps.connectors[connection.kind];
  // A connection made from a provider account runs with the account's current config and secret under its own.
  const effective = await store.readEffectiveConnection(org, p.connectionId).catch((error: unknown) => {
    if (!(error instanceof SecretDecryptionError)) throw error;
    return undecryptable(deps, p, connection.kind, error);
  });
  const config = connector.config.safeParse(effective.config);
  const secret = connector.secret.safeParse(effective.secret);
  if (!config.success || !secret.success) {
    const bad = [
      ...(config.success ? [] : [`config (${issuePaths(config.error.issues)})`]),
      ...(secret.success ? [] : [`secret (${issuePaths(secret.error.issues)})`]),
    ];
    const reason = `the connection's ${bad.join(' and ')} is not valid for ${connection.kind}`;
    await store.setConnectionStatus(org, p.connectionId, 'needs_attention', reason);
    throw new UnrecoverableError(reason);
  }

  const limiter = countRequests(deps.limiterFor(connection.kind));
  const ctx = createContext({
    connection: p.connectionId,
    config: config.data,
    secret: secret.data,
    signal: rt.signal,
    logger: kitLogger(rt.logger),
    limiter,
    egress: deps.egress,
    progress: rt.progress,
    now: deps.now,
  });
  const watched = watchFacts(connector.collect(ctx), {
    deferrals: rt.deferrals,
    maxDeferrals: deps.throttle.maxDeferrals,
  });
  try {
    const written = await store.writeCollection(org, p.runId, p.connectionId, watched.facts);
    const { collection } = written;
    // What a full collection costs sizes the change watcher's request budget.
    if (written.created && connector.watch) await store.recordCollectionCost(org, p.connectionId, limiter.count);
    if (connection.status === 'needs_attention') {
      const still = await attentionReason(() => connector.check(ctx));
      await store.setConnectionStatus(org, p.connectionId, still ? 'needs_attention' : 'ok', still);
    }
    return {
      outcome: 'stored',
      collectionId: collection.id,
      facts: collection.factCount,
      gaps: collection.gapCount,
      created: written.created,
    };
  } catch (error) {
    const verdict = watched.verdict();
    if (!verdict || verdict.kind === 'keep' || rt.signal.aborted) throw error;
    if (verdict.kind === 'defer') {
      rt.logger.info({ deferrals: rt.deferrals + 1 }, 'provider throttled every failed section; collecting later');
      return rt.defer(deps.throttle.deferMs);
    }
    await store.writeCollection(org, p.runId, p.connectionId, verdict.gaps, { error: verdict.reason });
    if (verdict.authFailed) {
      await flagAuthFailure(
        deps,
        org,
        { connectionId: p.connectionId, runId: p.runId, reason: verdict.reason },
        rt.logger,
      );
    }
    rt.logger.warn({ reason: verdict.reason }, 'collection failed; the last good facts stay in use');
    throw new UnrecoverableError(verdict.reason);
  }
}
