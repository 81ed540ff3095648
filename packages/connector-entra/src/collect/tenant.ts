import type { CollectionSession } from '@evident/connector-kit';
import type { Fact } from '@evident/core';
import type { EntraConfig, EntraSecret } from '../config.ts';
import { getOne } from '../graph-pages.ts';
import type { Licence, Run } from './state.ts';

type Session = CollectionSession<EntraConfig, EntraSecret>;

interface Sku {
  skuPartNumber?: string;
  capabilityStatus?: string;
  servicePlans?: { servicePlanName?: string; provisioningStatus?: string }[];
}

export function licenceOf(skus: Sku[]): Exclude<Licence, 'unknown'> {
  const plans = new Set(
    skus
      .filter((s) => s.capabilityStatus !== 'Suspended' && s.capabilityStatus !== 'Deleted')
      .flatMap((s) => (s.servicePlans ?? []).map((p) => p.servicePlanName)),
  );
  if (plans.has('AAD_PREMIUM_P2')) return 'p2';
  if (plans.has('AAD_PREMIUM')) return 'p1';
  return 'free';
}

export async function* licence(run: Run, session: Session): AsyncGenerator<Fact> {
  const source = 'GET /subscribedSkus';
  // Side by side, but a failure is met in the order the facts depend on: the licence first.
  const [skus, org] = await Promise.allSettled([
    getOne<{ value?: Sku[] }, EntraConfig, EntraSecret>(session, run.graph, '/subscribedSkus', 'Organization.Read.All'),
    getOne<{ value?: { id?: string }[] }, EntraConfig, EntraSecret>(
      session,
      run.graph,
      '/organization',
      'Organization.Read.All',
      { $select: 'id' },
    ),
  ]);
  if (skus.status === 'rejected') throw skus.reason;
  run.state.licence = licenceOf(skus.value.value ?? []);
  if (org.status === 'rejected') throw org.reason;
  run.state.directoryId = org.value.value?.[0]?.id;
  yield {
    type: 'setting',
    ...run.stamp,
    source,
    subject: 'entra.licence',
    scope: run.ctx.config.tenantId,
    value: run.state.licence,
  };
}

export async function* securityDefaults(run: Run, session: Session): AsyncGenerator<Fact> {
  const source = 'GET /policies/identitySecurityDefaultsEnforcementPolicy';
  const policy = await getOne<{ isEnabled?: boolean }, EntraConfig, EntraSecret>(
    session,
    run.graph,
    '/policies/identitySecurityDefaultsEnforcementPolicy',
    'Policy.Read.All',
  );
  run.state.securityDefaults = policy.isEnabled === true;
  const scope = run.ctx.config.tenantId;
  yield {
    type: 'setting',
    ...run.stamp,
    source,
    subject: 'entra.security_defaults',
    scope,
    value: policy.isEnabled === true,
  };
}

const WEAK = { Sms: 'sms', Voice: 'voice', Email: 'email' } as Record<string, string>;

export async function* authenticationMethods(run: Run, session: Session): AsyncGenerator<Fact> {
  const source = 'GET /policies/authenticationMethodsPolicy';
  const policy = await getOne<
    { policyMigrationState?: string; authenticationMethodConfigurations?: { id?: string; state?: string }[] },
    EntraConfig,
    EntraSecret
  >(session, run.graph, '/policies/authenticationMethodsPolicy', 'Policy.Read.AuthenticationMethod');
  const weak = (policy.authenticationMethodConfigurations ?? [])
    .filter((c) => c.state === 'enabled' && c.id && WEAK[c.id])
    .map((c) => WEAK[c.id!]!)
    .sort();
  yield {
    type: 'setting',
    ...run.stamp,
    source,
    subject: 'entra.weak_methods',
    scope: run.ctx.config.tenantId,
    value: weak.join(','),
  };
  // Until `migrationComplete`, the legacy MFA and SSPR policies, which Graph does not expose, may still offer SMS and voice.
  const state = policy.policyMigrationState;
  yield {
    type: 'setting',
    ...run.stamp,
    source,
    subject: 'entra.methods_policy_migration',
    scope: run.ctx.config.tenantId,
    value: typeof state === 'string' ? state : null,
  };
}
