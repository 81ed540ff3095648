import { describeBothDrivers } from '@evident/db/testing';
import { TRPCError } from '@trpc/server';
import { expect, it } from 'vitest';
import { signedIn, testDeps } from '../testing/index.ts';

let n = 0;
const address = () => `ranks${++n}-${Date.now()}@msp.example`;

describeBothDrivers('ending other staff members’ sessions', (t) => {
  it('lets an admin end an analyst’s session and another admin’s, never an owner’s; anyone ends their own', async () => {
    const deps = testDeps(t().store);
    const owner = await signedIn(deps, { email: address() });
    const admin = await signedIn(deps, { email: address(), org: owner.org, role: 'admin' });
    const otherAdmin = await signedIn(deps, { email: address(), org: owner.org, role: 'admin' });
    const analyst = await signedIn(deps, { email: address(), org: owner.org, role: 'analyst' });
    const sessions = await owner.call.organization.sessions({ everyone: true });
    const handleOf = async (a: typeof owner) => {
      const id = (await a.call.auth.me()).user.id;
      return sessions.find((s) => s.userId === id)!.handle;
    };

    const refused = await admin.call.organization.revokeSession({ handle: await handleOf(owner) }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(TRPCError);
    expect((refused as TRPCError).code).toBe('FORBIDDEN');
    expect((await owner.call.auth.me()).user.role).toBe('owner');

    await admin.call.organization.revokeSession({ handle: await handleOf(analyst) });
    await expect(analyst.call.auth.me()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await admin.call.organization.revokeSession({ handle: await handleOf(otherAdmin) });
    await expect(otherAdmin.call.auth.me()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await owner.call.organization.revokeSession({ handle: await handleOf(admin) });
    await expect(admin.call.auth.me()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    await owner.call.organization.revokeSession({ handle: await handleOf(owner) });
    await expect(owner.call.auth.me()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
