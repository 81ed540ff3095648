import { idSchema, isoDateTime, PROVIDERS } from '@evident/core';
import { z } from 'zod';
import { UnavailableError } from '../errors.ts';
import { audited } from '../services/audit.ts';
import {
  discoverCustomers,
  importItems,
  matchCustomers,
  validateAccountConfig,
  validateAccountSecret,
} from '../services/integrations.ts';
import { startConsent } from '../services/integrations-consent.ts';
import { roleProcedure, router } from '../trpc.ts';
import { OK, ok } from './shapes.ts';

const kind = z.enum(PROVIDERS);
const accountId = idSchema('pac');
const name = z.string().trim().min(1).max(200);

const accountOut = z.object({
  id: accountId,
  kind,
  name: z.string(),
  config: z.record(z.string(), z.unknown()),
  createdAt: isoDateTime,
  rotatedAt: isoDateTime.nullable(),
});
const toAccountOut = (a: z.infer<typeof accountOut>) => ({
  id: a.id,
  kind: a.kind,
  name: a.name,
  config: a.config,
  createdAt: a.createdAt,
  rotatedAt: a.rotatedAt,
});

const customerOut = z.object({
  externalId: z.string(),
  name: z.string(),
  domains: z.array(z.string()),
  reachable: z.union([z.object({ ok: z.literal(true) }), z.object({ ok: z.literal(false), reason: z.string() })]),
  warnings: z.array(z.string()),
  imported: z.boolean(),
  match: z
    .object({ tenantId: idSchema('ten'), tenantName: z.string(), by: z.enum(['external_id', 'domain', 'name']) })
    .nullable(),
});

const progressOut = z.object({
  id: idSchema('imp'),
  accountId,
  status: z.enum(['queued', 'running', 'succeeded', 'failed']),
  total: z.number(),
  done: z.number(),
  created: z.number(),
  failures: z.array(z.object({ externalId: z.string(), reason: z.string() })),
  error: z.string().nullable(),
  createdAt: isoDateTime,
  finishedAt: isoDateTime.nullable(),
});

