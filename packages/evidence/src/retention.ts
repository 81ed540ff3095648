import { z } from 'zod';
import type { PackStorage, StoredObject } from './storage/storage.ts';

export const retentionPolicy = z
  .object({
    /** Keep at least the newest N packs of a tenant, whatever their age. */
    keepLast: z.number().int().min(1).default(1),
    /** Delete packs older than this many days (beyond the newest `keepLast`); unset keeps every pack. */
    maxAgeDays: z.number().int().min(1).optional(),
  })
  .strict();
export type RetentionPolicy = z.input<typeof retentionPolicy>;

/** Deletes a tenant's packs that the policy no longer keeps; returns what it deleted. */
export async function applyRetention(
  storage: PackStorage,
  prefix: string,
  policy: RetentionPolicy,
  now: Date = new Date(),
): Promise<StoredObject[]> {
  const { keepLast, maxAgeDays } = retentionPolicy.parse(policy);
  if (maxAgeDays === undefined) return [];
  const packs = (await storage.list(prefix)).filter((o) => o.key.endsWith('.zip'));
  const older = packs.slice(0, Math.max(0, packs.length - keepLast));
  const cutoff = now.getTime() - maxAgeDays * 86_400_000;
  const expired = older.filter((o) => o.modifiedAt.getTime() < cutoff);
  for (const o of expired) await storage.delete(o.key);
  return expired;
}
