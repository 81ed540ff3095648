import {
  CollectionSession,
  type ConnectorContext,
  ConnectorError,
  type DiscoveredCustomer,
  egressAgent,
} from '@evident/connector-kit';
import { z } from 'zod';
import { createClients, credentialFor, signInOptions } from './client.ts';
import type { EntraAccountConfig, EntraSecret } from './config.ts';
import { classifyGraphError } from './errors.ts';
import {
  consentReason,
  type DelegatedAdminCustomer,
  type DelegatedAdminRelationship,
  delegatedAdminCustomer,
  delegatedAdminRelationship,
  type GdapRelationship,
  gdapWarnings,
  relationshipOf,
} from './gdap.ts';
import { getOne, pages } from './graph-pages.ts';
import { GDAP_PERMISSION } from './permissions.ts';
import type { EntraTuning } from './tuning.ts';

type AccountCtx = ConnectorContext<EntraAccountConfig, EntraSecret>;

/** A customer as Entra discovery reports it: the contract's fields and its GDAP relationships. */
export interface EntraDiscoveredCustomer extends DiscoveredCustomer {
  relationships: GdapRelationship[];
}

const RELATIONSHIPS = '/tenantRelationships/delegatedAdminRelationships';
const CUSTOMERS = '/tenantRelationships/delegatedAdminCustomers';
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
/** Customers whose consent is probed at once. */
const REACH_AT_ONCE = 4;
/** Partner Center's largest page. */
const PAGE = { $top: '300' };
const organization = z.object({
  value: z.array(z.object({ verifiedDomains: z.array(z.object({ name: z.string() })) })),
});

async function readAll<T>(
  session: CollectionSession<EntraAccountConfig, EntraSecret>,
  graph: Parameters<typeof pages>[1],
  path: string,
  schema: z.ZodType<T>,
): Promise<T[]> {
  const out: T[] = [];
  try {
    for await (const items of pages<unknown, EntraAccountConfig, EntraSecret>(
      session,
      graph,
      path,
      GDAP_PERMISSION,
      PAGE,
    ))
      for (const item of items) out.push(schema.parse(item));
  } catch (error) {
    if (error instanceof z.ZodError)
      throw new ConnectorError(
        'provider_error',
        `Graph sent ${path} in an unexpected shape: ${z.prettifyError(error)}`,
      );
    const e = classifyGraphError(error, GDAP_PERMISSION);
    if (e.code === 'permission_missing')
      throw new ConnectorError(
        'permission_missing',
        `Listing GDAP customers needs the application permission ${GDAP_PERMISSION} on the app, with admin consent in the partner tenant: ${e.message}`,
        { permission: GDAP_PERMISSION },
        { cause: error },
      );
    if (e.code === 'auth_failed')
      throw new ConnectorError('auth_failed', `The partner tenant refused the app: ${e.message}`, {}, { cause: error });
    throw e;
  }
  return out;
}

/** Whether the app gets a token for the customer tenant (admin consent given), and the tenant's domains if so. */
async function reach(
  ctx: AccountCtx,
  tenantId: string,
  tuning: EntraTuning,
): Promise<Pick<DiscoveredCustomer, 'reachable' | 'domains'>> {
  const signIn = { tenantId, clientId: ctx.config.clientId, endpoints: ctx.config.endpoints };
  const ca = ctx.config.endpoints.caCert;
  const agent = egressAgent(ctx.egress, ca ? { ca } : {});
  try {
    await credentialFor(signIn, ctx.secret, signInOptions(ctx.config.endpoints.login, agent)).getToken(GRAPH_SCOPE, {
      abortSignal: ctx.signal,
    });
  } catch (error) {
    if (ctx.signal.aborted) throw error;
    return {
      reachable: { ok: false, reason: consentReason(error instanceof Error ? error.message : String(error)) },
      domains: [],
    };
  } finally {
    agent.destroy();
  }
  const clients = createClients(signIn, ctx.secret, ctx.signal, tuning, ctx.egress, 1);
  try {
    const session = new CollectionSession(ctx, 'entra', (e) => classifyGraphError(e));
    const body = organization.parse(
      await getOne(session, clients.graph, '/organization', 'Organization.Read.All', { $select: 'verifiedDomains' }),
    );
    return { reachable: { ok: true }, domains: body.value.flatMap((o) => o.verifiedDomains.map((d) => d.name)) };
  } catch {
    // Reached but the domains unread: matching falls back to the tenant id.
    return { reachable: { ok: true }, domains: [] };
  } finally {
    await clients.close();
  }
}

/**
 * The customers the MSP's app sees through GDAP from the partner tenant, each with its relationships, what the MSP
 * should know about them, and whether the app is consented there.
 */
export async function discoverCustomers(ctx: AccountCtx, tuning: EntraTuning): Promise<EntraDiscoveredCustomer[]> {
  const { config } = ctx;
  const partner = { tenantId: config.partnerTenantId, clientId: config.clientId, endpoints: config.endpoints };
  const clients = createClients(partner, ctx.secret, ctx.signal, tuning, ctx.egress, ctx.limiter.concurrency);
  const session = new CollectionSession(ctx, 'entra', (e) => classifyGraphError(e));
  let relationships: DelegatedAdminRelationship[];
  let listed: DelegatedAdminCustomer[];
  try {
    relationships = await readAll(session, clients.graph, RELATIONSHIPS, delegatedAdminRelationship);
    listed = await readAll(session, clients.graph, CUSTOMERS, delegatedAdminCustomer);
  } finally {
    await clients.close();
  }
  const names = new Map<string, string>();
  for (const c of listed) names.set(c.tenantId, c.displayName ?? c.tenantId);
  for (const r of relationships)
    if (r.customer && !names.has(r.customer.tenantId))
      names.set(r.customer.tenantId, r.customer.displayName ?? r.customer.tenantId);
  // Token requests go to the identity platform, not Graph: a few side by side, outside the Graph limiter.
  const customers = [...names];
  const out: EntraDiscoveredCustomer[] = new Array(customers.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < customers.length; i = next++) {
      const [tenantId, name] = customers[i]!;
      const own = relationships.filter((r) => r.customer?.tenantId === tenantId).map(relationshipOf);
      out[i] = {
        externalId: tenantId,
        name,
        connection: { config: { tenantId } },
        ...(await reach(ctx, tenantId, tuning)),
        warnings: gdapWarnings(own, ctx.now()),
        relationships: own,
      };
    }
  };
  await Promise.all(Array.from({ length: Math.min(REACH_AT_ONCE, customers.length) }, worker));
  return out;
}
