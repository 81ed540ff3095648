import {
  CollectionSession,
  type Connector,
  type ConnectorContext,
  concurrently,
  readAhead,
} from '@evident/connector-kit';
import type { Fact } from '@evident/core';
import { checkEntra } from './check.ts';
import { createClients } from './client.ts';
import { activationRules, ROLE_POLICIES, ROLE_POLICY_ASSIGNMENTS } from './collect/activation.ts';
import {
  CROSS_TENANT_DEFAULT,
  CROSS_TENANT_PARTNERS,
  crossTenantAccess,
  directConnectIdentities,
} from './collect/cross-tenant.ts';
import { ROLE_DEFINITIONS, roleDefinitions } from './collect/definitions.ts';
import {
  eligibleGroupMembers,
  eligibleRoleHolders,
  GROUP_ELIGIBILITY,
  ROLE_ELIGIBILITY,
} from './collect/eligibility.ts';
import { identities, kindsRead, registrationPages } from './collect/identities.ts';
import { logs } from './collect/logs.ts';
import { policyGroups, roleHolders } from './collect/membership.ts';
import { conditionalAccess, POLICIES_SOURCE, policyFacts } from './collect/policies.ts';
import type { Run } from './collect/state.ts';
import { authenticationMethods, licence, securityDefaults } from './collect/tenant.ts';
import {
  type EntraAccountConfig,
  type EntraConfig,
  type EntraSecret,
  entraAccountConfig,
  entraConfig,
  entraSecret,
} from './config.ts';
import { discoverCustomers } from './discover.ts';
import { classifyGraphError } from './errors.ts';
import { ENTRA_PERMISSIONS } from './permissions.ts';
import { DEFAULT_TUNING, type EntraTuning } from './tuning.ts';
import { entraWatch } from './watch.ts';

type Ctx = ConnectorContext<EntraConfig, EntraSecret>;

/** Sections, each after those whose state it reads; independent ones run side by side under the limiter. */
const SECTIONS = [
  // First: the policies gate the membership and role reads, the longest chain but the report's.
  {
    phase: 'conditional access',
    source: POLICIES_SOURCE,
    covers: ['authPolicy', 'setting.entra.conditional_access'],
    after: [],
    run: conditionalAccess,
  },
  { phase: 'licence', source: 'GET /subscribedSkus', covers: ['setting.entra.licence'], after: [], run: licence },
  {
    phase: 'security defaults',
    source: 'GET /policies/identitySecurityDefaultsEnforcementPolicy',
    covers: ['setting.entra.security_defaults'],
    after: [],
    run: securityDefaults,
  },
  {
    phase: 'authentication methods',
    source: 'GET /policies/authenticationMethodsPolicy',
    covers: ['setting.entra.weak_methods', 'setting.entra.methods_policy_migration'],
    after: [],
    run: authenticationMethods,
  },
  {
    phase: 'policy groups',
    source: 'GET /groups/{id}/transitiveMembers',
    covers: ['identity'],
    after: ['conditional access'],
    run: policyGroups,
  },
  {
    phase: 'role definitions',
    source: `GET ${ROLE_DEFINITIONS}`,
    // Without them the documented list stands in; the gap says so without hiding who is privileged.
    covers: ['identity.privileged.definitions'],
    after: [],
    run: roleDefinitions,
  },
  {
    phase: 'privileged roles',
    source: 'GET /roleManagement/directory/roleAssignments',
    covers: ['identity.privileged', 'identity.roles'],
    after: ['conditional access', 'role definitions'],
    run: roleHolders,
  },
  {
    phase: 'eligible roles',
    source: `GET ${ROLE_ELIGIBILITY}`,
    covers: ['identity.eligible'],
    after: ['conditional access', 'role definitions'],
    run: eligibleRoleHolders,
  },
  {
    phase: 'eligible group members',
    source: `GET ${GROUP_ELIGIBILITY}`,
    covers: ['identity.eligible'],
    after: ['privileged roles', 'eligible roles'],
    run: eligibleGroupMembers,
  },
  {
    phase: 'role activation',
    source: `GET ${ROLE_POLICIES}, GET ${ROLE_POLICY_ASSIGNMENTS}`,
    covers: ['identity.activationMfa'],
    after: ['eligible group members'],
    run: activationRules,
  },
  {
    phase: 'policies',
    source: POLICIES_SOURCE,
    covers: ['authPolicy'],
    after: ['security defaults', 'policy groups', 'eligible group members'],
    run: policyFacts,
  },
  {
    phase: 'identities',
    source: 'GET /reports/authenticationMethods/userRegistrationDetails',
    covers: ['identity'],
    after: ['security defaults', 'policy groups', 'eligible group members', 'role activation'],
    run: identities,
  },
  {
    phase: 'cross-tenant access',
    source: `GET ${CROSS_TENANT_DEFAULT}, GET ${CROSS_TENANT_PARTNERS}`,
    // Unread, a population let in may be judged by nobody: enforcement cannot pass.
    covers: ['identity.mfaEnforced'],
    after: [],
    run: crossTenantAccess,
  },
  {
    phase: 'direct-connect users',
    source: `GET ${CROSS_TENANT_DEFAULT}, GET ${CROSS_TENANT_PARTNERS}`,
    covers: ['identity.mfaEnforced'],
    after: ['cross-tenant access', 'security defaults', 'policy groups', 'eligible group members'],
    run: directConnectIdentities,
  },
  {
    phase: 'logs',
    source: 'GET /auditLogs, diagnostic settings',
    covers: ['logSource'],
    after: ['licence'],
    run: logs,
  },
] as const;

