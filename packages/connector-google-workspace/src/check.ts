import { asConnectorError, type CheckItem, type CheckResult, CollectionSession } from '@evident/connector-kit';
import { type Area, createClients, SCOPES, type WorkspaceClients } from './client.ts';
import { type Ctx, customerIdOf } from './collect.ts';
import { PRIVILEGES, toConnectorError } from './errors.ts';
import { PROVIDER } from './map.ts';
import { read, type Tuning } from './read.ts';
import { activitiesPage, assignmentsPage, usersPage } from './schemas.ts';

function answered(name: string, kind: CheckItem['kind'], granted: string, error: unknown): CheckItem {
  if (error === undefined) return { name, kind, status: 'granted', message: granted };
  const e = asConnectorError(error);
  return { name, kind, status: e.code === 'permission_missing' ? 'missing' : 'unknown', message: e.message };
}

/**
 * The key first (a token for the first scope), then per scope: is it delegated (a token for it alone), and may
 * the impersonated admin read what it covers (one small call). A refused key stops the check: nothing else can say.
 */
export async function checkWorkspace(ctx: Ctx, tuning: Tuning): Promise<CheckResult> {
  const clients = createClients(ctx.config, ctx.secret, ctx.egress);
  try {
    return await checkWith(ctx, tuning, clients);
  } finally {
    await clients.close();
  }
}

async function checkWith(ctx: Ctx, tuning: Tuning, clients: WorkspaceClients): Promise<CheckResult> {
  const { config } = ctx;
  const admin = config.adminEmail;
  const session = new CollectionSession(ctx, PROVIDER);
  const items: CheckItem[] = [];
  const attempt = async (fn: () => Promise<unknown>): Promise<unknown> => {
    try {
      await fn();
      return undefined;
    } catch (error) {
      return error;
    }
  };
  const customer = config.customerId;
  const probes: Record<Area, () => Promise<unknown>> = {
    users: () =>
      read(session, tuning, 'users', admin, usersPage, 'users.list', () =>
        clients.directory('users').users.list({ customer, maxResults: 1, fields: 'users(id),nextPageToken' }),
      ),
    roles: () =>
      read(session, tuning, 'roles', admin, assignmentsPage, 'roleAssignments.list', () =>
        clients.directory('roles').roleAssignments.list({ customer, maxResults: 1 }),
      ),
    reports: () =>
      read(session, tuning, 'reports', admin, activitiesPage, 'activities.list', () =>
        clients.reports().activities.list({
          userKey: 'all',
          applicationName: 'login',
          ...customerIdOf(config),
          maxResults: 1,
        }),
      ),
  };
  for (const area of Object.keys(SCOPES) as Area[]) {
    const tokenError = await attempt(() =>
      clients.token(area).catch((raw) => {
        throw toConnectorError(raw, area, admin);
      }),
    );
    if (tokenError !== undefined && asConnectorError(tokenError).code === 'auth_failed') {
      items.push({
        name: 'service-account key',
        kind: 'permission',
        status: 'missing',
        message: asConnectorError(tokenError).message,
      });
      return { ok: false, items };
    }
    const delegation = `domain-wide delegation of ${SCOPES[area]}`;
    items.push(answered(delegation, 'permission', `${SCOPES[area]} is delegated for ${admin}.`, tokenError));
    if (tokenError !== undefined) continue;
    const privilege = PRIVILEGES[area];
    items.push(answered(privilege, 'role', `${admin} may read this (${privilege}).`, await attempt(probes[area])));
  }
  return { ok: items.every((i) => i.status === 'granted'), items };
}
