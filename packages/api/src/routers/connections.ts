import { ConnectorError, createContext, credentialBoundKeys } from '@evident/connector-kit';
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
  /**
   * The change watcher, for a connector that keeps a change trail (null otherwise): `watching` once it has read
   * the trail, `failing` while its last read failed (the gap code says why), `waiting` before its first read.
   */
  watch: z
    .object({
      state: z.enum(['waiting', 'watching', 'failing']),
      lastReadAt: isoDateTime.nullable(),
      lastChangeAt: isoDateTime.nullable(),
      error: z.object({ code: z.string(), message: z.string(), at: isoDateTime }).nullable(),
      pendingChanges: z.number().int(),
    })
    .nullable(),
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

type CheckOut = z.infer<typeof checkOut>;

/** The connector's check; one that fails outright (a refused sign-in, an unreachable service) is a failed check. */
async function runCheck(
  ctx: Context,
  kindName: string,
  name: string,
  config: Record<string, unknown>,
  secret: unknown,
): Promise<CheckOut> {
  const connector = connectorFor(ctx.deps, kindName);
  const signal = AbortSignal.timeout(CHECK_TIMEOUT_MS);
  const egress = ctx.deps.egress;
  try {
    const result = await connector.check(
      createContext({ connection: name, config, secret, signal, ...(egress ? { egress } : {}) }),
    );
    return {
      ok: result.ok,
      items: result.items.map(({ name, kind, status, message }) => ({ name, kind, status, message })),
    };
  } catch (error) {
    if (!(error instanceof ConnectorError)) throw error;
    return {
      ok: false,
      items: [{ name: 'connection', kind: 'permission', status: 'unknown', message: error.message }],
    };
  }
}

/** Why a connection saved past a failed check needs attention, naming what the check did not find. */
function failedCheckReason(check: CheckOut): string {
  const open = check.items.filter((i) => i.status !== 'granted');
  const named = open.map((i) => `${i.name} ${i.status === 'missing' ? 'is missing' : 'could not be checked'}`);
  return `Saved although the access check failed${named.length > 0 ? `: ${named.join('; ')}` : ''}.`;
}

/** With "Save anyway", the check runs again here: the status and reason are the server's, never the caller's. */
async function statusAfterCheck(
  ctx: Context,
  kindName: string,
  config: Record<string, unknown>,
  secret: unknown,
): Promise<{ status: 'ok' | 'needs_attention'; reason: string | null }> {
  const check = await runCheck(ctx, kindName, 'check', config, secret);
  return check.ok ? { status: 'ok', reason: null } : { status: 'needs_attention', reason: failedCheckReason(check) };
}

const saveAnyway = z
  .literal(true)
  .optional()
  .describe('The caller saw the check fail and saves anyway: the connection is saved as needing attention.');

