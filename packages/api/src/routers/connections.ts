import { createContext } from '@evident/connector-kit';
import { InvalidInputError, idSchema, isoDateTime, NotFoundError, PROVIDERS } from '@evident/core';
import { z } from 'zod';
import type { Context } from '../context.ts';
import { audited } from '../services/audit.ts';
import {
  connectorFor,
  refuseStoredSecretElsewhere,
  validateConnectionConfig,
  validateSecret,
} from '../services/connection-config.ts';
import { router, staffProcedure, tenantProcedure } from '../trpc.ts';
import { OK, ok } from './shapes.ts';

const kind = z.enum(PROVIDERS);
const json = z.record(z.string(), z.unknown());
const CHECK_TIMEOUT_MS = 30_000;

const connectionOut = z.object({
  id: idSchema('con'),
  tenantId: idSchema('ten'),
  kind,
  name: z.string(),
  config: json,
  status: z.enum(['ok', 'needs_attention', 'disabled']),
  statusReason: z.string().nullable(),
  createdAt: isoDateTime,
  last: z
    .object({
      status: z.enum(['succeeded', 'partial', 'failed']),
      finishedAt: isoDateTime,
      facts: z.number(),
      gaps: z.number(),
    })
    .nullable(),
  gaps: z.array(
    z.object({ code: z.string(), message: z.string(), remedy: z.string(), permission: z.string().optional() }),
  ),
});

const checkOut = z.object({
  ok: z.boolean(),
  items: z.array(
    z.object({
      name: z.string(),
      kind: z.enum(['permission', 'licence', 'role']),
      status: z.enum(['granted', 'missing', 'unknown']),
      message: z.string(),
    }),
  ),
});

async function ownConnection(
  ctx: Context & { staff: { organizationId: import('@evident/core').OrganizationId } },
  tenantId: string,
  id: import('@evident/core').ConnectionId,
) {
  const c = await ctx.deps.store.getConnection(ctx.staff.organizationId, id);
  if (c.tenantId !== tenantId) throw new NotFoundError('connection', id);
  return c;
}

async function runCheck(
  ctx: Context,
  kindName: string,
  name: string,
  config: Record<string, unknown>,
  secret: unknown,
) {
  const connector = connectorFor(ctx.deps, kindName);
  const signal = AbortSignal.timeout(CHECK_TIMEOUT_MS);
  const egress = ctx.deps.egress;
  const result = await connector.check(
    createContext({ connection: name, config, secret, signal, ...(egress ? { egress } : {}) }),
  );
  return {
    ok: result.ok,
    items: result.items.map(({ name, kind, status, message }) => ({ name, kind, status, message })),
  };
}

