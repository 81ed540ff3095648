import { scenario } from '@evident/simulators';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, NOW, startWorld, type World } from './contract.fixture.ts';

/** A tenant still on the legacy MFA and SSPR policies: its methods policy enables nothing phishable. */
const sc = scenario.parse({
  name: 'legacy-methods',
  now: NOW,
  tenants: [
    {
      name: 'legacy',
      entra: {
        tenantId: 'legacy',
        users: 5,
        methodsPolicyMigration: 'preMigration',
        weakMethodsEnabled: { sms: false, voice: false, email: false },
      },
    },
  ],
});

let w: World;
beforeAll(async () => {
  w = await startWorld(sc);
});
afterAll(() => w?.close());

describe('the authentication methods policy before its migration', () => {
  it('reports the migration state beside the methods it enables', async () => {
    const run = await collect(w);
    const value = (key: string) => run.settings.find((s) => s.subject === key)?.value;
    expect(value('entra.weak_methods')).toBe('');
    expect(value('entra.methods_policy_migration')).toBe('preMigration');
  });
});
