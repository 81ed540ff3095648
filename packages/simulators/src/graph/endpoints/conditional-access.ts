import { type Endpoint, metadata, selectContext } from '../endpoint.ts';
import { errors } from '../errors.ts';
import { DIRECTORY_PAGES, page } from '../paging.ts';
import { needs } from '../permissions.ts';
import { checkSelect, project, rejectExpand, rejectFilter } from '../query.ts';
import type { ConditionalAccessPolicy } from '../world/ca-policy.ts';

const PROPERTIES: ReadonlySet<string> = new Set([
  'id',
  'templateId',
  'displayName',
  'createdDateTime',
  'modifiedDateTime',
  'state',
  'sessionControls',
  'conditions',
  'grantControls',
]);

/** The policy as listed: the authentication strength comes inline, annotated with its own context. */
function resource(origin: string, p: ConditionalAccessPolicy) {
  const strength = p.grantControls.authenticationStrength;
  if (!strength) return p;
  const context = metadata(
    origin,
    `identity/conditionalAccess/policies('${p.id}')/grantControls/authenticationStrength/$entity`,
  );
  const { authenticationStrength, ...grant } = p.grantControls;
  return Object.assign({}, p, {
    grantControls: Object.assign(grant, {
      'authenticationStrength@odata.context': context,
      authenticationStrength,
    }),
  });
}

const shared = {
  api: 'graph',
  family: 'conditionalAccess',
  permissions: needs.conditionalAccess,
  premium: true,
} as const;

/** `GET /identity/conditionalAccess/policies`: needs P1; 1 request per second per tenant, 429 without Retry-After. */
export const listConditionalAccessPolicies: Endpoint = {
  ...shared,
  path: '/v1.0/identity/conditionalAccess/policies',
  handle({ tenant, url, origin, query }) {
    rejectFilter(query);
    rejectExpand(query);
    checkSelect(query.select, PROPERTIES, 'conditionalAccessPolicy');
    const policies = tenant.directory.conditionalAccessPolicies;
    const edges = tenant.directory.world.edges.policies;
    const context = selectContext('identity/conditionalAccess/policies', query.select);
    return page(url, origin, context, policies.length + edges.length, DIRECTORY_PAGES, query, (i) =>
      i < policies.length
        ? project(resource(origin, policies[i]!), query.select)
        : project(edges[i - policies.length]!, query.select),
    );
  },
};

/** `GET /identity/conditionalAccess/policies/{id}` */
export const getConditionalAccessPolicy: Endpoint = {
  ...shared,
  path: '/v1.0/identity/conditionalAccess/policies/{id}',
  handle({ tenant, origin, params, query }) {
    rejectExpand(query);
    checkSelect(query.select, PROPERTIES, 'conditionalAccessPolicy');
    const policy = tenant.directory.conditionalAccessPolicies.find((p) => p.id === params.id);
    if (!policy) throw errors.notFound(params.id ?? '');
    return Object.assign(
      { '@odata.context': metadata(origin, 'identity/conditionalAccess/policies/$entity') },
      project(resource(origin, policy), query.select),
    );
  },
};
