import { and, eq, lt } from 'drizzle-orm';
import { z } from 'zod';
import { authFlows } from '../schema/staff-auth.ts';
import { parseInput, type RepoContext } from './boundary.ts';

const flowInput = z.object({
  keyHash: z.string().regex(/^[0-9a-f]{64}$/),
  purpose: z.string().min(1).max(60),
  data: z.record(z.string(), z.unknown()),
  expiresAt: z.date(),
});

/** Ceremonies in flight, keyed by the hash of what binds them to the browser (not an organization's data). */
export function authFlowsRepo({ db }: RepoContext) {
  return {
    /** Starts a ceremony, replacing any earlier one under the same key; expired ones are swept on the way. */
    async putAuthFlow(input: z.input<typeof flowInput>, now: Date): Promise<void> {
      const v = parseInput(flowInput, input, 'sign-in flow');
      await db.delete(authFlows).where(lt(authFlows.expiresAt, now));
      await db
        .insert(authFlows)
        .values(v)
        .onConflictDoUpdate({
          target: authFlows.keyHash,
          set: { purpose: v.purpose, data: v.data, expiresAt: v.expiresAt },
        });
    },

    /** Spends the ceremony: the delete that reads it, so it is used at most once; null when absent or expired. */
    async takeAuthFlow(keyHash: string, purpose: string, now: Date): Promise<Record<string, unknown> | null> {
      const [row] = await db
        .delete(authFlows)
        .where(and(eq(authFlows.keyHash, keyHash), eq(authFlows.purpose, purpose)))
        .returning();
      return row && row.expiresAt > now ? row.data : null;
    },
  };
}