export const connectionsRouter = router({
  /** What each connector needs, with JSON Schemas of its settings and credentials for the forms. */
  kinds: staffProcedure
    .output(
      z.array(
        z.object({
          kind,
          permissions: z.array(
            z.object({ name: z.string(), kind: z.string(), why: z.string(), optional: z.boolean() }),
          ),
          configSchema: json,
          secretSchema: json,
        }),
      ),
    )
    .query(({ ctx }) =>
      Object.values(ctx.deps.connectors).map((c) => ({
        kind: c.kind,
        permissions: c.permissions.map((p) => ({
          name: p.name,
          kind: p.kind,
          why: p.why,
          optional: p.optional ?? false,
        })),
        configSchema: z.toJSONSchema(c.config, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
        secretSchema: z.toJSONSchema(c.secret, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
      })),
    ),

  list: tenantProcedure()
    .output(z.array(connectionOut))
    .query(async ({ ctx }) => {
      const org = ctx.staff.organizationId;
      const [connections, health] = await Promise.all([
        ctx.deps.store.listConnections(org, { tenantId: ctx.tenant.id }),
        ctx.deps.store.connectionHealth(org, ctx.tenant.id),
      ]);
      const byId = new Map(health.map((h) => [h.connectionId, h]));
      return connections.map((c) => {
        const h = byId.get(c.id);
        return {
          id: c.id,
          tenantId: c.tenantId,
          kind: c.kind,
          name: c.name,
          config: c.config,
          status: c.status,
          statusReason: c.statusReason,
          createdAt: c.createdAt,
          last: h?.last
            ? { status: h.last.status, finishedAt: h.last.finishedAt, facts: h.last.factCount, gaps: h.last.gapCount }
            : null,
          gaps: (h?.gaps ?? []).map((g) => ({
            code: g.code,
            message: g.message,
            remedy: g.remedy,
            ...(g.permission ? { permission: g.permission } : {}),
          })),
        };
      });
    }),

  /** Runs the connector's check live, before saving: names missing permissions, licences and scopes. */
  check: tenantProcedure('admin')
    .input(z.object({ kind, config: json, secret: z.unknown().optional(), connectionId: idSchema('con').optional() }))
    .output(checkOut)
    .mutation(async ({ ctx, input }) => {
      const config = validateConnectionConfig(ctx.deps, input.kind, input.config);
      let secret = input.secret;
      if (secret === undefined && input.connectionId) {
        const existing = await ownConnection(ctx, ctx.tenant.id, input.connectionId);
        if (existing.kind !== input.kind)
          throw new InvalidInputError('the stored credentials belong to a connection of another kind');
        refuseStoredSecretElsewhere(existing.kind, existing.config, config);
        secret = await ctx.deps.store.readSecret(ctx.staff.organizationId, existing.id);
      }
      return runCheck(ctx, input.kind, 'check', config, validateSecret(ctx.deps, input.kind, secret));
    }),

  create: tenantProcedure('admin')
    .input(z.object({ kind, name: z.string().trim().min(1).max(200), config: json, secret: z.unknown() }))
    .output(z.object({ id: idSchema('con') }))
    .mutation(async ({ ctx, input }) => {
      const config = validateConnectionConfig(ctx.deps, input.kind, input.config);
      const secret = validateSecret(ctx.deps, input.kind, input.secret);
      const c = await audited(
        ctx,
        (tx) =>
          tx.createConnection(ctx.staff.organizationId, {
            tenantId: ctx.tenant.id,
            kind: input.kind,
            name: input.name,
            config: config as Record<string, never>,
            secret: secret as never,
          }),
        (c) => ({ action: 'connection.create', target: c.id, data: { kind: c.kind, name: c.name } }),
      );
      return { id: c.id };
    }),

  /** New settings and/or new credentials; credentials are write-only and never come back. */
  update: tenantProcedure('admin')
    .input(z.object({ connectionId: idSchema('con'), config: json.optional(), secret: z.unknown().optional() }))
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      const org = ctx.staff.organizationId;
      const c = await ownConnection(ctx, ctx.tenant.id, input.connectionId);
      // Everything is checked before anything is written: a refused change leaves the connection as it was.
      const config = input.config && validateConnectionConfig(ctx.deps, c.kind, input.config);
      const secret = input.secret === undefined ? undefined : validateSecret(ctx.deps, c.kind, input.secret);
      if (config && secret === undefined) refuseStoredSecretElsewhere(c.kind, c.config, config);
      await audited(
        ctx,
        async (tx) => {
          if (secret !== undefined) await tx.replaceSecret(org, c.id, secret);
          if (config) await tx.updateConnectionConfig(org, c.id, config);
        },
        () => ({
          action: 'connection.update',
          target: c.id,
          data: { config: Boolean(input.config), secret: input.secret !== undefined },
        }),
      );
      return OK;
    }),

  /** Disables the connection: it is no longer collected, and its history stays. */
  delete: tenantProcedure('admin')
    .input(z.object({ connectionId: idSchema('con') }))
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      const c = await ownConnection(ctx, ctx.tenant.id, input.connectionId);
      await audited(
        ctx,
        (tx) => tx.setConnectionStatus(ctx.staff.organizationId, c.id, 'disabled', 'deleted by staff'),
        () => ({ action: 'connection.delete', target: c.id, data: { name: c.name } }),
      );
      return OK;
    }),
});
