import { randomBytes } from 'node:crypto';
import { createContext, createLimiter, NO_OVERRIDES } from '@evident/connector-kit';
import {
  InvalidInputError,
  type OrganizationId,
  type ProviderAccountId,
  type TenantId,
  type UserId,
} from '@evident/core';
import { sha256 } from '@evident/db';
import { z } from 'zod';
import { resolveSession } from '../auth/sessions.ts';
import type { ApiDeps, RequestInfo } from '../context.ts';
import { atLeast } from '../trpc.ts';
import { type AuditEntry, auditedAs } from './audit.ts';
import { validateAccountConfig, validateAccountSecret } from './integrations.ts';

export const CONSENT_PURPOSE = 'consent.microsoft';
export const CONSENT_TTL_MS = 15 * 60_000;
export const CONSENT_CALLBACK_PATH = '/consent/microsoft/callback';
const CHECK_TIMEOUT_MS = 30_000;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const bound = z.object({
  organizationId: z.string(),
  accountId: z.string(),
  userId: z.string(),
  sessionHash: z.string(),
  tenantId: z.string().nullable(),
});

export interface ConsentStarter {
  organizationId: OrganizationId;
  userId: UserId;
  /** The staff session's stored hash: only the browser that asked can spend the state. */
  sessionHash: string;
}

/**
 * Microsoft's admin-consent URL for one customer directory (or any, without `tenantId`), with a single-use state
 * bound to the staff session and organization, kept hashed for 15 minutes.
 */
export async function startConsent(
  deps: ApiDeps,
  who: ConsentStarter,
  accountId: ProviderAccountId,
  tenantId: string | undefined,
): Promise<{ url: string; expiresAt: string }> {
  const account = await deps.store.getProviderAccount(who.organizationId, accountId);
  if (account.kind !== 'entra') throw new InvalidInputError('admin consent is for Microsoft Entra accounts');
  if (!deps.publicOrigin) throw new InvalidInputError('admin consent needs the public origin (PUBLIC_ORIGIN) set');
  const config = validateAccountConfig(deps, account.kind, account.config);
  const clientId = config.clientId;
  if (typeof clientId !== 'string') throw new InvalidInputError('the account has no application (client) id');
  const login = (config.endpoints as { login?: string } | undefined)?.login ?? 'https://login.microsoftonline.com';
  const state = randomBytes(32).toString('base64url');
  const now = deps.now();
  const expiresAt = new Date(now.getTime() + CONSENT_TTL_MS);
  await deps.store.putAuthFlow(
    {
      keyHash: sha256(state),
      purpose: CONSENT_PURPOSE,
      data: bound.parse({ ...who, accountId, tenantId: tenantId ?? null }),
      expiresAt,
    },
    now,
  );
  const url = new URL(`${login.replace(/\/+$/, '')}/${tenantId ?? 'organizations'}/v2.0/adminconsent`);
  url.searchParams.set('client_id', clientId);
  url.searchParams.set('redirect_uri', `${deps.publicOrigin}${CONSENT_CALLBACK_PATH}`);
  url.searchParams.set('state', state);
  url.searchParams.set('scope', 'https://graph.microsoft.com/.default');
  return { url: url.toString(), expiresAt: expiresAt.toISOString() };
}

export type ConsentOutcome =
  | { ok: true; tenantId: TenantId; created: boolean; checkOk: boolean | null }
  | { ok: false; reason: string };

const refuse = (reason: string): ConsentOutcome => ({ ok: false, reason });

const NOT_VALID =
  'This consent answer cannot be used: it was already used, it expired (links last 15 minutes), or it was not ' +
  'started from this browser. Start the admin consent again from Evident.';

/**
 * Microsoft's answer to an admin consent (the callback's query). Creates the customer's tenant and its connection
 * from the account, and runs its check; any refusal creates nothing and says why.
 */
