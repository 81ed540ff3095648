import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ConnectionId, newId, type OrganizationId, type TenantId } from '@evident/core';
import type { Store } from '@evident/db';
import { combinePresets, type PresetName, type Simulators } from '@evident/simulators';
import { z } from 'zod';

/** The demo portfolio: three customers (one healthy, one with admins outside MFA, one with 30-day logs) and the MSP. */
export const DEMO_TENANTS: { preset: PresetName; kind: 'customer' | 'internal' }[] = [
  { preset: 'healthy', kind: 'customer' },
  { preset: 'admins-unenforced', kind: 'customer' },
  { preset: 'short-retention', kind: 'customer' },
  { preset: 'msp-internal', kind: 'internal' },
];

export const demoScenario = () => combinePresets(DEMO_TENANTS.map((t) => t.preset));

/** Simulated connection configs are plain data; a round trip through JSON gives them the store's JSON type. */
function asJson<T>(value: T): T & { config: Record<string, z.core.util.JSONType>; secret: z.core.util.JSONType } {
  return JSON.parse(JSON.stringify(value));
}

const stateFile = z.object({
  organizationId: z.string(),
  tenants: z.record(z.string(), z.string()),
  connections: z.record(z.string(), z.string()),
});

export interface Demo {
  organizationId: OrganizationId;
  /** Scenario tenant name → tenant id. */
  tenants: Map<string, TenantId>;
}

/**
 * Seeds the demo MSP once (remembered in the data folder), and on every start points its connections at the
 * simulators just started: their ports and certificate change from one start to the next.
 */
export async function ensureDemo(
  store: Store,
  sims: Simulators,
  dataDir: string,
): Promise<{ demo: Demo; seeded: boolean }> {
  const path = join(dataDir, 'demo.json');
  let state: z.infer<typeof stateFile> | undefined;
  try {
    state = stateFile.parse(JSON.parse(await readFile(path, 'utf8')));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const seeded = state === undefined;
  if (!state) {
    const org = newId('org');
    state = { organizationId: org, tenants: {}, connections: {} };
    await store.transaction(async (tx) => {
      await tx.createOrganization(org, { name: 'Contoso MSP (demo)' });
      for (const [i, t] of sims.scenario.tenants.entries()) {
        const tenant = await tx.createTenant(org, { name: t.name, kind: DEMO_TENANTS[i]?.kind ?? 'customer' });
        state!.tenants[t.name] = tenant.id;
        for (const c of sims.connections(t.name)) {
          const created = await tx.createConnection(org, { tenantId: tenant.id, ...asJson(c) });
          state!.connections[c.name] = created.id;
        }
      }
    });
    await writeFile(path, `${JSON.stringify(state, null, 2)}\n`);
  } else {
    const org = state.organizationId as OrganizationId;
    for (const t of sims.scenario.tenants) {
      for (const c of sims.connections(t.name)) {
        const id = state.connections[c.name];
        if (id) await store.updateConnectionConfig(org, id as ConnectionId, asJson(c).config);
      }
    }
  }
  return {
    demo: {
      organizationId: state.organizationId as OrganizationId,
      tenants: new Map(Object.entries(state.tenants) as [string, TenantId][]),
    },
    seeded,
  };
}
