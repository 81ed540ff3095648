import { PageIterator } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { combinePresets } from '../scenario/presets.ts';
import { type GraphSimulator, startGraphSimulator } from './server.ts';
import { CsdlSchema, ROLES_CSDL } from './testing/csdl-schema.ts';
import { GraphBodyChecker } from './testing/graph-bodies.ts';
import { fetchToken, graphClient } from './testing/graph-client.ts';

const NOW = new Date('2026-11-28T12:00:00.000Z');
const GRAPH = 'https://graph.microsoft.com/.default';
const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10';
const csdl = CsdlSchema.loadWith(ROLES_CSDL);
const checker = new GraphBodyChecker();

let sim: GraphSimulator;
beforeAll(async () => {
  sim = await startGraphSimulator(combinePresets(['healthy', 'admins-unenforced', 'short-retention', 'msp-internal']), {
    now: NOW,
  });
});
afterAll(() => sim.close());

const partner = async () =>
  graphClient(sim, await fetchToken(sim, 'contoso-msp', GRAPH, sim.mspApp), { onResponse: checker.check });

describe('GDAP in the partner tenant (tenantRelationships)', () => {
  it('lists the relationships in Graph v1.0 shape: customer, roles, status, end date', async () => {
    const body = await (await partner()).api('/tenantRelationships/delegatedAdminRelationships').get();
    expect(csdl.validateCollection('delegatedAdminRelationship', body)).toEqual([]);
    const byCustomer = new Map(
      body.value.map((r: { customer: { displayName: string } }) => [r.customer.displayName, r]),
    );
    expect([...byCustomer.keys()]).toEqual(['Northwind Traders', 'Fabrikam', 'Tailspin Toys']);
    expect(byCustomer.get('Fabrikam')).toMatchObject({
      status: 'active',
      customer: { tenantId: 'fabrikam' },
      accessDetails: { unifiedRoles: [{ roleDefinitionId: GLOBAL_ADMINISTRATOR }] },
      autoExtendDuration: 'PT0S',
      duration: 'P730D',
    });
    expect(byCustomer.get('Tailspin Toys')).toMatchObject({ endDateTime: '2026-12-10T12:00:00.000Z' });
    expect(byCustomer.get('Northwind Traders')).toMatchObject({ autoExtendDuration: 'P180D' });
  });

  it('lists the customers, and pages both collections with $top (up to 300) and absolute next links', async () => {
    const client = await partner();
    const customers = await client.api('/tenantRelationships/delegatedAdminCustomers').get();
    expect(csdl.validateCollection('delegatedAdminCustomer', customers)).toEqual([]);
    expect(customers.value).toEqual([
      { id: 'northwind', tenantId: 'northwind', displayName: 'Northwind Traders' },
      { id: 'fabrikam', tenantId: 'fabrikam', displayName: 'Fabrikam' },
      { id: 'tailspin', tenantId: 'tailspin', displayName: 'Tailspin Toys' },
    ]);
    const first = await client.api('/tenantRelationships/delegatedAdminRelationships').top(1).get();
    expect(first['@odata.nextLink']).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/v1\.0\/tenantRelationships\/.*\$skiptoken=/);
    const seen: string[] = [];
    await new PageIterator(client, first, (r: { customer: { tenantId: string } }) => {
      seen.push(r.customer.tenantId);
      return true;
    }).iterate();
    expect(seen).toEqual(['northwind', 'fabrikam', 'tailspin']);
    const selected = await client.api('/tenantRelationships/delegatedAdminCustomers').select('tenantId').top(2).get();
    expect(selected.value).toEqual([{ tenantId: 'northwind' }, { tenantId: 'fabrikam' }]);
    await expect(client.api('/tenantRelationships/delegatedAdminCustomers').top(301).get()).rejects.toMatchObject({
      statusCode: 400,
    });
  });

  it('refuses an app without DelegatedAdminRelationship.Read.All with 403 Authorization_RequestDenied', async () => {
    const collector = graphClient(sim, await fetchToken(sim, 'contoso-msp'), { onResponse: checker.check });
    await expect(collector.api('/tenantRelationships/delegatedAdminRelationships').get()).rejects.toMatchObject({
      statusCode: 403,
      code: 'Authorization_RequestDenied',
    });
    sim.faults.set('contoso-msp', {
      revokePermission: { after: 0, permission: 'DelegatedAdminRelationship.Read.All' },
    });
    try {
      await expect((await partner()).api('/tenantRelationships/delegatedAdminCustomers').get()).rejects.toMatchObject({
        statusCode: 403,
      });
    } finally {
      sim.faults.set('contoso-msp', {});
    }
  });

  it('in a consented customer the MSP’s app reads what the collector reads, and no GDAP', async () => {
    const client = graphClient(sim, await fetchToken(sim, 'northwind', GRAPH, sim.mspApp));
    expect((await client.api('/organization').get()).value[0].id).toBe('northwind');
    await expect(client.api('/tenantRelationships/delegatedAdminCustomers').get()).rejects.toMatchObject({
      statusCode: 403,
    });
  });

  it('sent bodies of the right shape', () => {
    expect(checker.problems).toEqual([]);
    expect(checker.checked.get('error')).toBeGreaterThanOrEqual(2);
  });
});