export async function finishConsent(
  deps: ApiDeps,
  req: RequestInfo,
  query: Record<string, unknown>,
): Promise<ConsentOutcome> {
  const param = (name: string) => (typeof query[name] === 'string' ? (query[name] as string) : undefined);
  const state = param('state');
  if (!state || state.length > 200 || !req.sessionToken) return refuse(NOT_VALID);
  const taken = await deps.store.takeAuthFlow(sha256(state), CONSENT_PURPOSE, deps.now());
  const flow = bound.safeParse(taken);
  if (!flow.success || flow.data.sessionHash !== sha256(req.sessionToken)) return refuse(NOT_VALID);
  const org = flow.data.organizationId as OrganizationId;
  const caller = await resolveSession({ deps, req, res: { setSession() {} } });
  if (
    !caller?.session.totpPassed ||
    caller.organizationId !== org ||
    caller.user.id !== flow.data.userId ||
    !atLeast(caller.user.role, 'admin')
  )
    return refuse(NOT_VALID);

  const error = param('error');
  const description = param('error_description');
  if (error || description) {
    const code = /AADSTS\d+/.exec(description ?? '')?.[0];
    // Microsoft answers a cancelled consent with AADSTS65004 and the subcode `cancel`.
    if (error === 'access_denied' && (!code || code === 'AADSTS65004' || param('error_subcode') === 'cancel'))
      return refuse('The administrator declined the consent: nothing was created.');
    return refuse(
      `Microsoft refused the consent${code ? ` (${code})` : ''}: ${(description ?? error ?? '').slice(0, 400).replace(/\.+$/, '')}. Nothing was created.`,
    );
  }
  const tenant = param('tenant');
  if (param('admin_consent')?.toLowerCase() !== 'true' || !tenant || !GUID.test(tenant))
    return refuse('Microsoft did not confirm the consent for a directory: nothing was created.');
  if (flow.data.tenantId && flow.data.tenantId.toLowerCase() !== tenant.toLowerCase())
    return refuse(`The consent was given for directory ${tenant}, not for the one this link was made for.`);
  const owners = await deps.store.organizationsReaching('entra', 'tenantId', tenant.toLowerCase());
  if (owners.some((o) => o !== org))
    return refuse(`Directory ${tenant} is already connected by another organization: nothing was created.`);
  return connectConsented(deps, org, flow.data.userId, req, flow.data.accountId as ProviderAccountId, tenant);
}

async function connectConsented(
  deps: ApiDeps,
  org: OrganizationId,
  userId: string,
  req: RequestInfo,
  accountId: ProviderAccountId,
  tenant: string,
): Promise<ConsentOutcome> {
  const externalId = tenant.toLowerCase();
  const account = await deps.store.getProviderAccount(org, accountId);
  const existing = (await deps.store.accountLinks(org, { providerAccountId: accountId })).find(
    (l) => l.externalId === externalId && l.status !== 'disabled',
  );
  const who = { organizationId: org, actor: userId, address: req.address };
  const tenantId: TenantId =
    existing?.tenantId ??
    (await auditedAs(
      deps.store,
      who,
      async (tx) => {
        const t = await tx.createTenant(org, { name: `Microsoft ${externalId}`, kind: 'customer' });
        const c = await tx.createConnection(org, {
          tenantId: t.id,
          kind: 'entra',
          name: `Entra (${account.name})`.slice(0, 200),
          config: { tenantId: externalId },
          secret: {},
          providerAccountId: accountId,
          externalId,
        });
        return { tenant: t.id, connection: c.id };
      },
      (r): AuditEntry[] => [
        { action: 'tenant.create', target: r.tenant, data: { via: 'admin_consent' } },
        { action: 'connection.create', target: r.connection, data: { kind: 'entra', account: accountId } },
      ],
    ).then((r) => r.tenant));
  return { ok: true, tenantId, created: !existing, checkOk: await checkConsented(deps, account, externalId) };
}

/** The new connection's check, as the worker would run it: the account's settings with the customer's directory. */
async function checkConsented(
  deps: ApiDeps,
  account: { kind: string; config: Record<string, unknown>; id: ProviderAccountId; organizationId: OrganizationId },
  tenant: string,
): Promise<boolean | null> {
  const connector = deps.connectors.entra;
  if (!connector) return null;
  try {
    const config = connector.config.parse({
      ...validateAccountConfig(deps, account.kind, account.config),
      tenantId: tenant,
    });
    const stored = await deps.store.readProviderAccountSecret(account.organizationId, account.id);
    const secret = connector.secret.parse(validateAccountSecret(deps, account.kind, stored));
    const result = await connector.check(
      createContext({
        connection: tenant,
        config,
        secret,
        signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
        limiter: createLimiter(connector.limits),
        egress: deps.egress ?? NO_OVERRIDES,
      }),
    );
    return result.ok;
  } catch (error) {
    deps.logger.warn({ err: error, tenant }, 'the check after admin consent did not run');
    return null;
  }
}