export const connectionsRouter = router({
  /**
   * What each connector needs, with JSON Schemas of its settings and credentials for the forms (titles, help and
   * field kinds from the schemas' metadata), the settings its stored credentials are bound to, and whether this
   * deployment accepts endpoint overrides at all (`EVIDENT_ALLOWED_ENDPOINTS`).
   */
  kinds: staffProcedure
    .output(
      z.object({
        endpointOverrides: z.boolean(),
        providers: z.array(
          z.object({
            kind,
            title: z.string(),
            permissions: z.array(
              z.object({ name: z.string(), kind: z.string(), why: z.string(), optional: z.boolean() }),
            ),
            credentialBound: z.array(z.string()),
            configSchema: json,
            secretSchema: json,
            /** The MSP-level provider account's schemas, where one account can serve many customers. */
            account: z.object({ configSchema: json, secretSchema: json }).nullable(),
          }),
        ),
      }),
    )
    .query(({ ctx }) => ({
      endpointOverrides: (ctx.deps.egress?.allowed.size ?? 0) > 0,
      providers: Object.values(ctx.deps.connectors).map((c) => {
        const configSchema = z.toJSONSchema(c.config, { io: 'input', unrepresentable: 'any' });
        return {
          kind: c.kind,
          title: typeof configSchema.title === 'string' ? configSchema.title : c.kind,
          permissions: c.permissions.map((p) => ({
            name: p.name,
            kind: p.kind,
            why: p.why,
            optional: p.optional ?? false,
          })),
          credentialBound: [...credentialBoundKeys(c.kind)],
          configSchema: configSchema as Record<string, unknown>,
          secretSchema: z.toJSONSchema(c.secret, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
          account: c.account
            ? {
                configSchema: z.toJSONSchema(c.account.config, { io: 'input', unrepresentable: 'any' }) as Record<
                  string,
                  unknown
                >,
                secretSchema: z.toJSONSchema(c.account.secret, { io: 'input', unrepresentable: 'any' }) as Record<
                  string,
                  unknown
                >,
              }
            : null,
        };
      }),
    })),

  list: tenantProcedure()
    .output(z.array(connectionOut))
    .query(async ({ ctx }) => {
      const org = ctx.staff.organizationId;
      const [connections, health, watches] = await Promise.all([
        ctx.deps.store.listConnections(org, { tenantId: ctx.tenant.id }),
        ctx.deps.store.connectionHealth(org, ctx.tenant.id),
        ctx.deps.store.listWatches(org, { tenantId: ctx.tenant.id }),
      ]);
      const byId = new Map(health.map((h) => [h.connectionId, h]));
      const watchOf = new Map(watches.map((x) => [x.connectionId, x]));
      return connections.map((c) => {
        const h = byId.get(c.id);
        const watching = ctx.deps.connectors[c.kind]?.watch !== undefined;
        const x = watchOf.get(c.id);
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
          watch: watching
            ? {
                state: x?.error ? 'failing' : x?.started ? 'watching' : 'waiting',
                lastReadAt: x?.lastReadAt ?? null,
                lastChangeAt: x?.lastChangeAt ?? null,
                error: x?.error ?? null,
                pendingChanges: x?.pending ?? 0,
              }
            : null,
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
    .input(z.object({ kind, name: z.string().trim().min(1).max(200), config: json, secret: z.unknown(), saveAnyway }))
    .output(z.object({ id: idSchema('con'), status: z.enum(['ok', 'needs_attention']) }))
    .mutation(async ({ ctx, input }) => {
      const org = ctx.staff.organizationId;
      const config = validateConnectionConfig(ctx.deps, input.kind, input.config);
      const secret = validateSecret(ctx.deps, input.kind, input.secret);
      const after = input.saveAnyway ? await statusAfterCheck(ctx, input.kind, config, secret) : null;
      const c = await audited(
        ctx,
        async (tx) => {
          const created = await tx.createConnection(org, {
            tenantId: ctx.tenant.id,
            kind: input.kind,
            name: input.name,
            config: config as Record<string, never>,
            secret: secret as never,
          });
          if (after?.status !== 'needs_attention') return created;
          return tx.setConnectionStatus(org, created.id, after.status, after.reason);
        },
        (c) => ({
          action: 'connection.create',
          target: c.id,
          data: { kind: c.kind, name: c.name, ...(after ? { checkFailed: after.status !== 'ok' } : {}) },
        }),
      );
      return { id: c.id, status: c.status === 'needs_attention' ? 'needs_attention' : 'ok' };
    }),

  /** New settings and/or new credentials; credentials are write-only and never come back. */
  update: tenantProcedure('admin')
    .input(
      z.object({
        connectionId: idSchema('con'),
        config: json.optional(),
        secret: z.unknown().optional(),
        saveAnyway,
      }),
    )
    .output(ok)
    .mutation(async ({ ctx, input }) => {
      const org = ctx.staff.organizationId;
      const c = await ownConnection(ctx, ctx.tenant.id, input.connectionId);
      // Everything is checked before anything is written: a refused change leaves the connection as it was.
      const config = input.config && validateConnectionConfig(ctx.deps, c.kind, input.config);
      const secret = input.secret === undefined ? undefined : validateSecret(ctx.deps, c.kind, input.secret);
      if (config && secret === undefined) refuseStoredSecretElsewhere(c.kind, c.config, config);
      const after = input.saveAnyway
        ? await statusAfterCheck(
            ctx,
            c.kind,
            config ?? c.config,
            secret ?? (await ctx.deps.store.readSecret(org, c.id)),
          )
        : null;
      await audited(
        ctx,
        async (tx) => {
          if (secret !== undefined) await tx.replaceSecret(org, c.id, secret);
          if (config) await tx.updateConnectionConfig(org, c.id, config);
          if (after && c.status !== 'disabled') await tx.setConnectionStatus(org, c.id, after.status, after.reason);
        },
        () => ({
          action: 'connection.update',
          target: c.id,
          data: {
            config: Boolean(input.config),
            secret: input.secret !== undefined,
            ...(after ? { checkFailed: after.status !== 'ok' } : {}),
          },
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
