import { type Client, GraphError, PageIterator } from '@microsoft/microsoft-graph-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenario as scenarioSchema } from '../scenario/schema.ts';
import { type GraphSimulator, startGraphSimulator } from './server.ts';
import { GraphBodyChecker } from './testing/graph-bodies.ts';
import { fetchToken, graphClient, RetryHandlerOptions } from './testing/graph-client.ts';
import { entraDirectory } from './world/directory.ts';
import { ROLE_TEMPLATE_IDS } from './world/roles.ts';

const scenario = scenarioSchema.parse({
  seed: 11,
  tenants: [
    {
      name: 'proseware',
      entra: {
        tenantId: 'proseware',
        domain: 'proseware.example',
        users: 60,
        guests: 5,
        admins: { globalAdministrator: 2, conditionalAccessAdministrator: 1 },
        conditionalAccess: ['nested_groups', 'admins_only', 'legacy_auth_open'],
      },
    },
    {
      name: 'litware',
      entra: { tenantId: 'litware', domain: 'litware.example', licence: 'free', users: 15, conditionalAccess: [] },
    },
    {
      name: 'northwind',
      entra: {
        tenantId: 'northwind',
        domain: 'northwind.example',
        licence: 'p2',
        users: 120,
        guests: 6,
        admins: { globalAdministrator: 2, securityAdministrator: 1, userAdministrator: 1 },
        mfaRegisteredShare: 1,
        adminPhishingResistantShare: 1,
        conditionalAccess: ['all_users_mfa_break_glass', 'legacy_auth_blocked', 'phishing_resistant_admins'],
        weakMethodsEnabled: { sms: false, voice: false, email: false },
      },
    },
  ],
});
const NOW = new Date('2026-11-01T00:00:00Z');
const directoryOf = (name: string) =>
  entraDirectory(scenario.tenants.find((t) => t.name === name)!.entra!, scenario.seed, NOW);

let sim: GraphSimulator;
const checker = new GraphBodyChecker();
const clients = new Map<string, Client>();
const client = (tenant: string) => clients.get(tenant)!;

async function collect<T>(c: Client, path: string): Promise<T[]> {
  const items: T[] = [];
  const first = await c.api(path).get();
  await new PageIterator(c, first, (item: T) => {
    items.push(item);
    return true;
  }).iterate();
  return items;
}

async function graphError(p: Promise<unknown>): Promise<GraphError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(GraphError);
  return e as GraphError;
}

beforeAll(async () => {
  sim = await startGraphSimulator(scenario, { throttleScale: 0.001, now: NOW });
  for (const t of ['proseware', 'litware', 'northwind'])
    clients.set(
      t,
      graphClient(sim, await fetchToken(sim, t), { retry: new RetryHandlerOptions(0, 5), onResponse: checker.check }),
    );
});

afterAll(() => sim.close());

