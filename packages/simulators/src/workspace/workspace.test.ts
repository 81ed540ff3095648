import { admin, auth } from '@googleapis/admin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  discoveryViolations,
  startWorkspaceSimulator,
  UNAUTHORIZED_CLIENT,
  WORKSPACE_SCOPES,
  type WorkspaceSimulator,
  workspacePreset,
} from './index.ts';

const TOKEN = 'https://oauth2.googleapis.com';

/** The real SDK, with a JWT acting for `subject`, its token requests sent to the simulator. */
function clients(sim: WorkspaceSimulator, scopes: string[], subject = sim.world.reader, key = sim.serviceAccountKey) {
  const fetchImplementation: typeof fetch = (input, init) => fetch(String(input).replace(TOKEN, sim.tokenOrigin), init);
  const jwt = new auth.JWT({
    email: key.client_email,
    key: key.private_key,
    scopes,
    subject,
    transporterOptions: { fetchImplementation, retry: false },
  });
  const options = { auth: jwt, rootUrl: sim.url, retry: false } as const;
  return {
    jwt,
    directory: admin({ version: 'directory_v1', ...options }),
    reports: admin({ version: 'reports_v1', ...options }),
  };
}

const ALL = Object.values(WORKSPACE_SCOPES);

describe('the Workspace simulator through @googleapis/admin', () => {
  let sim: WorkspaceSimulator;
  beforeAll(async () => {
    sim = await startWorkspaceSimulator(workspacePreset('weak', new Date('2026-11-28T12:00:00Z')), {
      quota: { requests: 40, windowMs: 60_000 },
    });
  });
  afterAll(() => sim.close());

  it('pages users with pageToken/maxResults, every answer conforming to the discovery document', async () => {
    const { directory } = clients(sim, ALL);
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const { data } = await directory.users.list({
        customer: 'my_customer',
        maxResults: 6,
        ...(pageToken ? { pageToken } : {}),
      });
      expect(discoveryViolations('Users', data)).toEqual([]);
      seen.push(...(data.users ?? []).map((u) => u.primaryEmail!));
      pageToken = data.nextPageToken ?? undefined;
      pages++;
    } while (pageToken);
    expect(pages).toBe(4);
    expect(new Set(seen).size).toBe(20);
    const roles = await directory.roles.list({ customer: 'my_customer' });
    expect(discoveryViolations('Roles', roles.data)).toEqual([]);
    const assignments = await directory.roleAssignments.list({ customer: 'my_customer' });
    expect(discoveryViolations('RoleAssignments', assignments.data)).toEqual([]);
    expect(assignments.data.items?.length).toBeGreaterThan(0);
  });

  it('serves the newest activity of the login and admin reports', async () => {
    const { reports } = clients(sim, ALL);
    const { data } = await reports.activities.list({ userKey: 'all', applicationName: 'login', maxResults: 1 });
    expect(discoveryViolations('Activities', data)).toEqual([]);
    expect(data.items?.[0]?.id?.time).toBe(sim.world.newest.login);
    expect(data.nextPageToken).toBeTruthy();
  });

  it('the discovery check itself catches a property Google does not define and a wrong type', () => {
    expect(discoveryViolations('User', { primaryEmail: 'a', isEnrolledIn2Sv: 'yes', made: 1 })).toEqual([
      'User.isEnrolledIn2Sv: expected boolean, got string',
      'User.made: not in the discovery schema',
    ]);
  });

  it('refuses a scope domain-wide delegation does not grant (unauthorized_client) and a foreign key (invalid_grant)', async () => {
    const kept = sim.world.delegatedScopes;
    sim.world.delegatedScopes = [WORKSPACE_SCOPES.users];
    try {
      await expect(clients(sim, ALL).jwt.getAccessToken()).rejects.toThrow(UNAUTHORIZED_CLIENT);
      await expect(clients(sim, [WORKSPACE_SCOPES.users]).jwt.getAccessToken()).resolves.toBeTruthy();
    } finally {
      sim.world.delegatedScopes = kept;
    }
    const other = await startWorkspaceSimulator(workspacePreset('healthy'));
    try {
      const foreign = clients(sim, ALL, sim.world.reader, other.serviceAccountKey);
      await expect(foreign.jwt.getAccessToken()).rejects.toThrow('invalid_grant');
      await expect(clients(sim, ALL, 'ghost@example.org').jwt.getAccessToken()).rejects.toThrow(
        'Invalid email or User ID',
      );
    } finally {
      await other.close();
    }
  });

  it('answers a non-admin subject 403 and a token without the scope insufficientPermissions', async () => {
    const user = clients(sim, ALL, 'user5@example.org');
    await expect(user.directory.users.list({ customer: 'my_customer' })).rejects.toMatchObject({ status: 403 });
    const narrow = clients(sim, [WORKSPACE_SCOPES.users]);
    await expect(narrow.reports.activities.list({ userKey: 'all', applicationName: 'admin' })).rejects.toMatchObject({
      status: 403,
      message: 'Request had insufficient authentication scopes.',
    });
  });

  it('throttles past the quota with Google’s 429 rateLimitExceeded shape', async () => {
    const { directory } = clients(sim, ALL);
    let error: unknown;
    for (let i = 0; i < 60 && error === undefined; i++) {
      await directory.users.list({ customer: 'my_customer', maxResults: 1 }).catch((e: unknown) => {
        error = e;
      });
    }
    const e = error as { status?: number; response?: { data?: unknown } };
    expect(e.status).toBe(429);
    expect(e.response?.data).toMatchObject({
      error: {
        code: 429,
        status: 'RESOURCE_EXHAUSTED',
        errors: [{ reason: 'rateLimitExceeded', domain: 'usageLimits' }],
      },
    });
  });
});

describe('a scenario tenant with a Workspace', () => {
  it('starts its simulator and hands out a connection that the SDK can use', async () => {
    const { startSimulators } = await import('../start.ts');
    const sims = await startSimulators({ tenants: [{ name: 'acme', workspace: { domain: 'acme.example' } }] });
    try {
      const [connection] = sims.connections('acme');
      expect(connection).toMatchObject({ kind: 'google-workspace', config: { adminEmail: 'reader@acme.example' } });
      const sim = sims.workspace.acme!;
      expect(sims.allowedEndpoints).toBe(new URL(sim.url).host);
      const { data } = await clients(sim, ALL).directory.users.list({ customer: 'my_customer' });
      expect(data.users).toHaveLength(20);
    } finally {
      await sims.close();
    }
  });
});
