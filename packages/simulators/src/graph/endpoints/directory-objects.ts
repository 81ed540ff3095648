import type { DirectoryGroup } from '../world/groups.ts';
import type { DirectoryUser } from '../world/users.ts';

/** What `/users` returns without `$select`; everything else has to be asked for. */
export const USER_DEFAULT_PROPERTIES = [
  'businessPhones',
  'displayName',
  'givenName',
  'jobTitle',
  'mail',
  'mobilePhone',
  'officeLocation',
  'preferredLanguage',
  'surname',
  'userPrincipalName',
  'id',
];

const JOBS = ['Account Manager', 'Engineer', 'Analyst', 'Designer', 'Consultant', 'Support Specialist'];

/** A `microsoft.graph.user` with every property the simulator knows; callers project it. */
export function userResource(u: DirectoryUser) {
  return {
    id: u.id,
    deletedDateTime: null,
    accountEnabled: u.accountEnabled,
    businessPhones: [] as string[],
    createdDateTime: u.createdDateTime,
    department: u.userType === 'Guest' ? null : u.index % 2 === 0 ? 'Sales' : 'Engineering',
    displayName: u.displayName,
    creationType: u.creationType,
    externalUserState: u.externalUserState,
    identities: u.identities,
    givenName: u.givenName,
    jobTitle: u.breakGlass ? null : JOBS[u.index % JOBS.length]!,
    mail: u.mail,
    mobilePhone: null,
    officeLocation: null,
    onPremisesSyncEnabled: null,
    preferredLanguage: 'en-US',
    signInActivity: {
      lastSignInDateTime: u.lastSignInDateTime,
      lastSignInRequestId: u.lastSignInDateTime ? u.id : null,
      lastNonInteractiveSignInDateTime: u.lastNonInteractiveSignInDateTime,
      lastNonInteractiveSignInRequestId: u.lastNonInteractiveSignInDateTime ? u.id : null,
      lastSuccessfulSignInDateTime: u.lastSignInDateTime,
      lastSuccessfulSignInRequestId: u.lastSignInDateTime ? u.id : null,
    },
    surname: u.surname,
    usageLocation: u.userType === 'Guest' ? null : 'NL',
    userPrincipalName: u.userPrincipalName,
    userType: u.userType,
  };
}

export const USER_PROPERTIES: ReadonlySet<string> = new Set([
  ...USER_DEFAULT_PROPERTIES,
  'deletedDateTime',
  'accountEnabled',
  'createdDateTime',
  'department',
  'creationType',
  'externalUserState',
  'identities',
  'onPremisesSyncEnabled',
  'signInActivity',
  'usageLocation',
  'userType',
]);

export const GROUP_DEFAULT_PROPERTIES = [
  'id',
  'deletedDateTime',
  'classification',
  'createdDateTime',
  'description',
  'displayName',
  'groupTypes',
  'isAssignableToRole',
  'mail',
  'mailEnabled',
  'mailNickname',
  'membershipRule',
  'securityEnabled',
  'visibility',
];

export function groupResource(g: DirectoryGroup, createdDateTime: string) {
  return {
    id: g.id,
    deletedDateTime: null,
    classification: null,
    createdDateTime,
    description: g.description,
    displayName: g.displayName,
    groupTypes: [] as string[],
    isAssignableToRole: g.isAssignableToRole,
    mail: null,
    mailEnabled: false,
    mailNickname: g.displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
    membershipRule: null,
    securityEnabled: true,
    visibility: g.isAssignableToRole ? 'Private' : null,
  };
}

export const GROUP_PROPERTIES: ReadonlySet<string> = new Set(GROUP_DEFAULT_PROPERTIES);

/** A member of a polymorphic collection: its `@odata.type` first, then its (projected) properties. */
export function typed(type: 'user' | 'group', resource: object): object {
  return Object.assign({ '@odata.type': `#microsoft.graph.${type}` }, resource);
}
