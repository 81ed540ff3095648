import type { Client } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenario } from '../scenario/schema.ts';
import { type GraphSimulator, startGraphSimulator } from './server.ts';
import { CsdlSchema, ROLES_CSDL } from './testing/csdl-schema.ts';
import { fetchToken, graphClient } from './testing/graph-client.ts';

const local = (upn: string) => [{ signInType: 'userPrincipalName', issuer: 'contoso.example', issuerAssignedId: upn }];
const federated = (issuer: string) => ({ signInType: 'federated', issuer, issuerAssignedId: null });

const sc = scenario.parse({
  name: 'external-users',
  tenants: [
    {
      name: 'fabrikam',
      entra: {
        tenantId: 'fabrikam',
        users: 10,
        guests: 3,
        mspGuests: 1,
        edges: {
          users: [
            { user: 6, userPrincipalName: 'old_partner.example#EXT#@contoso.example' },
            {
              user: 7,
              userType: 'Member',
              creationType: 'Invitation',
              externalUserState: 'Accepted',
              identities: [...local('b2b_partner.example#EXT#@contoso.example'), federated('partner.example')],
            },
            { user: 11, userPrincipalName: 'vendor@contoso.example' },
            { user: 12, userType: null, creationType: null, externalUserState: null, identities: [] },
          ],
        },
      },
    },
  ],
});
const csdl = CsdlSchema.loadWith(ROLES_CSDL);
const SELECT = 'id,userPrincipalName,userType,creationType,externalUserState,identities';

let sim: GraphSimulator;
let c: Client;
beforeAll(async () => {
  sim = await startGraphSimulator(sc);
  c = graphClient(sim, await fetchToken(sim, 'fabrikam'));
});
afterAll(() => sim.close());

describe("users carry Graph's external-identity attributes", () => {
  it('every user, in the shape the CSDL gives `user`', async () => {
    const body = await c.api('/users').select(SELECT).get();
    expect(csdl.validateCollection('user', body)).toEqual([]);
    const members = body.value.slice(0, 6);
    for (const m of members) {
      expect(m).toMatchObject({ userType: 'Member', creationType: null, externalUserState: null });
      expect(m.identities).toEqual(local(m.userPrincipalName));
    }
    const msp = body.value[10];
    expect(msp).toMatchObject({ userType: 'Guest', creationType: 'Invitation' });
    expect(['Accepted', 'PendingAcceptance']).toContain(msp.externalUserState);
    expect(msp.identities[1]).toEqual(federated('contoso-msp.example'));
  });

  it('the confusing cases: the UPN and the attributes disagree, or the attributes are unset', async () => {
    const body = await c.api('/users').select(SELECT).get();
    const [extMember, b2bMember] = [body.value[6], body.value[7]];
    expect(extMember).toMatchObject({ userPrincipalName: expect.stringContaining('#EXT#'), userType: 'Member' });
    expect(extMember.identities).toEqual(local(extMember.userPrincipalName));
    expect(b2bMember).toMatchObject({ userType: 'Member', creationType: 'Invitation' });
    expect(body.value[11]).toMatchObject({ userPrincipalName: 'vendor@contoso.example', userType: 'Guest' });
    expect(body.value[11].identities[1]).toEqual(federated('ExternalAzureAD'));
    expect(body.value[12]).toMatchObject({ userType: null, creationType: null, identities: [] });
  });
});
