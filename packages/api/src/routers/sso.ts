import { checkUrl, NO_OVERRIDES } from '@evident/connector-kit';
import { idSchema } from '@evident/core';
import { ssoSettingsInput } from '@evident/db';
import { z } from 'zod';
import { finishMicrosoftSignIn, startMicrosoftSignIn } from '../auth/oidc.ts';
import { publicProcedure, roleProcedure, router } from '../trpc.ts';
import { OK, ok } from './shapes.ts';

const settingsOut = z
  .object({
    tenantId: z.string(),
    clientId: z.string(),
    authority: z.string().nullable(),
    jitRole: z.enum(['admin', 'analyst', 'viewer']).nullable(),
    hasClientSecret: z.boolean(),
  })
  .nullable();

export const ssoRouter = router({
  /** Redirect the browser to the URL returned; the ceremony cookie binds the answer to this browser. */
  start: publicProcedure
    .input(z.object({ organizationId: idSchema('org') }))
    .output(z.object({ url: z.url() }))
    .mutation(({ ctx, input }) => startMicrosoftSignIn(ctx, input.organizationId)),

  /** The page Microsoft redirected to passes its whole URL. */
  finish: publicProcedure
    .input(z.object({ callbackUrl: z.url().max(8000) }))
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await finishMicrosoftSignIn(ctx, input.callbackUrl);
      return OK;
    }),

  settings: roleProcedure('owner')
    .output(settingsOut)
    .query(async ({ ctx }) => (await ctx.deps.store.staffAuthSettings(ctx.staff.organizationId)).sso),

  /** The MSP's own tenant, its app registration, and whether unknown e-mails join (never as owner). */
  setSettings: roleProcedure('owner')
    .input(z.object({ settings: ssoSettingsInput.nullable() }))
    .output(settingsOut)
    .mutation(async ({ ctx, input }) => {
      const org = ctx.staff.organizationId;
      const authority = input.settings?.authority;
      if (authority) checkUrl(ctx.deps.egress ?? NO_OVERRIDES, 'settings.authority', authority);
      return ctx.deps.store.transaction(async (tx) => {
        const saved = await tx.setSsoSettings(org, input.settings);
        await tx.appendAudit(org, {
          actor: ctx.staff.user.id,
          action: 'organization.sso_settings',
          target: null,
          data: input.settings
            ? { tenantId: input.settings.tenantId, jitRole: input.settings.jitRole ?? 'none' }
            : { enabled: 'false' },
        });
        return saved.sso;
      });
    }),
});
