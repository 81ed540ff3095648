import { idSchema, isoDateTime } from '@evident/core';
import { z } from 'zod';
import {
  asStoredJson,
  channelKinds,
  checkChannelChange,
  parseKind,
  toChannelOut,
  validateChannel,
} from '../services/alerts-channels.ts';
import { enqueueDeliveries, testEvent, testTenant } from '../services/alerts-deliveries.ts';
import { clearInput } from '../services/alerts-input.ts';
import { audited } from '../services/audit.ts';
import { roleProcedure, router, staffProcedure } from '../trpc.ts';
import { OK, ok } from './shapes.ts';

const json = z.record(z.string(), z.unknown());
const channelId = z.string().regex(/^ach_[0-9a-f]{32}$/, 'not a channel id');
const name = z.string().trim().min(1, 'give the channel a name').max(200, 'at most 200 characters');

const channelOut = z.object({
  id: z.string(),
  kind: z.string(),
  name: z.string(),
  config: json,
  createdAt: isoDateTime,
});

const createInput = z.object({ kind: z.string(), name, config: json, secret: json });
const updateInput = z.object({ channelId, name: name.optional(), config: json.optional(), secret: json.optional() });
const testInput = z.object({ channelId, tenantId: idSchema('ten').optional() });

export const alertChannelsRouter = router({
  /** Each channel kind with JSON Schemas of its settings and its secret, for the forms. */
  kinds: staffProcedure
    .output(z.array(z.object({ kind: z.string(), configSchema: json, secretSchema: json })))
    .query(() => channelKinds()),

  list: staffProcedure
    .output(z.array(channelOut))
    .query(async ({ ctx }) => (await ctx.deps.store.listAlertChannels(ctx.staff.organizationId)).map(toChannelOut)),

  /** Checked for its kind and against the egress policy before anything is written; the secret is sealed. */
  create: roleProcedure('admin')
    .input(clearInput(createInput, 'the alert channel'))
    .output(z.object({ id: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const settings = validateChannel(ctx.deps, parseKind(input.kind), input.config, input.secret);
      const c = await audited(
        ctx,
        (tx) =>
          tx.createAlertChannel(ctx.staff.organizationId, {
            kind: settings.kind,
            name: input.name,
            config: asStoredJson(settings.config),
            secret: asStoredJson(settings.secret),
          }),
        (c) => ({ action: 'alert_channel.create', target: c.id, data: { kind: c.kind, name: c.name } }),
      );
      return { id: c.id };
    }),

  /** A new name, settings and/or secret; sending somewhere else needs the secret again. */
  update: roleProcedure('admin')
    .input(clearInput(updateInput, 'the alert channel change'))
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      const org = ctx.staff.organizationId;
      const current = await ctx.deps.store.getAlertChannel(org, input.channelId);
      const change = await checkChannelChange(ctx.deps, org, current, input);
      await audited(
        ctx,
        (tx) => tx.updateAlertChannel(org, current.id, change),
        () => ({
          action: 'alert_channel.update',
          target: current.id,
          data: {
            kind: current.kind,
            name: change.name ?? current.name,
            settings: change.config !== undefined,
            secret: change.secret !== undefined,
          },
        }),
      );
      return OK;
    }),

  /** Removes the channel with its rules and its delivery log. */
  remove: roleProcedure('admin')
    .input(clearInput(z.object({ channelId }), 'the alert channel'))
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      const org = ctx.staff.organizationId;
      const current = await ctx.deps.store.getAlertChannel(org, input.channelId);
      await audited(
        ctx,
        (tx) => tx.removeAlertChannel(org, current.id),
        () => ({
          action: 'alert_channel.remove',
          target: current.id,
          data: { kind: current.kind, name: current.name },
        }),
      );
      return OK;
    }),

  /** Sends a test through the outbox and the delivery job, like any alert; its row shows in the delivery log. */
  test: roleProcedure('admin')
    .input(clearInput(testInput, 'the test alert'))
    .output(z.object({ deliveryId: z.string(), tenantId: idSchema('ten'), queued: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      const org = ctx.staff.organizationId;
      const channel = await ctx.deps.store.getAlertChannel(org, input.channelId);
      const { tenantId, runId } = await testTenant(ctx.deps.store, org, input.tenantId);
      const event = testEvent(tenantId, runId, ctx.staff.user.email, ctx.deps.now());
      const row = await audited(
        ctx,
        (tx) => tx.addTestAlert(org, { channelId: channel.id, event }),
        (r) => ({ action: 'alert_channel.test', target: channel.id, data: { delivery: r.id, tenant: tenantId } }),
      );
      return { deliveryId: row.id, tenantId, queued: await enqueueDeliveries(ctx.deps, org, [row]) };
    }),
});
