import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { githubConnector } from '@evident/connector-github';
import { describeBothDrivers } from '@evident/db/testing';
import { TRPCError } from '@trpc/server';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { signedIn, testDeps } from '../testing/index.ts';

const failed = async (call: Promise<unknown>) => {
  const error = await call.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error instanceof TRPCError && error.code, String(error)).toBe('INTERNAL_SERVER_ERROR');
};

let n = 0;
describeBothDrivers('an audit entry and its change', (t) => {
  // The database refuses the audit entries (or the connection settings) a test names, as a full disk or a lost
  // connection would: a real failure between the change and its entry.
  beforeAll(async () => {
    const run = (text: string) => t().database.drizzle.execute(sql.raw(text));
    await run('create table refused_for_test (what text primary key)');
    await run(`create function refuse_for_test() returns trigger language plpgsql as $$
      begin
        if exists (select 1 from refused_for_test where what in (
          (to_jsonb(new) ->> 'organization_id') || ' ' || (to_jsonb(new) ->> 'action'),
          (to_jsonb(new) ->> 'organization_id') || ' ' || (to_jsonb(new) -> 'config' ->> 'org'))) then
          raise exception 'refused for the test';
        end if;
        return new;
      end $$`);
    await run(
      'create trigger refuse_for_test before insert on audit_events for each row execute function refuse_for_test()',
    );
    await run(
      'create trigger refuse_for_test before update on connections for each row execute function refuse_for_test()',
    );
  });
  const refuse = (org: string, what: string) =>
    t().database.drizzle.execute(sql`insert into refused_for_test values (${`${org} ${what}`})`);

  async function world() {
    const deps = testDeps(t().store, { connectors: { github: githubConnector } });
    const owner = await signedIn(deps, { email: `owner${++n}@audit-tx.example` });
    const tenant = await owner.call.tenant.create({ name: 'Contoso', kind: 'customer' });
    return {
      deps,
      owner,
      tenant,
      actions: async () => (await deps.store.listAudit(owner.org, { limit: 1000 })).map((e) => e.action),
    };
  }

  it('when the entry cannot be written, the change is rolled back', async () => {
    const { deps, owner, tenant, actions } = await world();
    const org = owner.org;
    const share = await owner.call.shares.create({
      tenantId: tenant.id,
      label: 'a',
      sections: ['status'],
      expiresInDays: 7,
    });
    for (const action of [
      'tenant.create',
      'tenant.rename',
      'tenant.delete',
      'tenant.schedule',
      'share.create',
      'share.revoke',
      'connection.create',
      'exception.request',
      'organization.branding',
      'staff.invite',
    ])
      await refuse(org, action);

    await failed(owner.call.tenant.create({ name: 'Fabrikam', kind: 'customer' }));
    expect((await deps.store.listTenants(org)).map((x) => x.name)).toEqual(['Contoso']);
    await failed(owner.call.tenant.rename({ tenantId: tenant.id, name: 'Renamed' }));
    expect((await deps.store.getTenant(org, tenant.id)).name).toBe('Contoso');
    await failed(owner.call.tenant.setSchedule({ tenantId: tenant.id, schedule: { everyMs: 3_600_000 } }));
    expect(await deps.store.getTenantSchedule(org, tenant.id)).toBeNull();
    await failed(owner.call.tenant.delete({ tenantId: tenant.id }));
    expect((await deps.store.getTenant(org, tenant.id)).id).toBe(tenant.id);
    await failed(owner.call.shares.revoke({ tenantId: tenant.id, shareId: share.id }));
    expect((await deps.store.getShare(org, share.id)).revokedAt).toBeNull();
    await failed(owner.call.shares.create({ tenantId: tenant.id, label: 'b', sections: ['status'], expiresInDays: 7 }));
    expect(await deps.store.listShares(org, tenant.id)).toHaveLength(1);
    await failed(
      owner.call.connections.create({
        tenantId: tenant.id,
        kind: 'github',
        name: 'gh',
        config: { org: 'contoso' },
        secret: { token: 'ghp_refusedrefusedrefusedrefused0000' },
      }),
    );
    expect(await deps.store.listConnections(org, { tenantId: tenant.id })).toEqual([]);
    await failed(
      owner.call.exceptions.create({
        tenantId: tenant.id,
        controlId: 'MFA-01',
        subject: 'breakglass@contoso.example',
        reason: 'hardware key in the safe',
        expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
      }),
    );
    expect(await deps.store.listExceptionRequests(org, tenant.id)).toEqual([]);
    await failed(owner.call.organization.setBranding({ displayName: 'Acme', logoUrl: null, accentColor: '#112233' }));
    expect(await deps.store.getBranding(org)).toBeNull();
    await failed(owner.call.organization.invite({ email: 'new@audit-tx.example', role: 'viewer' }));
    expect(await deps.store.listInvitations(org)).toEqual([]);

    expect(await actions()).not.toContain('tenant.rename');
    expect((await owner.call.organization.verifyAudit()).valid).toBe(true);
  });

  it('when a change fails part way, neither its first writes nor its entry are kept', async () => {
    const { deps, owner, tenant, actions } = await world();
    const { id } = await owner.call.connections.create({
      tenantId: tenant.id,
      kind: 'github',
      name: 'gh',
      config: { org: 'contoso' },
      secret: { token: 'ghp_firstfirstfirstfirstfirstfirst00' },
    });
    await refuse(owner.org, 'fabrikam');
    // New credentials are written first, then the settings, which the database refuses.
    await failed(
      owner.call.connections.update({
        tenantId: tenant.id,
        connectionId: id,
        config: { org: 'fabrikam' },
        secret: { token: 'ghp_secondsecondsecondsecondsecond00' },
      }),
    );
    expect(await deps.store.readSecret(owner.org, id)).toMatchObject({ token: 'ghp_firstfirstfirstfirstfirstfirst00' });
    expect(await actions()).not.toContain('connection.update');
  });
});

describe('audit call sites', () => {
  it('write entries only through the transactional helpers, never after the change', async () => {
    const root = new URL('..', import.meta.url).pathname;
    const files = (await readdir(root, { recursive: true }))
      .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('testing'))
      .map((f) => join(root, f));
    const offenders: string[] = [];
    for (const file of files) {
      const text = await readFile(file, 'utf8');
      const rel = file.slice(root.length);
      if (rel !== join('services', 'audit.ts') && /\.appendAudit\(/.test(text)) offenders.push(rel);
    }
    expect(offenders).toEqual([]);
  });
});
