import { unit } from '../../rng.ts';
import { type Endpoint, selectContext } from '../endpoint.ts';
import { DIRECTORY_PAGES, page } from '../paging.ts';
import { needs } from '../permissions.ts';
import { checkSelect, project, rejectExpand, rejectFilter } from '../query.ts';
import type { EntraDirectory } from '../world/directory.ts';
import { isoTime } from '../world/iso.ts';

const HOUR = 3_600_000;

function registrationDetails(d: EntraDirectory, j: number) {
  const u = d.registeredUser(j);
  const refreshed = d.now.getTime() - unit(d.seed, d.world.tenantId, 'user', u.index, 'report') * 24 * HOUR;
  return {
    id: u.id,
    userPrincipalName: u.userPrincipalName,
    userDisplayName: u.displayName,
    userType: u.userType === 'Guest' ? 'guest' : 'member',
    isAdmin: u.isAdmin,
    isSsprRegistered: u.isSsprRegistered,
    isSsprEnabled: true,
    isSsprCapable: u.isSsprRegistered,
    isMfaRegistered: u.isMfaRegistered,
    isMfaCapable: u.isMfaCapable,
    isPasswordlessCapable: u.isPasswordlessCapable,
    isSystemPreferredAuthenticationMethodEnabled: true,
    systemPreferredAuthenticationMethods: u.systemPreferredAuthenticationMethods,
    userPreferredMethodForSecondaryAuthentication: u.userPreferredMethodForSecondaryAuthentication,
    methodsRegistered: u.methodsRegistered,
    lastUpdatedDateTime: isoTime(refreshed),
  };
}

const PROPERTIES: ReadonlySet<string> = new Set([
  'id',
  'userPrincipalName',
  'userDisplayName',
  'userType',
  'isAdmin',
  'isSsprRegistered',
  'isSsprEnabled',
  'isSsprCapable',
  'isMfaRegistered',
  'isMfaCapable',
  'isPasswordlessCapable',
  'isSystemPreferredAuthenticationMethodEnabled',
  'systemPreferredAuthenticationMethods',
  'userPreferredMethodForSecondaryAuthentication',
  'methodsRegistered',
  'lastUpdatedDateTime',
]);

/** `GET /reports/authenticationMethods/userRegistrationDetails`: enabled users only; needs P1 or P2. */
export const listRegistrationDetails: Endpoint = {
  api: 'graph',
  path: '/v1.0/reports/authenticationMethods/userRegistrationDetails',
  family: 'reports',
  permissions: needs.auditLog,
  premium: true,
  handle({ tenant, url, origin, query }) {
    rejectFilter(query);
    rejectExpand(query);
    checkSelect(query.select, PROPERTIES, 'userRegistrationDetails');
    const d = tenant.directory;
    const context = selectContext('reports/authenticationMethods/userRegistrationDetails', query.select);
    return page(url, origin, context, d.counts.registrationDetails, DIRECTORY_PAGES, query, (j) =>
      project(registrationDetails(d, j), query.select),
    );
  },
};
