import { PRESETS, type PresetName } from '@evident/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEntraConnector } from './connector.ts';
import { collect, contextFor, FAST, scenarioOf, startWorld, type World } from './contract.fixture.ts';
import {
  DIAGNOSTICS_ROLE,
  GOVERNANCE_LICENCE,
  GROUP_ELIGIBILITY_PERMISSION,
  P1_LICENCE,
  ROLE_POLICY_PERMISSION,
  STORAGE_READER,
  WORKSPACE_READER,
} from './permissions.ts';

const ENTRA = (Object.keys(PRESETS) as PresetName[]).filter((n) => scenarioOf(n).tenants.some((t) => t.entra));
const check = (w: World, config = {}) => createEntraConnector(FAST).check(contextFor(w, { config }));

/** Every item a check reports, in order. */
const ITEMS = [
  'Organization.Read.All',
  P1_LICENCE,
  GOVERNANCE_LICENCE,
  'AuditLog.Read.All',
  'Policy.Read.All',
  'Policy.Read.AuthenticationMethod',
  'RoleManagement.Read.Directory',
  'GroupMember.Read.All',
  'User.Read.All',
  'Directory.Read.All',
  ROLE_POLICY_PERMISSION,
  GROUP_ELIGIBILITY_PERMISSION,
  DIAGNOSTICS_ROLE,
];

/** The check's items for a world: the readers of its log destinations come last, where there are any. */
function itemsOf(w: World): string[] {
  const kinds = new Set(w.dir.world.diagnosticSettings.map((s) => s.destination));
  return [
    ...ITEMS,
    ...(kinds.has('log_analytics') ? [WORKSPACE_READER] : []),
    ...(kinds.has('storage') ? [STORAGE_READER] : []),
  ];
}

describe.each(ENTRA)('%s', (name) => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld(scenarioOf(name));
  });
  afterAll(() => w?.close());

  it('every grant the simulated app holds is granted; Free tenants lack P1, and only P2 has PIM', async () => {
    const result = await check(w);
    const items = itemsOf(w);
    expect(result.items.map((i) => i.name)).toEqual(items);
    const free = w.dir.world.licence === 'free';
    const pim = w.dir.world.licence === 'p2';
    const status = Object.fromEntries(result.items.map((i) => [i.name, i.status]));
    expect(status).toEqual({
      ...Object.fromEntries(items.map((n) => [n, 'granted'])),
      // On Free the sign-in log, the only read that needs Directory.Read.All, is closed by the licence.
      ...(free ? { [P1_LICENCE]: 'missing', 'Directory.Read.All': 'unknown' } : {}),
      ...(pim
        ? {}
        : {
            [GOVERNANCE_LICENCE]: 'missing',
            [ROLE_POLICY_PERMISSION]: 'unknown',
            [GROUP_ELIGIBILITY_PERMISSION]: 'unknown',
          }),
    });
    expect(result.ok).toBe(!free);
    const licence = result.items.find((i) => i.name === P1_LICENCE)!;
    expect(licence.kind).toBe('licence');
    expect(licence.message).toMatch(free ? /Free/ : new RegExp(w.dir.world.licence, 'i'));
  });
});

describe('what a check finds missing', () => {
  let w: World;
  beforeAll(async () => {
    w = await startWorld(scenarioOf('privileged-scope'));
  });
  afterAll(() => w.close());

  it.each([
    ['AuditLog.Read.All', { 'AuditLog.Read.All': 'missing', 'Directory.Read.All': 'unknown' }],
    ['Policy.Read.All', { 'Policy.Read.All': 'missing' }],
    ['Directory.Read.All', { 'Directory.Read.All': 'missing' }],
    // Unread settings name no destination whose reader could be probed.
    [
      'microsoft.aadiam/diagnosticSettings/read',
      { [DIAGNOSTICS_ROLE]: 'missing', [WORKSPACE_READER]: undefined, [STORAGE_READER]: undefined },
    ],
    ['Microsoft.Storage/storageAccounts/read', { [STORAGE_READER]: 'missing' }],
    ['Microsoft.OperationalInsights/workspaces/read', { [WORKSPACE_READER]: 'missing' }],
    ['RoleManagementPolicy.Read.Directory,RoleManagement.Read.Directory', { [ROLE_POLICY_PERMISSION]: 'missing' }],
  ])('%s revoked', async (permission, changed) => {
    w.graph.faults.set(w.tenant, { revokePermission: { after: 0, permission } });
    try {
      const result = await check(w);
      expect(result.ok).toBe(false);
      const want = { ...Object.fromEntries(itemsOf(w).map((n) => [n, 'granted'])), ...changed };
      expect(Object.fromEntries(result.items.map((i) => [i.name, i.status]))).toEqual(
        Object.fromEntries(Object.entries(want).filter(([, v]) => v !== undefined)),
      );
      const missing = result.items.find((i) => i.status === 'missing')!;
      expect(missing.message).toMatch(/refused|denied|Insufficient|authoriz/i);
    } finally {
      w.graph.faults.set(w.tenant, {});
    }
  });

  it.each([
    [
      'a wrong client secret',
      { clientSecret: 'Xyz8Q~not-the-secret-of-this-app' },
      {},
      /AADSTS7000215: Invalid client secret provided/,
    ],
    [
      'an app the tenant does not know',
      {},
      { clientId: '0f0f0f0f-0000-4000-8000-000000000000' },
      /AADSTS700016: Application with identifier/,
    ],
  ])(
    '%s: the check fails at sign-in, in Entra ID’s words; a collection says the same',
    async (_, secret, config, words) => {
      const ctx = contextFor(w, { config, init: { secret: { ...w.secret, ...secret } } });
      const result = await createEntraConnector(FAST).check(ctx);
      expect(result).toMatchObject({ ok: false, items: [{ name: 'sign-in', status: 'missing' }] });
      expect(result.items).toHaveLength(1);
      expect(result.items[0]!.message).toMatch(/^Could not sign in to the tenant/);
      expect(result.items[0]!.message).toMatch(words);
      const run = await collect(w, { config, init: { secret: { ...w.secret, ...secret } } });
      expect(run.facts).toEqual([]);
      expect(run.gaps.length).toBeGreaterThan(0);
      for (const g of run.gaps)
        expect([g.code, g.message], g.source).toEqual(['auth_failed', expect.stringMatching(words)]);
    },
  );

  it('a tenant that does not exist: only the sign-in is reported, missing', async () => {
    const result = await check(w, { tenantId: 'no-such-tenant' });
    expect(result).toMatchObject({ ok: false, items: [{ name: 'sign-in', status: 'missing' }] });
    expect(result.items).toHaveLength(1);
    expect(result.items[0]!.message).toMatch(/Could not sign in/);
  });
});
