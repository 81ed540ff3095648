import { idSchema, isoDateTime } from '@evident/core';
import { z } from 'zod';
import { clearInput } from '../services/alerts-input.ts';
import { ruleOptions, ruleOut, validateRule } from '../services/alerts-rules.ts';
import { audited } from '../services/audit.ts';
import { roleProcedure, router, staffProcedure } from '../trpc.ts';
import { OK, ok } from './shapes.ts';

const ruleId = z.string().regex(/^alr_[0-9a-f]{32}$/, 'not a rule id');
const rule = z.record(z.string(), z.unknown());
const muteOut = z.object({ tenantId: idSchema('ten'), until: isoDateTime });

const auditData = (r: z.infer<typeof ruleOut>) => ({
  channel: r.channelId,
  tenant: r.tenantId,
  enabled: r.enabled,
  events: r.eventTypes.join(','),
  controls: r.controlIds.join(','),
  frameworks: r.frameworks.join(','),
});

export const alertRulesRouter = router({
  /** What a rule may name, and the rule's JSON Schema (options the alerts package adds appear there). */
  options: staffProcedure
    .output(
      z.object({
        ruleSchema: z.record(z.string(), z.unknown()),
        eventTypes: z.array(z.object({ type: z.string(), label: z.string() })),
        controls: z.array(z.object({ id: z.string(), title: z.string() })),
        frameworks: z.array(z.object({ id: z.string(), name: z.string() })),
      }),
    )
    .query(() => ruleOptions()),

  /** The organization's rules (defaults and tenant overrides) and its muted tenants. */
  list: staffProcedure.output(z.object({ rules: z.array(ruleOut), mutes: z.array(muteOut) })).query(async ({ ctx }) => {
    const org = ctx.staff.organizationId;
    const [rules, mutes] = await Promise.all([ctx.deps.store.listAlertRules(org), ctx.deps.store.listAlertMutes(org)]);
    const now = ctx.deps.now().toISOString();
    return { rules, mutes: mutes.filter((m) => m.until > now) };
  }),

  create: roleProcedure('admin')
    .input(clearInput(z.object({ rule }), 'the alert rule'))
    .output(z.object({ id: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const v = validateRule(input.rule);
      const r = await audited(
        ctx,
        (tx) => tx.addAlertRule(ctx.staff.organizationId, v),
        (r) => ({ action: 'alert_rule.create', target: r.id, data: auditData(r) }),
      );
      return { id: r.id };
    }),

  update: roleProcedure('admin')
    .input(clearInput(z.object({ ruleId, rule }), 'the alert rule'))
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      const v = validateRule(input.rule);
      await audited(
        ctx,
        (tx) => tx.updateAlertRule(ctx.staff.organizationId, input.ruleId, v),
        (r) => ({ action: 'alert_rule.update', target: r.id, data: auditData(r) }),
      );
      return OK;
    }),

  remove: roleProcedure('admin')
    .input(clearInput(z.object({ ruleId }), 'the alert rule'))
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await audited(
        ctx,
        (tx) => tx.removeAlertRule(ctx.staff.organizationId, input.ruleId),
        () => ({ action: 'alert_rule.remove', target: input.ruleId }),
      );
      return OK;
    }),

  /** Silences a tenant's alerts until a time; `null` lifts the mute. */
  mute: roleProcedure('admin')
    .input(clearInput(z.object({ tenantId: idSchema('ten'), until: isoDateTime.nullable() }), 'the mute'))
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      const until = input.until === null ? null : new Date(input.until);
      await audited(
        ctx,
        (tx) => tx.muteTenantAlerts(ctx.staff.organizationId, { tenantId: input.tenantId, until }),
        () => ({
          action: until ? 'alert_mute.set' : 'alert_mute.lift',
          target: input.tenantId,
          data: { until: input.until },
        }),
      );
      return OK;
    }),
});
