import { checkUrl, NO_OVERRIDES } from '@evident/connector-kit';
import { idSchema } from '@evident/core';
import { ssoSettingsInput } from '@evident/db';
import { z } from 'zod';
import { finishMicrosoftSignIn, startMicrosoftSignIn } from '../auth/oidc.ts';
import { type AuditData, audited } from '../services/audit.ts';
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

/** What the audit log keeps of the settings: never the secret. */
function settingsAudit(settings: { tenantId: string; jitRole?: string | null } | null): AuditData {
  return settings ? { tenantId: settings.tenantId, jitRole: settings.jitRole ?? 'none' } : { enabled: false };
}

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
      const saved = await audited(
        ctx,
        (tx) => tx.setSsoSettings(org, input.settings),
        () => ({
          action: 'organization.sso_settings',
          target: null,
          data: settingsAudit(input.settings),
        }),
      );
      return saved.sso;
    }),
});
