import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenario } from '../scenario/schema.ts';
import { type GraphSimulator, startGraphSimulator } from './server.ts';
import { CsdlSchema } from './testing/csdl-schema.ts';
import { fetchToken, graphClient } from './testing/graph-client.ts';

/** The CSDL excerpt that carries `authenticationMethodsPolicy` and its `policyMigrationState`. */
const METHODS_CSDL = new URL(
  '../../../../../shared/reference/schemas/msgraph/msgraph-v1.0-roles-crosstenant-gdap-audit.csdl.xml',
  import.meta.url,
).pathname;

const STATES = ['preMigration', 'migrationInProgress', 'migrationComplete'] as const;
const world = scenario.parse({
  seed: 3,
  tenants: STATES.map((state) => ({
    name: state.toLowerCase(),
    entra: { tenantId: state.toLowerCase(), users: 5, methodsPolicyMigration: state },
  })),
});

let sim: GraphSimulator;
const csdl = CsdlSchema.load(METHODS_CSDL);

beforeAll(async () => {
  sim = await startGraphSimulator(world);
});
afterAll(() => sim.close());

describe('the authentication methods policy', () => {
  it.each(STATES)('reports policyMigrationState %s, in the shape the CSDL defines', async (state) => {
    const tenant = state.toLowerCase();
    const client = graphClient(sim, await fetchToken(sim, tenant));
    const policy = await client.api('/policies/authenticationMethodsPolicy').get();
    expect(policy.policyMigrationState).toBe(state);
    // The excerpt lacks `graph.entity`, the base type that declares `id`.
    const { authenticationMethodConfigurations, id, ...own } = policy;
    expect(id).toBe('authenticationMethodsPolicy');
    expect(csdl.validateEntity('authenticationMethodsPolicy', own)).toEqual([]);
    expect(authenticationMethodConfigurations.length).toBeGreaterThan(0);
  });

  it('the CSDL refuses a migration state Graph does not define', () => {
    const body = { displayName: 'Authentication Methods Policy', policyMigrationState: 'migrated' };
    expect(csdl.validateEntity('authenticationMethodsPolicy', body)).not.toEqual([]);
    expect(
      csdl.validateEntity('authenticationMethodsPolicy', { ...body, policyMigrationState: 'preMigration' }),
    ).toEqual([]);
  });
});
