import { ConflictError, ForbiddenError, newId, type OrganizationId, type TenantId } from '@evident/core';
import { beforeAll, expect, it } from 'vitest';
import type { Store } from '../store.ts';
import { describeBothDrivers, seed } from '../testing/test-databases.ts';

describeBothDrivers('exceptions under four eyes', (t) => {
  let store: Store;
  let org: OrganizationId;
  let tenant: TenantId;
  const asker = { requestedById: newId('usr'), requestedBy: 'ann@acme.example' };
  const ask = (over: Record<string, unknown> = {}) =>
    store.requestException(org, tenant, {
      controlId: 'MFA-01',
      subject: 'breakglass@contoso.example',
      reason: 'break-glass account in the safe',
      expiresAt: '2099-01-01T00:00:00.000Z',
      ...asker,
      ...over,
    });

  beforeAll(async () => {
    store = t().store;
    ({ org, tenant } = await seed(store));
  });

  it('a request excuses nothing until someone else approves it; then it is in force, naming both', async () => {
    const request = await ask();
    expect(request).toMatchObject({ decision: null, exceptionId: null, requestedBy: 'ann@acme.example' });
    expect(await store.activeExceptions(org, tenant)).toEqual([]);

    await expect(
      store.decideExceptionRequest(org, request.id, { approve: true, by: 'ann@acme.example', at: new Date() }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    expect(await store.activeExceptions(org, tenant)).toEqual([]);

    const { exception } = await store.decideExceptionRequest(org, request.id, {
      approve: true,
      by: 'bob@acme.example',
      at: new Date(),
    });
    expect(exception).toMatchObject({ approver: 'bob@acme.example', requestedBy: 'ann@acme.example' });
    expect(await store.activeExceptions(org, tenant)).toEqual([exception]);
    await expect(
      store.decideExceptionRequest(org, request.id, { approve: false, by: 'cat@acme.example', at: new Date() }),
    ).rejects.toBeInstanceOf(ConflictError);
  });

  it('a declined request writes no exception; a lapsed one cannot be approved', async () => {
    const before = (await store.listExceptions(org, tenant)).length;
    const declined = await ask({ subject: 'svc@contoso.example' });
    const { request } = await store.decideExceptionRequest(org, declined.id, {
      approve: false,
      by: 'bob@acme.example',
      at: new Date(),
    });
    expect(request).toMatchObject({ decision: 'declined', decidedBy: 'bob@acme.example', exceptionId: null });
    const lapsed = await ask({ subject: 'old@contoso.example', expiresAt: '2026-01-01T00:00:00.000Z' });
    await expect(
      store.decideExceptionRequest(org, lapsed.id, { approve: true, by: 'bob@acme.example', at: new Date() }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect((await store.listExceptions(org, tenant)).length).toBe(before);
    const listed = await store.listExceptionRequests(org, tenant);
    expect(listed[0]).toMatchObject({ id: lapsed.id, decision: null });
  });
});
