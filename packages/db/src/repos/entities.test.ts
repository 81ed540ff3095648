import { ConflictError, InvalidInputError, NotFoundError, newId } from '@evident/core';
import { expect, it } from 'vitest';
import { describeBothDrivers, seed } from '../testing/test-databases.ts';

describeBothDrivers('organizations, staff, tenants, connections, runs, exceptions', (t) => {
  it('creates an organization once', async () => {
    const { store } = t();
    const org = newId('org');
    const created = await store.createOrganization(org, { name: ' Acme MSP ' });
    expect(created).toMatchObject({ id: org, name: 'Acme MSP' });
    expect(await store.getOrganization(org)).toEqual(created);
    await expect(store.createOrganization(org, { name: 'again' })).rejects.toBeInstanceOf(ConflictError);
    await expect(store.createOrganization('org_nope' as typeof org, { name: 'x' })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    await expect(store.getOrganization(newId('org'))).rejects.toBeInstanceOf(NotFoundError);
  });

  it('keeps staff users with case-insensitive unique e-mails and never returns their secrets', async () => {
    const { store } = t();
    const { org } = await seed(store);
    const ann = await store.createUser(org, { email: 'Ann@Acme.example', role: 'owner', passwordHash: '$argon2id$x' });
    expect(ann).toMatchObject({ email: 'ann@acme.example', role: 'owner', hasPassword: true, hasTotp: false });
    expect(JSON.stringify(ann)).not.toContain('argon2');
    await expect(store.createUser(org, { email: 'ANN@acme.example', role: 'viewer' })).rejects.toBeInstanceOf(
      ConflictError,
    );
    await expect(store.createUser(org, { email: 'not an email', role: 'viewer' })).rejects.toBeInstanceOf(
      InvalidInputError,
    );
    expect((await store.findUserByEmail(org, 'ANN@ACME.EXAMPLE'))?.id).toBe(ann.id);
    expect(await store.findUserByEmail(org, 'bob@acme.example')).toBeNull();
    expect(await store.readPasswordHash(org, ann.id)).toBe('$argon2id$x');
    await store.setPasswordHash(org, ann.id, '$argon2id$y');
    expect(await store.readPasswordHash(org, ann.id)).toBe('$argon2id$y');
    expect((await store.setUserRole(org, ann.id, 'analyst')).role).toBe('analyst');
    expect((await store.listUsers(org)).map((u) => u.email)).toEqual(['ann@acme.example']);
  });

  it('lists tenants and connections of an organization', async () => {
    const { store } = t();
    const s = await seed(store);
    const internal = await store.createTenant(s.org, { name: 'Acme itself', kind: 'internal' });
    await expect(store.createTenant(s.org, { name: '', kind: 'customer' })).rejects.toBeInstanceOf(InvalidInputError);
    expect((await store.listTenants(s.org)).map((x) => [x.name, x.kind])).toEqual([
      ['Acme itself', 'internal'],
      ['Contoso', 'customer'],
    ]);
    const entra = await store.createConnection(s.org, {
      tenantId: internal.id,
      kind: 'entra',
      name: 'acme-entra',
      config: { tenant: 'acme.onmicrosoft.com' },
      secret: { clientSecret: 's' },
    });
    expect(entra).toMatchObject({ status: 'ok', statusReason: null, config: { tenant: 'acme.onmicrosoft.com' } });
    expect((await store.listConnections(s.org, { tenantId: internal.id })).map((c) => c.id)).toEqual([entra.id]);
    expect(await store.listConnections(s.org)).toHaveLength(2);
    const flagged = await store.setConnectionStatus(s.org, entra.id, 'needs_attention', 'consent revoked');
    expect(flagged).toMatchObject({ status: 'needs_attention', statusReason: 'consent revoked' });
    const moved = await store.updateConnectionConfig(s.org, entra.id, { tenant: 'acme.example' });
    expect(moved).toMatchObject({ config: { tenant: 'acme.example' }, status: 'needs_attention' });
    expect(await store.readSecret(s.org, entra.id)).toEqual({ clientSecret: 's' });
    await expect(
      store.createConnection(s.org, {
        tenantId: internal.id,
        kind: 'okta' as 'entra',
        name: 'x',
        config: {},
        secret: {},
      }),
    ).rejects.toBeInstanceOf(InvalidInputError);
  });

  it('creates a run again under the same id without a second row, and finishes it once', async () => {
    const { store } = t();
    const s = await seed(store);
    const id = newId('run');
    const later = new Date(Date.now() + 60_000);
    const first = await store.createRun(s.org, { id, tenantId: s.tenant, trigger: 'schedule', startedAt: later });
    expect(await store.createRun(s.org, { id, tenantId: s.tenant, trigger: 'schedule' })).toEqual(first);
    expect(first).toMatchObject({ status: 'running', finishedAt: null, error: null });
    const done = await store.finishRun(s.org, id, { status: 'failed', error: 'redis went away' });
    expect(done).toMatchObject({ status: 'failed', error: 'redis went away' });
    expect(await store.finishRun(s.org, id, { status: 'succeeded' })).toEqual(done);
    expect((await store.listRuns(s.org, s.tenant)).map((r) => r.id)).toEqual([id, s.run]);
    expect((await store.listRuns(s.org, s.tenant, { limit: 1 })).map((r) => r.id)).toEqual([id]);
    await expect(store.createRun(s.org, { tenantId: newId('ten'), trigger: 'manual' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it('answers which exceptions are active at a given time', async () => {
    const { store } = t();
    const s = await seed(store);
    const base = { controlId: 'MFA-01', reason: 'break-glass account', approver: 'ann@acme.example' };
    const lasting = await store.createException(s.org, s.tenant, {
      ...base,
      subject: 'bg1',
      connection: s.connection,
      expiresAt: '2027-06-01T00:00:00.000Z',
    });
    const short = await store.createException(s.org, s.tenant, {
      ...base,
      controlId: '*',
      subject: 'bg2',
      expiresAt: '2027-01-01T00:00:00.000Z',
    });
    expect(lasting).toMatchObject({ subject: 'bg1', connection: s.connection, tenantId: s.tenant });
    expect(short).not.toHaveProperty('connection');
    const at = (iso: string) =>
      store.activeExceptions(s.org, s.tenant, new Date(iso)).then((l) => l.map((e) => e.subject));
    expect(await at('2026-12-01T00:00:00Z')).toEqual(['bg2', 'bg1']);
    expect(await at('2027-02-01T00:00:00Z')).toEqual(['bg1']);
    expect(await at('2027-06-01T00:00:00Z')).toEqual([]);

    await store.expireException(s.org, lasting.id, new Date('2026-12-15T00:00:00Z'));
    expect(await at('2026-12-20T00:00:00Z')).toEqual(['bg2']);
    expect((await store.listExceptions(s.org, s.tenant)).map((e) => e.subject)).toEqual(['bg1', 'bg2']);
    await expect(
      store.createException(s.org, s.tenant, { ...base, subject: 'x', expiresAt: 'next week' }),
    ).rejects.toBeInstanceOf(InvalidInputError);
  });
});
