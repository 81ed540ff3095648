import { type Endpoint, identityCost, metadata } from '../endpoint.ts';
import { DIRECTORY_PAGES, page } from '../paging.ts';
import { needs } from '../permissions.ts';
import { rejectExpand, rejectFilter } from '../query.ts';
import type { SimTenant } from '../tenants.ts';

type Access = 'allowed' | 'blocked';

/** A `crossTenantAccessPolicyB2BSetting` letting all users into all applications, or keeping them out. */
function b2bSetting(access: Access) {
  return {
    usersAndGroups: { accessType: access, targets: [{ target: 'AllUsers', targetType: 'user' }] },
    applications: { accessType: access, targets: [{ target: 'AllApplications', targetType: 'application' }] },
  };
}

const trust = (mfa: boolean) => ({
  isMfaAccepted: mfa,
  isCompliantDeviceAccepted: false,
  isHybridAzureADJoinedDeviceAccepted: false,
});

const access = (allowed: boolean): Access => (allowed ? 'allowed' : 'blocked');

/** `GET /policies/crossTenantAccessPolicy/default`: B2B collaboration open, direct connect closed unless the world opens it. */
export const getCrossTenantDefault: Endpoint = {
  api: 'graph',
  path: '/v1.0/policies/crossTenantAccessPolicy/default',
  family: 'identity',
  cost: identityCost(1),
  permissions: needs.policy,
  handle({ tenant, origin, query }) {
    rejectFilter(query);
    rejectExpand(query);
    const d = tenant.directory.world.edges.crossTenant.default;
    return {
      '@odata.context': metadata(origin, 'policies/crossTenantAccessPolicy/default/$entity'),
      isServiceDefault: !d.directConnectInbound && !d.mfaAccepted,
      inboundTrust: trust(d.mfaAccepted),
      b2bCollaborationInbound: b2bSetting('allowed'),
      b2bCollaborationOutbound: b2bSetting('allowed'),
      b2bDirectConnectInbound: b2bSetting(access(d.directConnectInbound)),
      b2bDirectConnectOutbound: b2bSetting('blocked'),
    };
  },
};

function partner(tenant: SimTenant, i: number) {
  const p = tenant.directory.world.edges.crossTenant.partners[i]!;
  return {
    tenantId: p.tenantId,
    isServiceProvider: false,
    isInMultiTenantOrganization: false,
    // null: the partner inherits the default's setting.
    inboundTrust: p.mfaAccepted === null ? null : trust(p.mfaAccepted),
    b2bCollaborationInbound: null,
    b2bCollaborationOutbound: null,
    b2bDirectConnectInbound: p.directConnectInbound === null ? null : b2bSetting(access(p.directConnectInbound)),
    b2bDirectConnectOutbound: null,
  };
}

/** `GET /policies/crossTenantAccessPolicy/partners`: one configuration per partner tenant, `null` where it inherits. */
export const listCrossTenantPartners: Endpoint = {
  api: 'graph',
  path: '/v1.0/policies/crossTenantAccessPolicy/partners',
  family: 'identity',
  cost: identityCost(1),
  permissions: needs.policy,
  handle({ tenant, url, origin, query }) {
    rejectFilter(query);
    rejectExpand(query);
    const count = tenant.directory.world.edges.crossTenant.partners.length;
    return page(url, origin, 'policies/crossTenantAccessPolicy/partners', count, DIRECTORY_PAGES, query, (i) =>
      partner(tenant, i),
    );
  },
};
