import type { Store } from '@evident/db';
import type { Payload } from '@evident/jobs';
import { type ExportedPack, exportPack } from './export-pack.ts';
import type { Brand } from './pack/input.ts';
import { applyRetention, type RetentionPolicy } from './retention.ts';
import type { PackStorage, StoredObject } from './storage/storage.ts';
import { announcePack, type WebhookTarget } from './webhook.ts';

export interface ExportJobDeps {
  store: Store;
  storage: PackStorage;
  /** How far back a scheduled pack reaches; default 31 days, so a monthly schedule leaves no gap. */
  periodDays?: number;
  retention?: RetentionPolicy;
  webhook?: WebhookTarget;
  brand?: Brand;
  now?: () => Date;
}

export interface ExportJobOutcome {
  pack: ExportedPack;
  deleted: StoredObject[];
  webhook: { attempts: number; status: number } | null;
}

/**
 * The worker's handler for the `export` job: one pack over the last period, stored, old packs pruned, then announced.
 * A failed announcement fails the job (BullMQ retries it); the pack it made stays stored.
 */
export function exportJobHandler(deps: ExportJobDeps) {
  return async (payload: Payload<'export'>): Promise<ExportJobOutcome> => {
    const now = deps.now?.() ?? new Date();
    const from = new Date(now.getTime() - (deps.periodDays ?? 31) * 86_400_000);
    const pack = await exportPack(
      deps,
      { ...payload, from, to: now, ...(deps.brand ? { brand: deps.brand } : {}) },
      now,
    );
    const deleted = deps.retention
      ? await applyRetention(deps.storage, `${payload.organizationId}/${payload.tenantId}/`, deps.retention, now)
      : [];
    const webhook = deps.webhook
      ? await announcePack(deps.webhook, {
          event: 'evidence-pack.created',
          organizationId: payload.organizationId,
          tenantId: payload.tenantId,
          key: pack.stored.key,
          size: pack.stored.size,
          generatedAt: pack.manifest.generatedAt,
          manifestSha256: pack.manifestSha256,
        })
      : null;
    return { pack, deleted, webhook };
  };
}