/** MSP-level provider accounts: sealed once, used by many connections; their customers discovered and imported. */
export const integrationsRouter = router({
  accounts: roleProcedure('admin')
    .output(z.array(accountOut))
    .query(async ({ ctx }) => (await ctx.deps.store.listProviderAccounts(ctx.staff.organizationId)).map(toAccountOut)),

  createAccount: roleProcedure('admin')
    .input(z.object({ kind, name, config: z.record(z.string(), z.unknown()), secret: z.unknown() }))
    .output(z.object({ id: accountId }))
    .mutation(async ({ ctx, input }) => {
      const config = validateAccountConfig(ctx.deps, input.kind, input.config);
      const secret = validateAccountSecret(ctx.deps, input.kind, input.secret);
      const account = await audited(
        ctx,
        (tx) =>
          tx.createProviderAccount(ctx.staff.organizationId, {
            kind: input.kind,
            name: input.name,
            config: config as Record<string, never>,
            secret: secret as never,
          }),
        (a) => ({ action: 'provider_account.create', target: a.id, data: { kind: a.kind, name: a.name } }),
      );
      return { id: account.id };
    }),

  renameAccount: roleProcedure('admin')
    .input(z.object({ accountId, name }))
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      await audited(
        ctx,
        (tx) => tx.renameProviderAccount(ctx.staff.organizationId, input.accountId, input.name),
        (a) => ({ action: 'provider_account.rename', target: a.id, data: { name: a.name } }),
      );
      return OK;
    }),

  /** A new credential, write-only: every connection made from the account uses it from its next collection. */
  rotateCredential: roleProcedure('admin')
    .input(z.object({ accountId, secret: z.unknown() }))
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      const org = ctx.staff.organizationId;
      const account = await ctx.deps.store.getProviderAccount(org, input.accountId);
      const secret = validateAccountSecret(ctx.deps, account.kind, input.secret);
      await audited(
        ctx,
        (tx) => tx.rotateProviderAccountSecret(org, account.id, secret),
        (a) => ({ action: 'provider_account.rotate', target: a.id, data: { name: a.name } }),
      );
      return OK;
    }),

  /** Refused, with the reason, while a connection runs with the account. */
  deleteAccount: roleProcedure('admin')
    .input(z.object({ accountId }))
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      const org = ctx.staff.organizationId;
      const account = await ctx.deps.store.getProviderAccount(org, input.accountId);
      await audited(
        ctx,
        (tx) => tx.deleteProviderAccount(org, account.id),
        () => ({ action: 'provider_account.delete', target: account.id, data: { name: account.name } }),
      );
      return OK;
    }),

  /** The customers the account reaches now, each matched to an existing tenant where one fits. */
  discover: roleProcedure('admin')
    .input(z.object({ accountId }))
    .output(z.array(customerOut))
    .mutation(async ({ ctx, input }) => {
      const org = ctx.staff.organizationId;
      const { account, customers } = await discoverCustomers(ctx.deps, org, input.accountId);
      const matches = await matchCustomers(ctx.deps, org, account, customers);
      return customers.map((c, i) => ({
        externalId: c.externalId,
        name: c.name,
        domains: c.domains,
        reachable: c.reachable,
        warnings: c.warnings,
        ...matches[i]!,
      }));
    }),

  /** Queues the import of the selected customers (a tenant each, or the tenant chosen); returns the import's id. */
  import: roleProcedure('admin')
    .input(
      z.object({
        accountId,
        selection: z
          .array(z.object({ externalId: z.string().min(1).max(500), tenantId: idSchema('ten').optional() }))
          .min(1)
          .max(10_000),
      }),
    )
    .output(z.object({ id: idSchema('imp') }))
    .mutation(async ({ ctx, input }) => {
      const org = ctx.staff.organizationId;
      const items = await importItems(ctx.deps, org, input.accountId, input.selection);
      const imports = ctx.deps.imports;
      if (!imports) throw new UnavailableError('imports are not available on this host');
      const created = await audited(
        ctx,
        async (tx) => {
          const row = await tx.createImport(org, {
            providerAccountId: input.accountId,
            items,
            createdBy: ctx.staff.user.id,
          });
          // Inside the transaction, last: when the queue cannot take the job, the import is not kept.
          await imports.enqueue(org, row.id);
          return row;
        },
        (r) => ({ action: 'import.start', target: r.id, data: { account: input.accountId, customers: r.total } }),
      );
      return { id: created.id };
    }),

  importProgress: roleProcedure('analyst')
    .input(z.object({ importId: idSchema('imp') }))
    .output(progressOut)
    .query(async ({ ctx, input }) => {
      const p = await ctx.deps.store.getImport(ctx.staff.organizationId, input.importId);
      return {
        id: p.id,
        accountId: p.providerAccountId,
        status: p.status,
        total: p.total,
        done: p.done,
        created: p.createdTenants.length,
        failures: p.failures,
        error: p.error,
        createdAt: p.createdAt,
        finishedAt: p.finishedAt,
      };
    }),

  /** Microsoft's admin-consent URL for the account, with a single-use state bound to this session (15 minutes). */
  startConsent: roleProcedure('admin')
    .input(
      z.object({
        accountId,
        tenantId: z
          .string()
          .regex(/^[0-9a-fA-F-]{36}$/, 'a directory id (GUID)')
          .optional(),
      }),
    )
    .output(z.object({ url: z.string(), expiresAt: isoDateTime }))
    .mutation(({ ctx, input }) =>
      startConsent(
        ctx.deps,
        {
          organizationId: ctx.staff.organizationId,
          userId: ctx.staff.user.id,
          sessionHash: ctx.staff.session.idHash,
        },
        input.accountId,
        input.tenantId,
      ),
    ),
});
