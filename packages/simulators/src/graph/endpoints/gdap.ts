import { type Endpoint, identityCost } from '../endpoint.ts';
import { type PageSizes, page } from '../paging.ts';
import { needs } from '../permissions.ts';
import { checkSelect, project, rejectExpand, rejectFilter } from '../query.ts';
import { gdapCustomers } from '../world/gdap.ts';

/** Partner Center's collections take `$top` up to 300. */
export const GDAP_PAGES: PageSizes = { default: 100, max: 300 };

const CUSTOMER_PROPERTIES = new Set(['id', 'tenantId', 'displayName']);
const RELATIONSHIP_PROPERTIES = new Set([
  'id',
  'displayName',
  'duration',
  'customer',
  'accessDetails',
  'status',
  'autoExtendDuration',
  'createdDateTime',
  'activatedDateTime',
  'lastModifiedDateTime',
  'endDateTime',
]);

/**
 * `GET /tenantRelationships/delegatedAdminCustomers`: the partner's GDAP customers. A tenant that is no partner has
 * none.
 */
export const listDelegatedAdminCustomers: Endpoint = {
  api: 'graph',
  path: '/v1.0/tenantRelationships/delegatedAdminCustomers',
  family: 'identity',
  cost: identityCost(1),
  permissions: needs.gdap,
  handle({ tenant, url, origin, query }) {
    rejectFilter(query);
    rejectExpand(query);
    checkSelect(query.select, CUSTOMER_PROPERTIES, 'delegatedAdminCustomer');
    const customers = gdapCustomers(tenant.gdap);
    return page(url, origin, 'tenantRelationships/delegatedAdminCustomers', customers.length, GDAP_PAGES, query, (i) =>
      project({ id: customers[i]!.tenantId, ...customers[i]! }, query.select),
    );
  },
};

/** `GET /tenantRelationships/delegatedAdminRelationships`: every relationship, whatever its status. */
export const listDelegatedAdminRelationships: Endpoint = {
  api: 'graph',
  path: '/v1.0/tenantRelationships/delegatedAdminRelationships',
  family: 'identity',
  cost: identityCost(1),
  permissions: needs.gdap,
  handle({ tenant, url, origin, query }) {
    rejectFilter(query);
    rejectExpand(query);
    checkSelect(query.select, RELATIONSHIP_PROPERTIES, 'delegatedAdminRelationship');
    const all = tenant.gdap;
    return page(url, origin, 'tenantRelationships/delegatedAdminRelationships', all.length, GDAP_PAGES, query, (i) =>
      query.select ? project(all[i]!, query.select) : all[i]!,
    );
  },
};
