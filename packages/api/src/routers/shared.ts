import { ForbiddenError, idSchema, isoDateTime } from '@evident/core';
import type { ShareSection } from '@evident/db';
import { z } from 'zod';
import { listPacks } from '../services/packs.ts';
import { router, shareProcedure } from '../trpc.ts';
import { controlDescriptionOut, controlIdInput, describeControl } from './controls.ts';
import { evidencePage, evidencePageInput, evidencePageOut } from './evidence.ts';
import { packOut } from './packs.ts';
import { toResults } from './shapes.ts';
import { resultOut } from './tenant.ts';

const need = (sections: ShareSection[], section: ShareSection) => {
  if (!sections.includes(section)) throw new ForbiddenError(`this link does not show ${section}`);
};

/** What a share link shows: one tenant, read-only, only the sections the share names. */
export const sharedRouter = router({
  view: shareProcedure
    .output(
      z.object({
        tenant: z.object({ name: z.string() }),
        branding: z.object({ displayName: z.string(), logoUrl: z.string().nullable(), accentColor: z.string() }),
        sections: z.array(z.string()),
        expiresAt: z.string(),
        runId: idSchema('run').nullable(),
        results: z.array(resultOut),
      }),
    )
    .query(async ({ ctx }) => {
      const { store } = ctx.deps;
      const { organizationId: org, tenantId } = ctx.share;
      const [tenant, branding, organization, latest] = await Promise.all([
        store.getTenant(org, tenantId),
        store.getBranding(org),
        store.getOrganization(org),
        store.latestResultSummaries(org, tenantId),
      ]);
      return {
        tenant: { name: tenant.name },
        branding: branding ?? { displayName: organization.name, logoUrl: null, accentColor: '#1f6feb' },
        sections: ctx.share.sections,
        expiresAt: ctx.share.expiresAt,
        ...toResults(latest, ctx.share.sections.includes('evidence')),
      };
    }),

  history: shareProcedure
    .input(z.object({ controlId: z.string().min(1).max(20), limit: z.number().int().min(1).max(365).default(90) }))
    .output(z.array(z.object({ status: z.string(), evaluatedAt: z.string() })))
    .query(async ({ ctx, input }) => {
      need(ctx.share.sections, 'history');
      const rows = await ctx.deps.store.resultHistory(ctx.share.organizationId, ctx.share.tenantId, input.controlId, {
        limit: input.limit,
      });
      return rows.map((r) => ({ status: r.status, evaluatedAt: r.evaluatedAt }));
    }),

  evidence: shareProcedure
    .input(evidencePageInput)
    .output(evidencePageOut)
    .query(({ ctx, input }) => {
      need(ctx.share.sections, 'evidence');
      return evidencePage(ctx.deps.store, ctx.share.organizationId, ctx.share.tenantId, input);
    }),

  /** The catalog's words for a control the link shows. */
  control: shareProcedure
    .input(controlIdInput)
    .output(controlDescriptionOut)
    .query(({ input }) => describeControl(input.controlId)),

  /** The tenant's connections as a customer may see them: what is connected and how it is doing, no configuration. */
  connections: shareProcedure
    .output(
      z.array(
        z.object({
          name: z.string(),
          kind: z.string(),
          status: z.enum(['ok', 'needs_attention', 'disabled']),
          last: z.object({ status: z.enum(['succeeded', 'partial', 'failed']), finishedAt: isoDateTime }).nullable(),
          gaps: z.array(z.string()),
        }),
      ),
    )
    .query(async ({ ctx }) => {
      need(ctx.share.sections, 'connections');
      const { organizationId: org, tenantId } = ctx.share;
      const [connections, health] = await Promise.all([
        ctx.deps.store.listConnections(org, { tenantId }),
        ctx.deps.store.connectionHealth(org, tenantId),
      ]);
      const byId = new Map(health.map((h) => [h.connectionId, h]));
      return connections.map((c) => {
        const h = byId.get(c.id);
        return {
          name: c.name,
          kind: c.kind,
          status: c.status,
          last: h?.last ? { status: h.last.status, finishedAt: h.last.finishedAt } : null,
          gaps: (h?.gaps ?? []).map((g) => g.message),
        };
      });
    }),

  packs: shareProcedure.output(z.array(packOut)).query(({ ctx }) => {
    need(ctx.share.sections, 'evidence_packs');
    return listPacks(ctx.deps, ctx.share.organizationId, ctx.share.tenantId);
  }),
});
