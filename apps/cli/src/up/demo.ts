import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createContext, egressPolicy } from '@evident/connector-kit';
import {
  type ConnectionId,
  NotFoundError,
  newId,
  type OrganizationId,
  type ProviderAccountId,
  type RunId,
  type TenantId,
} from '@evident/core';
import type { ImportItem, Store } from '@evident/db';
import { DEFAULT_CONNECTORS, enqueueImport, firstRunId } from '@evident/pipeline';
import { combinePresets, type PresetName, type Scenario, type Simulators, tenantWorld } from '@evident/simulators';
import { z } from 'zod';

/**
 * The demo portfolio: three Microsoft customers (one healthy, one with admins outside MFA, one with 30-day logs),
 * the MSP, and a customer on Google Workspace and AWS (`WORKSPACE_AWS_CUSTOMER`).
 */
export const DEMO_TENANTS: { preset: PresetName; kind: 'customer' | 'internal' }[] = [
  { preset: 'healthy', kind: 'customer' },
  { preset: 'admins-unenforced', kind: 'customer' },
  { preset: 'short-retention', kind: 'customer' },
  { preset: 'msp-internal', kind: 'internal' },
];

/** The MSP's partner tenant: its multi-tenant app discovers the customers through their GDAP relationships. */
export const PARTNER_TENANT = 'contoso-msp';

/** A customer without Microsoft: Google Workspace for identities, AWS with a root user outside MFA. */
export const WORKSPACE_AWS_CUSTOMER = tenantWorld.parse({
  name: 'adventureworks',
  workspace: { preset: 'healthy', domain: 'adventure-works.example' },
  aws: { preset: 'weak' },
});

export function demoScenario(): Scenario {
  const sc = combinePresets(DEMO_TENANTS.map((t) => t.preset));
  sc.tenants.push(WORKSPACE_AWS_CUSTOMER);
  // Each customer's admin has accepted the MSP's app (admin consent), so the app reaches every GDAP customer.
  for (const t of sc.tenants) for (const r of t.entra?.partner?.relationships ?? []) r.consented = true;
  return sc;
}

/** Simulated connection configs are plain data; a round trip through JSON gives them the store's JSON type. */
function asJson<T>(value: T): T & { config: Record<string, z.core.util.JSONType>; secret: z.core.util.JSONType } {
  return JSON.parse(JSON.stringify(value));
}

const stateFile = z.object({
  organizationId: z.string(),
  tenants: z.record(z.string(), z.string()),
  connections: z.record(z.string(), z.string()),
  /** The MSP-level Entra account; absent in a demo seeded before customers were imported through it. */
  entraAccount: z.string().optional(),
  /** Its GDAP customers are imported and their other providers connected. */
  imported: z.boolean().optional(),
});
type State = z.infer<typeof stateFile>;

export interface Demo {
  organizationId: OrganizationId;
  /** Scenario tenant name → tenant id. */
  tenants: Map<string, TenantId>;
}

const statePath = (dataDir: string) => join(dataDir, 'demo.json');
const save = (dataDir: string, state: State) => writeFile(statePath(dataDir), `${JSON.stringify(state, null, 2)}\n`);

/** The scenario's tenants that the partner tenant reaches through GDAP: they come in through the import. */
function gdapCustomers(sims: Simulators): Set<string> {
  const partner = sims.scenario.tenants.find((t) => t.name === PARTNER_TENANT);
  return new Set((partner?.entra?.partner?.relationships ?? []).map((r) => r.customer));
}

/** The MSP's multi-tenant app in its partner tenant, pointed at the simulators just started. */
function entraAccountConfig(sims: Simulators) {
  const graph = sims.graph!;
  return {
    config: asJson({
      clientId: graph.mspApp.clientId,
      partnerTenantId: PARTNER_TENANT,
      endpoints: { graph: graph.url, login: graph.url, arm: graph.url, caCert: graph.caCert },
    }),
    secret: { clientSecret: graph.mspApp.clientSecret },
  };
}

const demoOf = (state: State): Demo => ({
  organizationId: state.organizationId as OrganizationId,
  tenants: new Map(Object.entries(state.tenants) as [string, TenantId][]),
});

/**
 * Seeds the demo MSP once (remembered in the data folder): the MSP's own tenant with its connections, and its
 * MSP-level Entra account; the customers come later, through discovery and the import job (`importDemoCustomers`).
 * On every start it points the connections and the account at the simulators just started: their ports and
 * certificate change from one start to the next.
 */
