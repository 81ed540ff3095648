import { idSchema } from '@evident/core';
import { z } from 'zod';
import { clearInput } from '../services/alerts-input.ts';
import { checkPsaCompany, psaChannelOf } from '../services/alerts-psa.ts';
import { audited } from '../services/audit.ts';
import { roleProcedure, router, staffProcedure } from '../trpc.ts';
import { OK, ok } from './shapes.ts';

const channelId = z.string().regex(/^ach_[0-9a-f]{32}$/, 'not a channel id');
const mappingOut = z.object({
  tenantId: idSchema('ten'),
  companyId: z.string(),
  companyName: z.string(),
});
const mapInput = z.object({
  channelId,
  tenantId: idSchema('ten'),
  /** The PSA's company id (ConnectWise: its id or identifier). */
  company: z.string().trim().min(1, 'name the company in the PSA').max(100, 'at most 100 characters'),
});

/** Which PSA company stands for each tenant on a PSA channel: tickets for a tenant open under it. */
export const alertPsaRouter = router({
  companies: staffProcedure
    .input(clearInput(z.object({ channelId }), 'the PSA channel'))
    .output(z.array(mappingOut))
    .query(async ({ ctx, input }) => {
      const org = ctx.staff.organizationId;
      await psaChannelOf(ctx.deps, org, input.channelId);
      const rows = await ctx.deps.store.listAlertPsaCompanies(org, input.channelId);
      return rows.map((r) => ({ tenantId: r.tenantId, companyId: r.companyId, companyName: r.companyName }));
    }),

  /** Checked against the PSA first: an unknown company is refused with a clear message and nothing is saved. */
  map: roleProcedure('admin')
    .input(clearInput(mapInput, 'the PSA company'))
    .output(mappingOut)
    .mutation(async ({ ctx, input }) => {
      const org = ctx.staff.organizationId;
      const { channel, company } = await checkPsaCompany(ctx.deps, org, input);
      const saved = await audited(
        ctx,
        (tx) =>
          tx.setAlertPsaCompany(org, {
            channelId: channel.id,
            tenantId: input.tenantId,
            companyId: company.id,
            companyName: company.name,
          }),
        (m) => ({
          action: 'alert_psa_company.map',
          target: input.tenantId,
          data: { channel: channel.id, company: m.companyId, name: m.companyName },
        }),
      );
      return { tenantId: saved.tenantId, companyId: saved.companyId, companyName: saved.companyName };
    }),

  unmap: roleProcedure('admin')
    .input(clearInput(z.object({ channelId, tenantId: idSchema('ten') }), 'the PSA company'))
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      const org = ctx.staff.organizationId;
      await psaChannelOf(ctx.deps, org, input.channelId);
      await ctx.deps.store.getTenant(org, input.tenantId);
      await audited(
        ctx,
        (tx) => tx.removeAlertPsaCompany(org, input.channelId, input.tenantId),
        () => ({ action: 'alert_psa_company.unmap', target: input.tenantId, data: { channel: input.channelId } }),
      );
      return OK;
    }),
});
