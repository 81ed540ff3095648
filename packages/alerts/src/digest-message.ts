import { controlById } from '@evident/controls';
import { z } from 'zod';
import { type AlertEvent, isControlEvent } from './events.ts';
import { controlUrl } from './message.ts';

/** The body of a digest: every change one digest rule gathered in one period, in the order they happened. */
export const digestMessage = z
  .strictObject({
    version: z.literal(1),
    /** The digest's id: the same in every attempt, and the `Idempotency-Key` header. */
    id: z.string().min(1),
    type: z.literal('digest'),
    organization: z.strictObject({ id: z.string(), name: z.string() }),
    /** When the period ended (ISO 8601). */
    periodEnd: z.string(),
    changes: z.array(
      z.strictObject({
        tenant: z.strictObject({ id: z.string(), name: z.string() }),
        control: z.strictObject({ id: z.string(), title: z.string() }),
        type: z.string(),
        transition: z.string(),
        from: z.string(),
        to: z.string(),
        at: z.string(),
        url: z.url(),
      }),
    ),
  })
  .meta({ title: 'Evident alert digest', description: 'The control changes of one period, for one rule.' });
export type DigestMessage = z.infer<typeof digestMessage>;

export function buildDigest(
  events: readonly AlertEvent[],
  ctx: {
    digestId: string;
    periodEnd: string;
    organization: { id: string; name: string };
    tenantName: (id: string) => string;
    publicOrigin: string;
  },
): DigestMessage {
  return digestMessage.parse({
    version: 1,
    id: ctx.digestId,
    type: 'digest',
    organization: ctx.organization,
    periodEnd: ctx.periodEnd,
    changes: events.filter(isControlEvent).map((e) => ({
      tenant: { id: e.tenantId, name: ctx.tenantName(e.tenantId) },
      control: { id: e.controlId, title: controlById(e.controlId)?.title ?? e.controlId },
      type: e.type,
      transition: e.transition,
      from: e.from,
      to: e.to,
      at: e.at,
      url: controlUrl(ctx.publicOrigin, e.tenantId, e.controlId),
    })),
  });
}

const SHOWN = 5;

/**
 * One line per control and change, with how many tenants and the first few names: what chat channels show, so a
 * fleet-wide regression stays one short message.
 */
export function digestSummary(d: DigestMessage): { title: string; lines: string[] } {
  const groups = new Map<string, DigestMessage['changes']>();
  for (const c of d.changes) {
    const key = `${c.control.id} ${c.control.title}: ${c.from} → ${c.to}`;
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  const lines = [...groups].map(([key, changes]) => {
    const names = changes.slice(0, SHOWN).map((c) => c.tenant.name);
    const more = changes.length > SHOWN ? ` and ${changes.length - SHOWN} more` : '';
    return `${key} in ${changes.length} tenant${changes.length === 1 ? '' : 's'} (${names.join(', ')}${more})`;
  });
  const n = d.changes.length;
  return { title: `${d.organization.name}: ${n} control change${n === 1 ? '' : 's'} until ${d.periodEnd}`, lines };
}