export async function ensureDemo(
  store: Store,
  sims: Simulators,
  dataDir: string,
): Promise<{ demo: Demo; seeded: boolean; state: State }> {
  let state: State | undefined;
  try {
    state = stateFile.parse(JSON.parse(await readFile(statePath(dataDir), 'utf8')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const seeded = state === undefined;
  if (!state) {
    const org = newId('org');
    const fresh: State = { organizationId: org, tenants: {}, connections: {} };
    const customers = gdapCustomers(sims);
    await store.transaction(async (tx) => {
      await tx.createOrganization(org, { name: 'Contoso MSP (demo)' });
      for (const [i, t] of sims.scenario.tenants.entries()) {
        if (customers.has(t.name)) continue;
        const tenant = await tx.createTenant(org, { name: t.name, kind: DEMO_TENANTS[i]?.kind ?? 'customer' });
        fresh.tenants[t.name] = tenant.id;
        for (const c of sims.connections(t.name)) {
          const created = await tx.createConnection(org, { tenantId: tenant.id, ...asJson(c) });
          fresh.connections[c.name] = created.id;
        }
      }
      const account = await tx.createProviderAccount(org, {
        kind: 'entra',
        name: 'Contoso MSP app (GDAP)',
        ...entraAccountConfig(sims),
      });
      fresh.entraAccount = account.id;
    });
    state = fresh;
    await save(dataDir, state);
  } else {
    const org = state.organizationId as OrganizationId;
    if (state.entraAccount)
      await store.updateProviderAccountConfig(
        org,
        state.entraAccount as ProviderAccountId,
        entraAccountConfig(sims).config,
      );
    for (const t of sims.scenario.tenants) {
      for (const c of sims.connections(t.name)) {
        const id = state.connections[c.name];
        if (id) await store.updateConnectionConfig(org, id as ConnectionId, asJson(c).config);
      }
    }
  }
  return { demo: demoOf(state), seeded, state };
}

const IMPORT_TIMEOUT_MS = 120_000;

/**
 * The MSP's customers as an MSP brings them in: the account discovers its GDAP customers, the import job creates a
 * tenant and an Entra connection for each (with its first assessment and schedule), and then each customer's other
 * providers are connected and its break-glass accounts declared. Once per demo; a start that stopped half way does
 * the rest (an import adds only what is missing). Returns the customers imported now, by name.
 */
export async function importDemoCustomers(
  store: Store,
  sims: Simulators,
  jobs: Parameters<typeof enqueueImport>[0],
  dataDir: string,
  state: State,
): Promise<{ demo: Demo; imported: string[]; created: TenantId[] }> {
  if (state.imported || !state.entraAccount) return { demo: demoOf(state), imported: [], created: [] };
  const org = state.organizationId as OrganizationId;
  const accountId = state.entraAccount as ProviderAccountId;
  const spec = DEFAULT_CONNECTORS.entra!.account!;
  const { config, secret } = entraAccountConfig(sims);
  const discovered = await spec.discover(
    createContext({
      connection: 'Contoso MSP app (GDAP)',
      config: spec.config.parse(config),
      secret: spec.secret.parse(secret),
      egress: egressPolicy(sims.allowedEndpoints),
      signal: AbortSignal.timeout(60_000),
    }),
  );
  const items: ImportItem[] = discovered.map((c) => ({
    externalId: c.externalId,
    name: c.name.trim().slice(0, 200) || c.externalId,
    config: c.connection.config as ImportItem['config'],
  }));
  if (items.length === 0) throw new Error(`the MSP's app discovered no customers in ${PARTNER_TENANT}`);
  const started = await store.createImport(org, { providerAccountId: accountId, items, createdBy: 'evident up' });
  await enqueueImport(jobs, { organizationId: org, importId: started.id });
  const deadline = Date.now() + IMPORT_TIMEOUT_MS;
  let progress = await store.getImport(org, started.id);
  while (progress.status !== 'succeeded') {
    if (progress.status === 'failed') throw new Error(`the import of the MSP's customers failed: ${progress.error}`);
    if (Date.now() > deadline)
      throw new Error(
        `the import of the MSP's customers is still at ${progress.done} of ${progress.total} after two minutes`,
      );
    await new Promise((r) => setTimeout(r, 200));
    progress = await store.getImport(org, started.id);
  }
  if (progress.failures.length > 0)
    throw new Error(`the import skipped ${progress.failures.map((f) => `${f.externalId} (${f.reason})`).join(', ')}`);
  const created = progress.createdTenants as TenantId[];

  // Graph tenant id → scenario tenant: the customer's other providers and its declarations come from the scenario.
  const byEntraId = new Map(
    sims.scenario.tenants.flatMap((t) => (t.entra ? [[t.entra.tenantId, t.name] as const] : [])),
  );
  const links = await store.accountLinks(org, { providerAccountId: accountId });
  await store.transaction(async (tx) => {
    for (const link of links) {
      const name = link.externalId ? byEntraId.get(link.externalId) : undefined;
      if (!name) continue;
      state.tenants[name] = link.tenantId;
      for (const c of sims.connections(name).map(asJson)) {
        if (c.kind === 'entra') {
          // What discovery cannot know: the customer's break-glass accounts and the MSP's own domains.
          const declared = Object.fromEntries(
            Object.entries(c.config).filter(([k, v]) => (k === 'breakGlass' || k === 'mspDomains') && v !== undefined),
          );
          const own = (await tx.getConnection(org, link.connectionId)).config;
          await tx.updateConnectionConfig(org, link.connectionId, { ...own, ...declared });
        } else if (!state.connections[c.name]) {
          state.connections[c.name] = (await tx.createConnection(org, { tenantId: link.tenantId, ...c })).id;
        }
      }
    }
  });
  state.imported = true;
  await save(dataDir, state);
  return { demo: demoOf(state), imported: discovered.map((c) => c.name), created };
}

/** The run an imported tenant's first assessment opened; it appears once the worker takes the tenant's tick. */
export async function firstRunOf(store: Store, org: OrganizationId, tenantId: TenantId): Promise<RunId> {
  const id = firstRunId(tenantId);
  const deadline = Date.now() + IMPORT_TIMEOUT_MS;
  for (;;) {
    try {
      await store.getRun(org, id);
      return id;
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
    if (Date.now() > deadline) throw new Error(`the first assessment of tenant ${tenantId} did not start`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
