import { z } from 'zod';

/** A boolean the provider may not have told us: `'unknown'` is never read as true or false. */
export const tri = z.union([z.boolean(), z.literal('unknown')]);
export type Tri = z.infer<typeof tri>;

/** A count of days the provider may not have told us. */
export const days = z.union([z.number().int().nonnegative(), z.literal('unknown')]);
export type Days = z.infer<typeof days>;

export const isoDateTime = z.iso.datetime({ offset: true });