describe('Graph simulator through the official SDK', () => {
  it('pages /users to the end with PageIterator, in the generator order', async () => {
    const d = directoryOf('proseware');
    const users = await collect<{ id: string }>(client('proseware'), '/users?$top=7&$select=id,userPrincipalName');
    expect(users).toHaveLength(d.counts.users);
    expect(users.map((u) => u.id)).toEqual([...d.users()].map((u) => u.id));
  });

  it('pages the registration report: enabled users only, with the generator’s facts', async () => {
    const d = directoryOf('northwind');
    const rows = await collect<{ id: string; isMfaRegistered: boolean; isAdmin: boolean; userType: string }>(
      client('northwind'),
      '/reports/authenticationMethods/userRegistrationDetails?$top=50',
    );
    expect(rows).toHaveLength(d.counts.registrationDetails);
    rows.forEach((row, j) => {
      const u = d.registeredUser(j);
      expect(row).toMatchObject({ id: u.id, isMfaRegistered: u.isMfaRegistered, isAdmin: u.isAdmin });
      expect(row.userType).toBe(u.userType === 'Guest' ? 'guest' : 'member');
    });
  });

  it('honours $select, and returns only the default properties without it', async () => {
    const c = client('proseware');
    const plain = await c.api('/users').top(1).get();
    expect(Object.keys(plain.value[0]).sort()).toEqual(
      [
        'businessPhones',
        'displayName',
        'givenName',
        'id',
        'jobTitle',
        'mail',
        'mobilePhone',
        'officeLocation',
        'preferredLanguage',
        'surname',
        'userPrincipalName',
      ].sort(),
    );
    const picked = await c.api('/users').select(['id', 'accountEnabled', 'userType', 'signInActivity']).top(3).get();
    for (const u of picked.value)
      expect(Object.keys(u)).toEqual(['id', 'accountEnabled', 'signInActivity', 'userType']);
    expect(picked['@odata.context']).toMatch(/\$metadata#users\(id,accountEnabled,userType,signInActivity\)$/);
    const e = await graphError(c.api('/users').select('favouriteColour').get());
    expect(e.statusCode).toBe(400);
  });

  it('filters role assignments by role and expands their principals, users and groups', async () => {
    const c = client('proseware');
    const ga = ROLE_TEMPLATE_IDS.globalAdministrator;
    const page = await c
      .api('/roleManagement/directory/roleAssignments')
      .filter(`roleDefinitionId eq '${ga}'`)
      .expand('principal')
      .get();
    const types = page.value.map((a: { roleDefinitionId: string; principal: { '@odata.type': string } }) => {
      expect(a.roleDefinitionId).toBe(ga);
      return a.principal['@odata.type'];
    });
    expect(types).toEqual([
      '#microsoft.graph.user',
      '#microsoft.graph.user',
      '#microsoft.graph.user',
      '#microsoft.graph.group',
    ]);
    const group = page.value[3].principal;
    expect(group.isAssignableToRole).toBe(true);
    const members = await collect<{ '@odata.type': string }>(c, `/groups/${group.id}/transitiveMembers`);
    expect(members.map((m) => m['@odata.type'])).toEqual(['#microsoft.graph.user']);
    const none = await c
      .api('/roleManagement/directory/roleAssignments')
      .filter(`roleDefinitionId eq '${ROLE_TEMPLATE_IDS.globalReader}'`)
      .get();
    expect(none.value).toEqual([]);
  });

  it("filters role assignments by a list of roles with 'in', up to Graph's fifteen values", async () => {
    const c = client('proseware');
    const ga = ROLE_TEMPLATE_IDS.globalAdministrator;
    const one = await c.api('/roleManagement/directory/roleAssignments').filter(`roleDefinitionId eq '${ga}'`).get();
    const listed = await c
      .api('/roleManagement/directory/roleAssignments')
      .filter(`roleDefinitionId in ('${ROLE_TEMPLATE_IDS.globalReader}', '${ga}')`)
      .expand('principal')
      .top(999)
      .get();
    expect(listed.value.map((a: { id: string }) => a.id)).toEqual(one.value.map((a: { id: string }) => a.id));
    const sixteen = Array.from({ length: 16 }, (_, i) => `'00000000-0000-0000-0000-${String(i).padStart(12, '0')}'`);
    const e = await graphError(
      c
        .api('/roleManagement/directory/roleAssignments')
        .filter(`roleDefinitionId in (${sixteen.join(',')})`)
        .get(),
    );
    expect(e.statusCode).toBe(400);
    expect(e.message).toMatch(/Max allowed: 15/);
    const bad = await graphError(
      c.api('/roleManagement/directory/roleAssignments').filter('roleDefinitionId in (1)').get(),
    );
    expect(bad.statusCode).toBe(400);
  });

  it('expands nested groups transitively', async () => {
    const c = client('proseware');
    const policies = await collect<{ conditions: { users: { includeGroups: string[] } } }>(
      c,
      '/identity/conditionalAccess/policies',
    );
    const staffId = policies.find((p) => p.conditions.users.includeGroups.length > 0)!.conditions.users
      .includeGroups[0]!;
    const staff = await c.api(`/groups/${staffId}`).get();
    expect(staff.displayName).toBe('All staff');
    const members = await collect<{ '@odata.type': string }>(c, `/groups/${staffId}/transitiveMembers?$top=10`);
    expect(members.filter((m) => m['@odata.type'] === '#microsoft.graph.group')).toHaveLength(3);
    expect(members.length).toBeGreaterThan(30);
  });

  it('lists conditional-access policies in their real shape, authentication strength inline', async () => {
    const healthy = await collect<{ grantControls: { authenticationStrength: { id: string } | null } }>(
      client('northwind'),
      '/identity/conditionalAccess/policies',
    );
    expect(healthy).toHaveLength(3);
    expect(healthy[2]!.grantControls.authenticationStrength?.id).toBe('00000000-0000-0000-0000-000000000004');
    expect(healthy[2]!.grantControls).toHaveProperty(['authenticationStrength@odata.context']);
  });

  it('reads the tenant policies: security defaults and the authentication methods policy', async () => {
    const free = await client('litware').api('/policies/identitySecurityDefaultsEnforcementPolicy').get();
    expect(free).toMatchObject({ id: '00000000-0000-0000-0000-000000000005', isEnabled: false });
    const methods = await client('northwind').api('/policies/authenticationMethodsPolicy').get();
    const state = Object.fromEntries(
      methods.authenticationMethodConfigurations.map((m: { id: string; state: string }) => [m.id, m.state]),
    );
    expect(state).toMatchObject({
      Fido2: 'enabled',
      MicrosoftAuthenticator: 'enabled',
      Sms: 'disabled',
      Voice: 'disabled',
      Email: 'disabled',
    });
    const p1 = await client('proseware').api('/policies/authenticationMethodsPolicy').get();
    expect(p1.authenticationMethodConfigurations.find((m: { id: string }) => m.id === 'Sms').state).toBe('enabled');
  });

  it('answers $top=1 probes of the audit logs with the newest event', async () => {
    const signIns = await client('northwind').api('/auditLogs/signIns').top(1).get();
    expect(signIns.value).toHaveLength(1);
    expect(signIns['@odata.nextLink']).toContain('$skiptoken=');
    expect(Date.parse(signIns.value[0].createdDateTime)).toBeLessThan(Date.parse('2026-11-01T00:00:00Z'));
    expect(signIns.value[0]).toHaveProperty('appliedConditionalAccessPolicies');
    const audits = await client('litware').api('/auditLogs/directoryAudits').top(1).get();
    expect(audits.value[0]).toMatchObject({ result: 'success' });
    const day = await client('northwind')
      .api('/auditLogs/signIns')
      .filter('createdDateTime ge 2026-10-31T00:00:00Z')
      .top(1000)
      .get();
    expect(day.value.length).toBeGreaterThan(0);
    expect(day['@odata.nextLink']).toBeUndefined();
  });

  it('reports the licence as SKUs and service plans', async () => {
    const p2 = await client('northwind').api('/subscribedSkus').get();
    expect(p2.value[0].skuPartNumber).toBe('AAD_PREMIUM_P2');
    expect(p2.value[0].servicePlans.map((p: { servicePlanName: string }) => p.servicePlanName)).toContain(
      'AAD_PREMIUM_P2',
    );
    expect((await client('litware').api('/subscribedSkus').get()).value).toEqual([]);
    const org = await client('proseware').api('/organization').get();
    expect(org.value[0]).toMatchObject({ id: 'proseware', verifiedDomains: [{ name: 'proseware.example' }] });
  });

  it('refuses premium reports on a Free tenant with the real licence code', async () => {
    const c = client('litware');
    for (const path of [
      '/reports/authenticationMethods/userRegistrationDetails',
      '/auditLogs/signIns',
      '/identity/conditionalAccess/policies',
      '/users?$select=id,signInActivity',
    ]) {
      const e = await graphError(c.api(path).get());
      expect([e.statusCode, e.code]).toEqual([403, 'Authentication_RequestFromNonPremiumTenantOrB2CTenant']);
    }
    expect((await c.api('/users').select('id,accountEnabled').get()).value).toHaveLength(15);
  });

  it('refuses an endpoint whose permission was revoked, and only those', async () => {
    sim.faults.set('proseware', { revokePermission: { after: 0, permission: 'AuditLog.Read.All' } });
    try {
      const c = client('proseware');
      const e = await graphError(c.api('/reports/authenticationMethods/userRegistrationDetails').get());
      expect([e.statusCode, e.code, e.message]).toEqual([
        403,
        'Authorization_RequestDenied',
        'Insufficient privileges to complete the operation.',
      ]);
      expect((await graphError(c.api('/users').select('signInActivity').get())).code).toBe(
        'Authorization_RequestDenied',
      );
      expect((await c.api('/users').top(1).get()).value).toHaveLength(1);
    } finally {
      sim.faults.set('proseware', {});
    }
  });

  it('refuses a missing or unknown bearer token', async () => {
    const anonymous = graphClient(sim, '', { onResponse: checker.check });
    const e = await graphError(anonymous.api('/users').get());
    expect([e.statusCode, e.code, e.message]).toEqual([401, 'InvalidAuthenticationToken', 'Access token is empty.']);
    const forged = graphClient(sim, 'eyJ0eXAiOiJKV1QifQ.e30.forged', { onResponse: checker.check });
    expect((await graphError(forged.api('/users').get())).code).toBe('InvalidAuthenticationToken');
    const unknown = await graphError(client('proseware').api('/directoryRoles').get());
    expect([unknown.statusCode, unknown.message]).toEqual([
      400,
      "Resource not found for the segment 'directoryRoles'.",
    ]);
  });

  it('counts every request by tenant and endpoint', () => {
    const snap = sim.accounting.snapshot();
    const users = snap.requests.find((r) => r.tenant === 'proseware' && r.endpoint === '/v1.0/users')!;
    expect(users.requests).toBeGreaterThanOrEqual(Math.ceil(65 / 7) + 3);
    expect(
      sim.accounting.total({
        tenant: 'litware',
        endpoint: '/v1.0/reports/authenticationMethods/userRegistrationDetails',
      }),
    ).toBe(1);
    expect(snap.requests.find((r) => r.tenant === 'litware' && r.endpoint === '/v1.0/auditLogs/signIns')).toMatchObject(
      { requests: 1, served: 0 },
    );
    expect(sim.accounting.total({ tenant: '(unauthenticated)' })).toBe(2);
  });

  it('sent only bodies that match their CSDL type (or the envelope, or Graph’s error shape)', () => {
    expect(checker.problems).toEqual([]);
    for (const type of [
      'directoryObject',
      'userRegistrationDetails',
      'unifiedRoleAssignment',
      'conditionalAccessPolicy',
    ])
      expect(checker.checked.get(type) ?? 0).toBeGreaterThan(0);
    expect(checker.checked.get('identitySecurityDefaultsEnforcementPolicy')).toBe(1);
    expect(checker.checked.get('error')).toBeGreaterThanOrEqual(8);
    expect(checker.unparsed).toBe(0);
  });
});