/**
 * Registration pages read ahead of the state that judges them: the report is the longest, throttled chain, and it
 * keeps going while `/users` is read for the kinds its first page needs (8 pages of 999 are a few MB). That read
 * starts with the report's first page, beside the role and PIM reads the identities wait for.
 */
const REPORT_READ_AHEAD = 8;

async function* collect(ctx: Ctx, tuning: EntraTuning): AsyncGenerator<Fact> {
  const clients = createClients(ctx.config, ctx.secret, ctx.signal, tuning, ctx.egress, ctx.limiter.concurrency);
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
      groupsRead: false,
      definitions: undefined,
      rolesOf: undefined,
      wideRolesOf: new Map(),
      eligibleOf: new Map(),
      wideEligibleOf: new Map(),
      activation: undefined,
      directConnect: undefined,
      roleGroups: new Map(),
      pimRead: false,
    },
    stamp: { connection: ctx.connection, provider: 'entra', observedAt: ctx.now().toISOString() },
  };
  const kinds = kindsRead(run, session);
  const report = readAhead(registrationPages(run, session, kinds.start), REPORT_READ_AHEAD);
  const body = (s: (typeof SECTIONS)[number]) =>
    s.phase === 'identities' ? () => identities(run, session, report.items(), kinds) : () => s.run(run, session);
  try {
    yield* concurrently(
      SECTIONS.map((s) => ({
        phase: s.phase,
        after: s.after,
        // Membership only matters to the policies it was read for; if policies are unknown, so is enforcement.
        facts: () =>
          s.phase === 'policy groups' && run.state.policies === undefined ? none() : session.section(s, body(s)),
      })),
    );
  } finally {
    await report.stop();
    await clients.close();
  }
}

async function* none(): AsyncGenerator<Fact> {}

/**
 * The connector with its deadlines and retry budget tuned (tests shorten them; the defaults suit Microsoft). Its
 * account is the MSP's multi-tenant app: it discovers the customers of the partner tenant's GDAP relationships, and a
 * connection made from it sets only `tenantId`.
 */
export function createEntraConnector(
  tuning: Partial<EntraTuning> = {},
): Connector<EntraConfig, EntraSecret, EntraAccountConfig, EntraSecret> {
  const effective = { ...DEFAULT_TUNING, ...tuning };
  return {
    kind: 'entra',
    config: entraConfig,
    secret: entraSecret,
    permissions: ENTRA_PERMISSIONS,
    check: (ctx) => checkEntra(ctx, effective),
    collect: (ctx) => collect(ctx, effective),
    account: {
      config: entraAccountConfig,
      secret: entraSecret,
      discover: (ctx) => discoverCustomers(ctx, effective),
    },
    watch: entraWatch(effective),
  };
}

export const entraConnector = createEntraConnector();
