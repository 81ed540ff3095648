import type { EntraWorld } from '../../scenario/schema.ts';
import { type Endpoint, identityCost, metadata } from '../endpoint.ts';
import { needs } from '../permissions.ts';
import { rejectExpand, rejectFilter } from '../query.ts';

const PLANS = {
  AAD_PREMIUM: '41781fb2-bc02-4b7c-bd55-b576c07bb09d',
  MFA_PREMIUM: '8a256a2b-b617-496d-b51b-e76466e88db0',
  AAD_PREMIUM_P2: 'eec0eb4f-6444-4f95-aba0-50c24d67f998',
} as const;

/** The Entra ID SKUs by licence tier; a Free tenant has none. */
const SKUS = {
  free: [],
  p1: [
    {
      skuId: '078d2b04-f1bd-4111-bbd4-b4b1b354cef4',
      skuPartNumber: 'AAD_PREMIUM',
      plans: ['AAD_PREMIUM', 'MFA_PREMIUM'],
    },
  ],
  p2: [
    {
      skuId: '84a661c4-e949-4bd2-a560-ed7766fcaf2b',
      skuPartNumber: 'AAD_PREMIUM_P2',
      plans: ['AAD_PREMIUM', 'MFA_PREMIUM', 'AAD_PREMIUM_P2'],
    },
  ],
} as const satisfies Record<
  EntraWorld['licence'],
  readonly { skuId: string; skuPartNumber: string; plans: readonly (keyof typeof PLANS)[] }[]
>;

function skus(world: EntraWorld) {
  const seats = Math.max(25, Math.ceil(world.users / 25) * 25);
  return SKUS[world.licence].map((s) => ({
    accountId: world.tenantId,
    accountName: world.domain,
    appliesTo: 'User',
    capabilityStatus: 'Enabled',
    consumedUnits: world.users,
    id: `${world.tenantId}_${s.skuId}`,
    skuId: s.skuId,
    skuPartNumber: s.skuPartNumber,
    subscriptionIds: [],
    prepaidUnits: { enabled: seats, suspended: 0, warning: 0, lockedOut: 0 },
    servicePlans: s.plans.map((p) => ({
      servicePlanId: PLANS[p],
      servicePlanName: p,
      provisioningStatus: 'Success',
      appliesTo: 'User',
    })),
  }));
}

const shared = { api: 'graph', family: 'identity', cost: identityCost(1), permissions: needs.organization } as const;

/** `GET /subscribedSkus`: the licence tier as Microsoft reports it, by SKU and service plan. */
export const listSubscribedSkus: Endpoint = {
  ...shared,
  path: '/v1.0/subscribedSkus',
  handle({ tenant, origin, query }) {
    rejectFilter(query);
    rejectExpand(query);
    return { '@odata.context': metadata(origin, 'subscribedSkus'), value: skus(tenant.world) };
  },
};

/** `GET /organization` */
export const listOrganization: Endpoint = {
  ...shared,
  path: '/v1.0/organization',
  handle({ tenant, origin, query }) {
    rejectFilter(query);
    rejectExpand(query);
    const w = tenant.world;
    const assigned = new Date(tenant.directory.now.getTime() - 365 * 86_400_000).toISOString();
    const plans = SKUS[w.licence].flatMap((s) => s.plans);
    return {
      '@odata.context': metadata(origin, 'organization'),
      value: [
        {
          id: w.tenantId,
          deletedDateTime: null,
          displayName: w.domain.split('.')[0]!.replace(/^./, (c) => c.toUpperCase()),
          tenantType: 'AAD',
          countryLetterCode: 'NL',
          createdDateTime: new Date(tenant.directory.now.getTime() - 1500 * 86_400_000).toISOString(),
          onPremisesSyncEnabled: null,
          verifiedDomains: [
            {
              capabilities: 'Email, OfficeCommunicationsOnline',
              isDefault: true,
              isInitial: true,
              name: w.domain,
              type: 'Managed',
            },
          ],
          assignedPlans: [...new Set(plans)].map((p) => ({
            assignedDateTime: assigned,
            capabilityStatus: 'Enabled',
            service: p === 'MFA_PREMIUM' ? 'MultiFactorService' : 'AADPremiumService',
            servicePlanId: PLANS[p],
          })),
        },
      ],
    };
  },
};
