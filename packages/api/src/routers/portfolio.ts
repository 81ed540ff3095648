import { FRAMEWORKS, type FrameworkId } from '@evident/controls';
import { CONTROL_STATUSES, idSchema, isoDateTime, PROVIDERS } from '@evident/core';
import { z } from 'zod';
import { portfolio } from '../services/portfolio.ts';
import { router, staffProcedure } from '../trpc.ts';
import { statusOut } from './shapes.ts';

const frameworkIds = FRAMEWORKS.map((f) => f.id) as [FrameworkId, ...FrameworkId[]];

const portfolioOut = z.object({
  controls: z.array(z.object({ id: z.string(), title: z.string() })),
  statusKey: z.array(statusOut),
  days: z.array(z.iso.date()),
  tenants: z.array(
    z.object({
      tenantId: idSchema('ten'),
      name: z.string(),
      kind: z.enum(['customer', 'internal']),
      score: z.number().nullable(),
      worst: statusOut.nullable(),
      statuses: z.string().regex(new RegExp(`^[0-${CONTROL_STATUSES.length - 1}-]*$`)),
      numerators: z.array(z.number()),
      denominators: z.array(z.number()),
      trend: z.array(z.number().nullable()),
      assessedAt: isoDateTime.nullable(),
    }),
  ),
});

export const portfolioRouter = router({
  frameworks: staffProcedure
    .output(z.array(z.object({ id: z.string(), name: z.string() })))
    .query(() => FRAMEWORKS.map((f) => ({ id: f.id, name: f.name }))),

  matrix: staffProcedure
    .input(
      z
        .object({
          framework: z.enum(frameworkIds).optional(),
          statuses: z.array(z.enum(CONTROL_STATUSES)).min(1).optional(),
          connectorKind: z.enum(PROVIDERS).optional(),
        })
        .default({}),
    )
    .output(portfolioOut)
    .query(({ ctx, input }) => portfolio(ctx.deps.store, ctx.staff.organizationId, input, ctx.deps.now())),
});
