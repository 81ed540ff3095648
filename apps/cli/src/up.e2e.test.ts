import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OrganizationId } from '@evident/core';
import { createDatabase, createStore, secretKey } from '@evident/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { node } from './testing/spawn.ts';

const UP = fileURLToPath(new URL('../../../scripts/up.mjs', import.meta.url));

const up = (env: Record<string, string>) => node([UP, '--once'], env);

/** The portfolio table as tenant → control → status. */
function portfolio(text: string): Map<string, Map<string, string>> {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const header = lines[0]!.trim().split(/\s+/);
  const out = new Map<string, Map<string, string>>();
  for (const line of lines.slice(1)) {
    const cells = line.trim().split(/\s+/);
    if (cells.length !== header.length) continue;
    out.set(cells[0]!, new Map(header.slice(1).map((h, i) => [h, cells[i + 1]!])));
  }
  return out;
}

describe('npm run up -- --once', () => {
  let dir: string;
  const prefix = `evident-up-${Date.now().toString(36)}`;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'evident-up-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('brings up everything on embedded defaults, seeds the demo, assesses and prints the portfolio', async () => {
    const run = await up({ EVIDENT_DATA_DIR: dir, EVIDENT_QUEUE_PREFIX: prefix });
    expect(run.stderr).toMatch(/seeded the demo MSP \(its own tenant, and an Entra account for its GDAP customers\)/);
    expect(run.stderr).toMatch(/discovered and imported 3 GDAP customers of contoso-msp: /);
    expect(run.stderr).toMatch(/alerts go to a webhook catcher at http:\/\/127\.0\.0\.1:\d+ and an SMTP server/);
    expect(run.code).toBe(0);
    const table = portfolio(run.stdout);
    expect([...table.keys()].sort()).toEqual(['adventureworks', 'contoso-msp', 'fabrikam', 'northwind', 'tailspin']);
    expect(table.get('northwind')!.get('MFA-01')).toBe('pass');
    expect(table.get('northwind')!.get('LOG-04')).toBe('pass');
    expect(table.get('fabrikam')!.get('MFA-02')).toBe('FAIL');
    expect(table.get('tailspin')!.get('LOG-04')).toBe('FAIL');
    // Google Workspace and AWS: the AWS root user has no MFA.
    expect(table.get('adventureworks')!.get('MFA-02')).toBe('FAIL');
    expect(JSON.parse(await readFile(join(dir, 'secret-key.json'), 'utf8'))).toHaveProperty('key');
  }, 240_000);

  it('the customers came in through discovery and the import job: a tenant and an account connection each', async () => {
    const key = secretKey.parse(JSON.parse(await readFile(join(dir, 'secret-key.json'), 'utf8')));
    const { organizationId } = JSON.parse(await readFile(join(dir, 'demo.json'), 'utf8'));
    const org = organizationId as OrganizationId;
    const database = await createDatabase({ url: join(dir, 'pgdata') });
    try {
      const store = createStore(database, { secrets: { current: key, previous: [] } });
      const [account] = await store.listProviderAccounts(org, { kind: 'entra' });
      expect(account?.config).toMatchObject({ partnerTenantId: 'contoso-msp' });
      const links = await store.accountLinks(org, { providerAccountId: account!.id });
      expect(links.map((l) => l.externalId).sort()).toEqual(['fabrikam', 'northwind', 'tailspin']);
      const tenants = new Map((await store.listTenants(org)).map((t) => [t.id, t]));
      const imported = links.map((l) => tenants.get(l.tenantId)?.name).sort();
      expect(imported).toEqual(['Fabrikam', 'Northwind Traders', 'Tailspin Toys']);
      // No Entra connection was typed per customer: each one's is the account's, and its other providers sit beside it.
      const connections = await store.listConnections(org);
      expect(connections.filter((c) => c.kind === 'entra' && links.every((l) => l.connectionId !== c.id))).toEqual([
        expect.objectContaining({ name: 'contoso-msp-entra' }),
      ]);
      const northwind = links.find((l) => l.externalId === 'northwind')!.tenantId;
      const kinds = connections.filter((c) => c.tenantId === northwind).map((c) => c.kind);
      expect(kinds.sort()).toEqual(['entra', 'gcp-logging', 'github']);
    } finally {
      await database.close();
    }
  }, 60_000);

  it('starts again on the same data, with a Redis given by REDIS_URL, without seeding twice', async () => {
    const run = await up({ EVIDENT_DATA_DIR: dir, EVIDENT_QUEUE_PREFIX: prefix, REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(run.stderr).toMatch(/found the demo MSP \(5 tenants\)/);
    expect(run.code).toBe(0);
    expect(portfolio(run.stdout).get('fabrikam')!.get('MFA-01')).toBe('FAIL');
  }, 240_000);
});
