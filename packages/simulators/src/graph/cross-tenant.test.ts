import type { Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenario } from '../scenario/schema.ts';
import { type GraphSimulator, startGraphSimulator } from './server.ts';
import { CsdlSchema, ROLES_CSDL } from './testing/csdl-schema.ts';
import { fetchToken, graphClient } from './testing/graph-client.ts';

const sc = scenario.parse({
  name: 'cross-tenant',
  tenants: [
    {
      name: 'fabrikam',
      entra: {
        tenantId: 'fabrikam',
        users: 5,
        edges: {
          crossTenant: {
            default: { directConnectInbound: true, mfaAccepted: true },
            partners: [{ tenantId: 'partner-a', directConnectInbound: false }, { tenantId: 'partner-b' }],
          },
        },
      },
    },
    { name: 'closed', entra: { tenantId: 'closed', users: 5 } },
  ],
});
const csdl = CsdlSchema.loadWith(ROLES_CSDL);

let sim: GraphSimulator;
let c: Client;
beforeAll(async () => {
  sim = await startGraphSimulator(sc);
  c = graphClient(sim, await fetchToken(sim, 'fabrikam'));
});
afterAll(() => sim.close());

describe('cross-tenant access settings, as Graph documents them', () => {
  it('the default: direct connect let in, MFA from home tenants trusted', async () => {
    const body = await c.api('/policies/crossTenantAccessPolicy/default').get();
    expect(csdl.validateEntity('crossTenantAccessPolicyConfigurationDefault', body)).toEqual([]);
    expect(body.b2bDirectConnectInbound.usersAndGroups.accessType).toBe('allowed');
    expect(body.inboundTrust.isMfaAccepted).toBe(true);
  });

  it("partners: their own setting, or null where they inherit the default's", async () => {
    const body = await c.api('/policies/crossTenantAccessPolicy/partners').get();
    expect(csdl.validateCollection('crossTenantAccessPolicyConfigurationPartner', body)).toEqual([]);
    expect(body.value.map((p: { tenantId: string }) => p.tenantId)).toEqual(['partner-a', 'partner-b']);
    expect(body.value[0].b2bDirectConnectInbound.usersAndGroups.accessType).toBe('blocked');
    expect(body.value[1]).toMatchObject({ b2bDirectConnectInbound: null, inboundTrust: null });
  });

  it("a tenant that changed nothing has Microsoft's default: direct connect blocked", async () => {
    const closed = graphClient(sim, await fetchToken(sim, 'closed'));
    const body = await closed.api('/policies/crossTenantAccessPolicy/default').get();
    expect(body).toMatchObject({ isServiceDefault: true, inboundTrust: { isMfaAccepted: false } });
    expect(body.b2bDirectConnectInbound.usersAndGroups.accessType).toBe('blocked');
  });
});
