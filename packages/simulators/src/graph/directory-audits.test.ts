import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preset } from '../scenario/presets.ts';
import { type GraphSimulator, startGraphSimulator } from './server.ts';
import { CsdlSchema, ROLES_CSDL } from './testing/csdl-schema.ts';
import { fetchToken, graphClient } from './testing/graph-client.ts';

const csdl = CsdlSchema.loadWith(ROLES_CSDL);
const AUDITS = '/auditLogs/directoryAudits';

let sim: GraphSimulator;
beforeAll(async () => {
  sim = await startGraphSimulator(preset('healthy'), { throttleScale: 0.01 });
});
afterAll(() => sim.close());

const client = async () => graphClient(sim, await fetchToken(sim, 'northwind'));
const policiesOf = async () =>
  (await (await client()).api('/identity/conditionalAccess/policies').get()).value as {
    id: string;
    displayName: string;
    state: string;
  }[];

describe('a change to the world leaves a directory-audit entry', () => {
  it('disabling a policy is served at once, and audited in Graph v1.0 shape once the delay has passed', async () => {
    const [policy] = (await policiesOf()).filter((p) => p.state === 'enabled');
    expect(policy).toBeDefined();
    const before = new Date(Date.now() - 1_000).toISOString();
    sim.changes.auditDelayMs = 1_500;
    const id = sim.changes.setConditionalAccessState('northwind', policy!.id, 'disabled', {
      user: 'mallory@northwind.example',
    });
    expect((await policiesOf()).find((p) => p.id === policy!.id)?.state).toBe('disabled');

    const read = async () =>
      (await client()).api(AUDITS).filter(`activityDateTime ge ${before}`).top(999).get() as Promise<{
        value: { id: string }[];
      }>;
    expect((await read()).value.map((e) => e.id)).not.toContain(id);
    const deadline = Date.now() + 5_000;
    let body = await read();
    while (!body.value.some((e) => e.id === id) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      body = await read();
    }
    expect(csdl.validateCollection('directoryAudit', body)).toEqual([]);
    expect(body.value[0]).toMatchObject({
      id,
      category: 'Policy',
      activityDisplayName: 'Update conditional access policy',
      result: 'success',
      initiatedBy: { user: { userPrincipalName: 'mallory@northwind.example' }, app: null },
      targetResources: [{ id: policy!.id, displayName: policy!.displayName, type: 'Policy' }],
    });
  });

  it('security defaults: the setting changes and the entry names who changed it', async () => {
    sim.changes.auditDelayMs = 0;
    const before = new Date(Date.now() - 1_000).toISOString();
    const id = sim.changes.setSecurityDefaults('northwind', true, { app: 'Automation' });
    const c = await client();
    expect((await c.api('/policies/identitySecurityDefaultsEnforcementPolicy').get()).isEnabled).toBe(true);
    const body = await c.api(AUDITS).filter(`activityDateTime ge ${before}`).get();
    expect(csdl.validateCollection('directoryAudit', body)).toEqual([]);
    expect(body.value.find((e: { id: string }) => e.id === id)).toMatchObject({
      initiatedBy: { app: { displayName: 'Automation' }, user: null },
      targetResources: [{ displayName: 'Security Defaults' }],
    });
  });

  it('pages the live entries ahead of the generated history, and the window excludes older ones', async () => {
    const c = await client();
    const all = await c.api(AUDITS).top(1).get();
    expect(all['@odata.nextLink']).toMatch(/\$skiptoken=/);
    const future = new Date(Date.now() + 60_000).toISOString();
    expect((await c.api(AUDITS).filter(`activityDateTime ge ${future}`).get()).value).toEqual([]);
    await expect(c.api(AUDITS).filter("category eq 'Policy'").get()).rejects.toMatchObject({ statusCode: 400 });
  });
});
