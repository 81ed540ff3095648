import { reachesEverySignIn } from '@evident/core';
import { isEmpty } from './grant.ts';
import type { CaPolicy } from './policy.ts';
import { USER_PROPERTIES } from './reach.ts';

type Conditions = CaPolicy['conditions'];

const has = (list: readonly string[], value: string) => list.includes(value);
const flags = (value: string | null | undefined) =>
  (value ?? '')
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v.length > 0 && v !== 'none');

/** Properties of `obj` outside `known` that carry a value: conditions this resolver cannot read. */
export function unrecognised(obj: object | null | undefined, known: readonly string[], path: string): string[] {
  if (!obj) return [];
  return Object.entries(obj)
    .filter(([key, value]) => !known.includes(key) && !key.includes('@odata') && !isEmpty(value))
    .map(([key]) => `an unrecognised condition '${path}.${key}'`);
}

const filterWords = (f: { mode?: string | null; rule?: string | null } | null | undefined) =>
  `${f?.mode ?? 'unknown'}: ${f?.rule ?? ''}`.trim();

export const APPLICATION_PROPERTIES = [
  'includeApplications',
  'excludeApplications',
  'includeUserActions',
  'includeAuthenticationContextClassReferences',
  'applicationFilter',
] as const;

function applications(c: Conditions): string[] {
  const apps = c.applications;
  if (!apps) return ['only some applications'];
  const out: string[] = [];
  if (!has(apps.includeApplications, 'All')) out.push('only some applications');
  else if (apps.excludeApplications.length > 0) out.push(`${apps.excludeApplications.length} application(s) excluded`);
  if (apps.includeUserActions.length > 0) out.push(`only the user actions ${apps.includeUserActions.join(', ')}`);
  const contexts = apps.includeAuthenticationContextClassReferences;
  if (contexts.length > 0) out.push(`only the authentication contexts ${contexts.join(', ')}`);
  if (apps.applicationFilter != null) out.push(`an application filter (${filterWords(apps.applicationFilter)})`);
  return [...out, ...unrecognised(apps, APPLICATION_PROPERTIES, 'applications')];
}

function clientAppTypes(c: Conditions): string[] {
  const clients = c.clientAppTypes;
  if (reachesEverySignIn(clients)) return [];
  return [`only client apps ${clients.join(', ')}`];
}

function locations(c: Conditions): string[] {
  const loc = c.locations;
  if (!loc) return [];
  const out = unrecognised(loc, ['includeLocations', 'excludeLocations'], 'locations');
  if (loc.excludeLocations.length > 0) out.push('trusted locations excluded');
  else if (loc.includeLocations.length > 0 && !has(loc.includeLocations, 'All')) out.push('only some locations');
  return out;
}

function platforms(c: Conditions): string[] {
  const plat = c.platforms;
  if (!plat) return [];
  const out = unrecognised(plat, ['includePlatforms', 'excludePlatforms'], 'platforms');
  if ((plat.includePlatforms.length > 0 && !has(plat.includePlatforms, 'all')) || plat.excludePlatforms.length > 0) {
    out.push('only some device platforms');
  }
  return out;
}

const levels = (what: string, list: readonly string[]) => (list.length > 0 ? [`only ${what} ${list.join('/')}`] : []);

/**
 * Every property of Graph's `conditionalAccessConditionSet`, and how it narrows a policy (empty: it does not).
 * `users` decide whom a policy reaches (see reach.ts); a property missing here narrows by default.
 */
export const CONDITION_CLASSES: Record<string, (c: Conditions) => string[]> = {
  users: (c) => unrecognised(c.users, USER_PROPERTIES, 'users'),
  applications,
  authenticationFlows: (c) => {
    const methods = flags(c.authenticationFlows?.transferMethods);
    const out = unrecognised(c.authenticationFlows, ['transferMethods'], 'authenticationFlows');
    return methods.length > 0 ? [...out, `only ${methods.join('/')} sign-ins`] : out;
  },
  clientApplications: (c) => {
    const ca = c.clientApplications;
    if (!ca) return [];
    const named =
      ca.includeServicePrincipals.length + ca.excludeServicePrincipals.length > 0 || ca.servicePrincipalFilter != null;
    return [
      ...(named ? ['workload identities (service principals) rather than users'] : []),
      ...unrecognised(
        ca,
        ['includeServicePrincipals', 'excludeServicePrincipals', 'servicePrincipalFilter'],
        'clientApplications',
      ),
    ];
  },
  clientAppTypes,
  devices: (c) => [
    ...(c.devices?.deviceFilter != null ? [`a device filter (${filterWords(c.devices.deviceFilter)})`] : []),
    ...unrecognised(c.devices, ['deviceFilter'], 'devices'),
  ],
  insiderRiskLevels: (c) => levels('insider risk', flags(c.insiderRiskLevels)),
  locations,
  platforms,
  servicePrincipalRiskLevels: (c) => levels('service-principal risk', c.servicePrincipalRiskLevels),
  signInRiskLevels: (c) => levels('sign-in risk', c.signInRiskLevels),
  userRiskLevels: (c) => levels('user risk', c.userRiskLevels),
};

/**
 * Conditions that narrow a policy to some sign-ins; empty when it covers every interactive sign-in. Client app
 * types can be left out for callers that report them separately (a legacy-auth block is narrowed on purpose).
 */
export function narrowing(policy: CaPolicy, { clientApps = true } = {}): string[] {
  const c = policy.conditions;
  const out: string[] = [];
  if (!c.applications) out.push('only some applications');
  for (const [key, value] of Object.entries(c)) {
    if (key.includes('@odata') || isEmpty(value) || (key === 'clientAppTypes' && !clientApps)) continue;
    const classify = CONDITION_CLASSES[key];
    out.push(...(classify ? classify(c) : [`an unrecognised condition '${key}'`]));
  }
  return out;
}
