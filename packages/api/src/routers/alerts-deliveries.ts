import { idSchema, isoDateTime } from '@evident/core';
import { z } from 'zod';
import { enqueueDeliveries, refuseUnlessDead, toDeliveryOut } from '../services/alerts-deliveries.ts';
import { clearInput } from '../services/alerts-input.ts';
import { audited } from '../services/audit.ts';
import { roleProcedure, router, staffProcedure } from '../trpc.ts';

const deliveryId = z.string().regex(/^alo_[0-9a-f]{32}$/, 'not a delivery id');
const status = z.enum(['pending', 'delivered', 'dead']);
const cursor = z.object({ createdAt: isoDateTime, id: deliveryId });

const deliveryOut = z.object({
  id: z.string(),
  /** Null for the organization's own notices (its audit log). */
  tenant: z.object({ id: z.string(), name: z.string() }).nullable(),
  channel: z.object({ id: z.string(), name: z.string(), kind: z.string() }),
  /** Sent from the settings page, not by a verdict change. */
  test: z.boolean(),
  type: z.string(),
  /** A verdict change's move; null for a notice. */
  transition: z.string().nullable(),
  controlId: z.string().nullable(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  /** What a notice is about (a connection, an export, an exception, the audit log); null for a verdict change. */
  subject: z.object({ kind: z.string(), id: z.string(), name: z.string() }).nullable(),
  reason: z.string(),
  at: z.string(),
  status,
  attempts: z.number(),
  round: z.number(),
  lastError: z.string().nullable(),
  createdAt: isoDateTime,
  deliveredAt: isoDateTime.nullable(),
});

const listInput = z.object({
  tenantId: idSchema('ten').optional(),
  status: status.optional(),
  after: cursor.optional(),
  /** 50 unless told. */
  limit: z.number().int().min(1).max(200).optional(),
});

export const alertDeliveriesRouter = router({
  /** The delivery log, newest first, a page at a time: the whole organization's or one tenant's, dead letters too. */
  list: staffProcedure
    .input(clearInput(listInput, 'the delivery log query'))
    .output(z.object({ items: z.array(deliveryOut), next: cursor.nullable() }))
    .query(async ({ ctx, input }) => {
      const { store } = ctx.deps;
      const org = ctx.staff.organizationId;
      if (input.tenantId) await store.getTenant(org, input.tenantId);
      const [page, tenants, channels] = await Promise.all([
        store.pageAlertDeliveries(org, input),
        store.listTenants(org),
        store.listAlertChannels(org),
      ]);
      const names = {
        tenants: new Map(tenants.map((t) => [t.id as string, t.name])),
        channels: new Map(channels.map((c) => [c.id, { name: c.name, kind: c.kind }])),
      };
      return { items: page.items.map((d) => toDeliveryOut(d, names)), next: page.next };
    }),

  /** Sends a dead-lettered delivery again, in a new round of attempts. */
  retry: roleProcedure('admin')
    .input(clearInput(z.object({ deliveryId }), 'the retry'))
    .output(z.object({ status, queued: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const org = ctx.staff.organizationId;
      refuseUnlessDead(await ctx.deps.store.getAlertDelivery(org, input.deliveryId));
      const row = await audited(
        ctx,
        (tx) => tx.retryAlertDelivery(org, input.deliveryId),
        (r) => ({ action: 'alert_delivery.retry', target: r.id, data: { channel: r.channelId, round: r.round } }),
      );
      return { status: row.status, queued: await enqueueDeliveries(ctx.deps, org, [row]) };
    }),
});
