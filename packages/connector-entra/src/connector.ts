import { CollectionSession, type Connector, type ConnectorContext } from '@evident/connector-kit';
import type { Fact } from '@evident/core';
import { checkEntra } from './check.ts';
import { createClients } from './client.ts';
import {
  eligibleGroupMembers,
  eligibleRoleHolders,
  GROUP_ELIGIBILITY,
  ROLE_ELIGIBILITY,
} from './collect/eligibility.ts';
import { identities } from './collect/identities.ts';
import { logs } from './collect/logs.ts';
import { policyGroups, roleHolders } from './collect/membership.ts';
import { conditionalAccess, POLICIES_SOURCE, policyFacts } from './collect/policies.ts';
import type { Run } from './collect/state.ts';
import { authenticationMethods, licence, securityDefaults } from './collect/tenant.ts';
import { type EntraConfig, type EntraSecret, entraConfig, entraSecret } from './config.ts';
import { classifyGraphError } from './errors.ts';
import { ENTRA_PERMISSIONS } from './permissions.ts';
import { DEFAULT_TUNING, type EntraTuning } from './tuning.ts';

type Ctx = ConnectorContext<EntraConfig, EntraSecret>;

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
  {
    phase: 'conditional access',
    source: POLICIES_SOURCE,
    covers: ['authPolicy', 'setting.entra.conditional_access'],
    run: conditionalAccess,
  },
  { phase: 'policy groups', source: 'GET /groups/{id}/transitiveMembers', covers: ['identity'], run: policyGroups },
  {
    phase: 'privileged roles',
    source: 'GET /roleManagement/directory/roleAssignments',
    covers: ['identity.privileged', 'identity.roles'],
    run: roleHolders,
  },
  {
    phase: 'eligible roles',
    source: `GET ${ROLE_ELIGIBILITY}`,
    covers: ['identity.eligible'],
    run: eligibleRoleHolders,
  },
  {
    phase: 'eligible group members',
    source: `GET ${GROUP_ELIGIBILITY}`,
    covers: ['identity.eligible'],
    run: eligibleGroupMembers,
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

async function* collect(ctx: Ctx, tuning: EntraTuning): AsyncGenerator<Fact> {
  const clients = createClients(ctx.config, ctx.secret, ctx.signal, tuning, ctx.egress);
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
      rolesOf: undefined,
      eligibleOf: new Map(),
      roleGroups: new Map(),
      pimRead: false,
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

/** The connector with its deadlines and retry budget tuned (tests shorten them; the defaults suit Microsoft). */
export function createEntraConnector(tuning: Partial<EntraTuning> = {}): Connector<EntraConfig, EntraSecret> {
  const effective = { ...DEFAULT_TUNING, ...tuning };
  return {
    kind: 'entra',
    config: entraConfig,
    secret: entraSecret,
    permissions: ENTRA_PERMISSIONS,
    check: (ctx) => checkEntra(ctx, effective),
    collect: (ctx) => collect(ctx, effective),
  };
}

export const entraConnector = createEntraConnector();
