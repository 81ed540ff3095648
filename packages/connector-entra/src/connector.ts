import {
  type CheckItem,
  CollectionSession,
  type Connector,
  type ConnectorContext,
  type PermissionSpec,
} from '@evident/connector-kit';
import type { Fact } from '@evident/core';
import { createClients } from './client.ts';
import { identities } from './collect/identities.ts';
import { logs } from './collect/logs.ts';
import { policyGroups, roleHolders } from './collect/membership.ts';
import { conditionalAccess, POLICIES_SOURCE, policyFacts } from './collect/policies.ts';
import type { Run } from './collect/state.ts';
import { authenticationMethods, licence, securityDefaults } from './collect/tenant.ts';
import { type EntraConfig, type EntraSecret, entraConfig, entraSecret } from './config.ts';
import { classifyGraphError } from './errors.ts';
import { getOne } from './graph-pages.ts';

type Ctx = ConnectorContext<EntraConfig, EntraSecret>;

export const ENTRA_PERMISSIONS: PermissionSpec[] = [
  { name: 'AuditLog.Read.All', kind: 'permission', why: 'MFA registration report, audit and sign-in log probes' },
  { name: 'Policy.Read.All', kind: 'permission', why: 'conditional-access policies and security defaults' },
  {
    name: 'Policy.Read.AuthenticationMethod',
    kind: 'permission',
    why: 'which weak methods (SMS, voice, e-mail) are allowed',
  },
  { name: 'RoleManagement.Read.Directory', kind: 'permission', why: 'who holds privileged directory roles' },
  { name: 'GroupMember.Read.All', kind: 'permission', why: 'members of groups that policies include or exclude' },
  { name: 'Organization.Read.All', kind: 'permission', why: 'the licence tier, which sets log retention' },
  {
    name: 'User.Read.All',
    kind: 'permission',
    why: 'users, when the registration report needs a licence the tenant lacks',
    optional: true,
  },
  {
    name: 'Microsoft Entra ID P1 or P2',
    kind: 'licence',
    why: 'registration report, conditional access, 30-day logs',
    optional: true,
  },
  {
    name: 'Reader on the diagnostic settings (microsoft.aadiam)',
    kind: 'role',
    why: 'where sign-in and audit logs are exported, and for how long',
    optional: true,
  },
];

const SECTIONS = [
  { phase: 'licence', source: 'GET /subscribedSkus', covers: ['setting.entra.licence'], run: licence },
  {
    phase: 'security defaults',
    source: 'GET /policies/identitySecurityDefaultsEnforcementPolicy',
    covers: ['setting.entra.security_defaults'],
    run: securityDefaults,
  },
  {
    phase: 'authentication methods',
    source: 'GET /policies/authenticationMethodsPolicy',
    covers: ['setting.entra.weak_methods'],
    run: authenticationMethods,
  },
  { phase: 'conditional access', source: POLICIES_SOURCE, covers: ['authPolicy'], run: conditionalAccess },
  { phase: 'policy groups', source: 'GET /groups/{id}/transitiveMembers', covers: ['identity'], run: policyGroups },
  {
    phase: 'privileged roles',
    source: 'GET /roleManagement/directory/roleAssignments',
    covers: ['identity.privileged'],
    run: roleHolders,
  },
  { phase: 'policies', source: POLICIES_SOURCE, covers: ['authPolicy'], run: policyFacts },
  {
    phase: 'identities',
    source: 'GET /reports/authenticationMethods/userRegistrationDetails',
    covers: ['identity'],
    run: identities,
  },
  { phase: 'logs', source: 'GET /auditLogs, diagnostic settings', covers: ['logSource'], run: logs },
] as const;

async function* collect(ctx: Ctx): AsyncGenerator<Fact> {
  const clients = createClients(ctx.config, ctx.secret, ctx.signal);
  const session = new CollectionSession(ctx, 'entra', (e) => classifyGraphError(e));
  const run: Run = {
    ctx,
    clients,
    graph: clients.graph,
    state: {
      licence: 'unknown',
      directoryId: undefined,
      securityDefaults: 'unknown',
      policies: undefined,
      groupsOf: new Map(),
      rolesOf: undefined,
    },
    stamp: { connection: ctx.connection, provider: 'entra', observedAt: ctx.now().toISOString() },
  };
  try {
    for (const s of SECTIONS) {
      // Membership only matters to the policies it was read for; if policies are unknown, so is enforcement.
      if (s.phase === 'policy groups' && run.state.policies === undefined) continue;
      yield* session.section(s, () => s.run(run, session));
    }
  } finally {
    await clients.close();
  }
}

const PROBES: { name: string; path: string; query?: Record<string, string> }[] = [
  { name: 'Organization.Read.All', path: '/subscribedSkus' },
  { name: 'Policy.Read.All', path: '/policies/identitySecurityDefaultsEnforcementPolicy' },
  { name: 'Policy.Read.AuthenticationMethod', path: '/policies/authenticationMethodsPolicy' },
  { name: 'RoleManagement.Read.Directory', path: '/roleManagement/directory/roleAssignments', query: { $top: '1' } },
  { name: 'AuditLog.Read.All', path: '/reports/authenticationMethods/userRegistrationDetails', query: { $top: '1' } },
];

async function check(ctx: Ctx) {
  const clients = createClients(ctx.config, ctx.secret, ctx.signal);
  const session = new CollectionSession(ctx, 'entra', (e) => classifyGraphError(e));
  const items: CheckItem[] = [];
  try {
    for (const probe of PROBES) {
      try {
        await getOne(session, clients.graph, probe.path, probe.name, probe.query);
        items.push({ name: probe.name, kind: 'permission', status: 'granted', message: `read ${probe.path}` });
      } catch (raw) {
        const error = classifyGraphError(raw, probe.name);
        if (error.code === 'auth_failed') {
          items.push({ name: 'sign-in', kind: 'permission', status: 'missing', message: error.message });
          break;
        }
        const licence = error.code === 'licence_required';
        items.push({
          name: licence ? (error.details.licence ?? probe.name) : probe.name,
          kind: licence ? 'licence' : 'permission',
          status: error.code === 'permission_missing' || licence ? 'missing' : 'unknown',
          message: error.message,
        });
      }
    }
  } finally {
    await clients.close();
  }
  return { ok: items.every((i) => i.status === 'granted'), items };
}

export const entraConnector: Connector<EntraConfig, EntraSecret> = {
  kind: 'entra',
  config: entraConfig,
  secret: entraSecret,
  permissions: ENTRA_PERMISSIONS,
  check,
  collect,
};
