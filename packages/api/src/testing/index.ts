import { setTimeout as sleep } from 'node:timers/promises';
import type { AnyConnector } from '@evident/connector-kit';
import type { OrganizationId } from '@evident/core';
import type { StaffRole, Store } from '@evident/db';
import { hashPassword, totpCodeForStep, totpStepAt } from '../auth/secrets.ts';
import { type ApiDeps, type Context, DEFAULT_SESSIONS, type RequestInfo } from '../context.ts';
import { appRouter } from '../router.ts';
import { createCallerFactory } from '../trpc.ts';

export { SoftAuthenticator } from './authenticator.ts';
export { hashPassword };

/** Per secret, the last time step whose code this process handed out. */
const handedOut = new Map<string, number>();

/**
 * A code the server has not seen yet: each accepted code is spent, and the server accepts the step after the
 * current one (clock drift), so a second code within 30 s is the next step's. Only a third within the same step
 * waits for the clock. `clock` is the server's (`deps.now`) when a test sets it.
 */
export async function totpCode(secret: string, clock: () => Date = () => new Date()): Promise<string> {
  for (;;) {
    const now = clock().getTime();
    const current = totpStepAt(new Date(now));
    const step = Math.max(current, (handedOut.get(secret) ?? current - 1) + 1);
    if (step <= current + 1) {
      handedOut.set(secret, step);
      return totpCodeForStep(secret, step);
    }
    await sleep((current + 1) * 30_000 - now + 10);
    if (clock().getTime() === now) throw new Error('the test clock stands still: move it on for a third code');
  }
}

const createCaller = createCallerFactory(appRouter);

export const quietLogger = { info() {}, warn() {}, error() {} };

export function testDeps(store: Store, overrides: Partial<ApiDeps> = {}): ApiDeps {
  return {
    store,
    connectors: {} as Record<string, AnyConnector>,
    logger: quietLogger,
    allowSignUp: true,
    sessions: DEFAULT_SESSIONS,
    issuer: 'Evident test',
    now: () => new Date(),
    ...overrides,
  };
}

/** A caller that keeps its session cookie between calls, as a browser would. */
export function agent(deps: ApiDeps, init: Partial<RequestInfo> = {}) {
  const req: RequestInfo = {
    address: '127.0.0.1',
    userAgent: 'vitest',
    sessionToken: null,
    shareToken: null,
    flowToken: null,
    ...init,
  };
  const ctx: Context = {
    deps,
    req,
    res: {
      setSession(token) {
        req.sessionToken = token;
      },
      setFlow(token) {
        req.flowToken = token;
      },
    },
  };
  return { req, call: createCaller(ctx) };
}
export type Agent = ReturnType<typeof agent>;

export const PASSWORD = 'correct horse battery staple';

/** Signs in through the procedures (password, enrolment, code), as the organization's `role`. */
export async function signedIn(
  deps: ApiDeps,
  options: { email: string; role?: StaffRole; org?: OrganizationId; organizationName?: string },
): Promise<Agent & { org: OrganizationId; secret: string; recoveryCodes: string[] }> {
  const a = agent(deps);
  if (!options.org) {
    await a.call.auth.signUp({
      organizationName: options.organizationName ?? 'Test MSP',
      email: options.email,
      password: PASSWORD,
    });
  } else {
    const owner = (await deps.store.listUsers(options.org)).find((u) => u.role === 'owner');
    if (!owner) throw new Error('the organization has no owner to invite from');
    await deps.store.createUser(options.org, {
      email: options.email,
      role: options.role ?? 'viewer',
      passwordHash: await hashPassword(PASSWORD),
    });
    await a.call.auth.signIn({ email: options.email, password: PASSWORD, organizationId: options.org });
  }
  const { secret } = await a.call.auth.beginEnrolment();
  const { recoveryCodes } = await a.call.auth.confirmEnrolment({ code: await totpCode(secret, deps.now) });
  const me = await a.call.auth.me();
  return { ...a, org: me.organization.id, secret, recoveryCodes };
}
export { entraWithAccount, githubWithAccount } from '../routers/integrations-test-connectors.ts';
