import { z } from 'zod';
import { isoDateTime } from './tri.ts';

/** An accepted risk: one subject excused from one control (or all, `*`) until it expires. */
export const exception = z.object({
  id: z.string().min(1).optional(),
  controlId: z.string().min(1),
  /** The subject's provider id or its name (UPN, login). */
  subject: z.string().min(1),
  /** Limit the exception to one connection; absent, it applies wherever the subject appears. */
  connection: z.string().min(1).optional(),
  reason: z.string().min(1),
  approver: z.string().min(1),
  expiresAt: isoDateTime,
  createdAt: isoDateTime.optional(),
});
export type Exception = z.infer<typeof exception>;

export function exceptionIsActive(e: Exception, now: Date): boolean {
  return Date.parse(e.expiresAt) > now.getTime();
}
