import { guid, unitsOf } from '../../rng.ts';
import type { EntraWorld } from '../../scenario/schema.ts';
import type { DirectoryGroup } from './groups.ts';
import { isoTime } from './iso.ts';
import { category, eligibleBlockOf, type Layout, perUserMfaState, roleBlockOf, type UserCategory } from './layout.ts';
import { type EntraMethod, type Registration, registration } from './methods.ts';
import { partnerDomain, personName } from './names.ts';
import { type EntraRole, ROLE_TEMPLATE_IDS } from './roles.ts';

const DAY = 86_400_000;

export interface DirectoryUser extends Registration {
  index: number;
  id: string;
  category: UserCategory;
  userPrincipalName: string;
  displayName: string;
  givenName: string;
  surname: string;
  mail: string;
  accountEnabled: boolean;
  /** `null` only where an edge says Graph leaves it unset. */
  userType: 'Member' | 'Guest' | null;
  /** `Invitation` for an invited (B2B) account; `null` for one created in the tenant. */
  creationType: string | null;
  externalUserState: 'PendingAcceptance' | 'Accepted' | null;
  /** A collection: never `null`, empty where Graph knows none. */
  identities: ObjectIdentity[];
  breakGlass: boolean;
  roles: EntraRole[];
  roleTemplateIds: string[];
  /** Roles the user may activate through PIM (eligible, not active). */
  eligibleRoleTemplateIds: string[];
  /** Legacy per-user MFA (`strongAuthenticationRequirements.perUserMfaState`). */
  perUserMfaState: 'enforced' | 'enabled' | 'disabled';
  /** How the role is held: directly, or as a member of a role-assignable group. */
  roleAssignedVia: 'direct' | 'group' | null;
  isAdmin: boolean;
  methodsRegistered: EntraMethod[];
  createdDateTime: string;
  /** Last interactive sign-in; null when the user never signed in. */
  lastSignInDateTime: string | null;
  lastNonInteractiveSignInDateTime: string | null;
  /** Ids of the groups the user is a direct member of. */
  groupIds: string[];
}

/** Graph's `objectIdentity`: how an account signs in, and who issued that identity. */
export interface ObjectIdentity {
  signInType: string;
  issuer: string;
  issuerAssignedId: string | null;
}

export interface UserContext {
  world: EntraWorld;
  seed: number;
  now: Date;
  layout: Layout;
  groups: readonly DirectoryGroup[];
}

export function makeUser(c: UserContext, i: number): DirectoryUser {
  const { world, seed, now, layout: l } = c;
  const tenant = world.tenantId;
  const r = unitsOf(seed, tenant, 'user', i);
  const cat = category(l, i);
  const block = roleBlockOf(l, i);
  const eligible = cat === 'member' ? eligibleBlockOf(l, i) : undefined;
  const roles: EntraRole[] = cat === 'breakGlass' ? ['globalAdministrator'] : block ? [block.role] : [];
  const name =
    cat === 'breakGlass'
      ? { givenName: 'Break Glass', surname: String(i + 1).padStart(2, '0') }
      : personName(seed, tenant, i);
  const domain = world.domain;
  const local = `${name.givenName}.${name.surname}.${i}`.toLowerCase();
  let upn = `${local}@${domain}`;
  let msp = false;
  const displayName = `${name.givenName} ${name.surname}`;
  let mail = upn;
  if (cat === 'breakGlass') {
    upn = `breakglass${name.surname}@${domain}`;
    mail = upn;
  } else if (cat === 'guest') {
    msp = i - l.guestStart < world.mspGuests;
    const home = msp ? world.mspDomain : partnerDomain(seed, tenant, i);
    mail = `${local}@${home}`;
    upn = `${local}_${home}#EXT#@${domain}`;
  }
  const guest = cat === 'guest';
  const edge = world.edges.users.find((e) => e.user === i);
  upn = edge?.userPrincipalName ?? upn;
  // An invited guest signs in at home: the MSP's guests through their federated domain, the others through Entra.
  const identities: ObjectIdentity[] = guest
    ? [
        { signInType: 'userPrincipalName', issuer: domain, issuerAssignedId: upn },
        { signInType: 'federated', issuer: msp ? world.mspDomain : 'ExternalAzureAD', issuerAssignedId: null },
      ]
    : [{ signInType: 'userPrincipalName', issuer: domain, issuerAssignedId: upn }];
  const kind = cat === 'breakGlass' ? 'breakGlass' : roles.length > 0 ? 'admin' : 'user';
  const reg = registration(world, seed, [tenant, 'user', i], kind);
  const created = Math.trunc(now.getTime() - (30 + r('created') * 1500) * DAY);
  const signedIn = signIns(world, cat, r, now.getTime(), created);
  // Listed property by property: spreading into a literal this wide is ~500x slower in V8 and runs per user.
  return {
    index: i,
    id: guid(seed, tenant, 'user', i),
    category: cat,
    userPrincipalName: upn,
    displayName,
    givenName: name.givenName,
    surname: name.surname,
    mail,
    accountEnabled: cat !== 'disabled',
    userType: edge?.userType === undefined ? (guest ? 'Guest' : 'Member') : edge.userType,
    creationType: edge?.creationType === undefined ? (guest ? 'Invitation' : null) : edge.creationType,
    externalUserState:
      edge?.externalUserState === undefined
        ? guest
          ? r('accepted') < 0.9
            ? 'Accepted'
            : 'PendingAcceptance'
          : null
        : edge.externalUserState,
    identities: edge?.identities === undefined ? identities : edge.identities,
    breakGlass: cat === 'breakGlass',
    roles,
    roleTemplateIds: roles.map((role) => ROLE_TEMPLATE_IDS[role]),
    eligibleRoleTemplateIds: eligible ? [ROLE_TEMPLATE_IDS[eligible.role]] : [],
    perUserMfaState: perUserMfaState(l, i),
    roleAssignedVia: roles.length === 0 ? null : block && i > block.start ? 'group' : 'direct',
    // The registration report calls any active role holder an administrator, at any scope, custom roles too.
    isAdmin: roles.length > 0 || world.edges.roleAssignments.some((a) => a.user === i && !a.eligible),
    methodsRegistered: reg.methodsRegistered,
    isMfaRegistered: reg.isMfaRegistered,
    isMfaCapable: reg.isMfaCapable,
    isPasswordlessCapable: reg.isPasswordlessCapable,
    isSsprRegistered: reg.isSsprRegistered,
    systemPreferredAuthenticationMethods: reg.systemPreferredAuthenticationMethods,
    userPreferredMethodForSecondaryAuthentication: reg.userPreferredMethodForSecondaryAuthentication,
    phishingResistant: reg.phishingResistant,
    createdDateTime: isoTime(created),
    lastSignInDateTime: signedIn.last,
    lastNonInteractiveSignInDateTime: signedIn.nonInteractive,
    groupIds: c.groups.filter((g) => g.memberUsers.some((m) => i >= m.start && i < m.end)).map((g) => g.id),
  };
}

/** Times in ms (as `new Date(ms)` keeps them: whole ms), formatted once. */
function signIns(world: EntraWorld, cat: UserCategory, r: (what: string) => number, now: number, created: number) {
  const ago = (days: number) => Math.trunc(Math.max(created, now - days * DAY));
  let last: number | null;
  if (cat === 'breakGlass') last = ago(60 + r('last-sign-in') * 120);
  else if (r('recent') < world.recentSignInShare && cat !== 'disabled') last = ago(r('last-sign-in') * 30);
  else if (r('never') < 0.05) last = null;
  else last = ago(31 + r('last-sign-in') * 365);
  const nonInteractive = last === null ? null : ago(Math.min((now - last) / DAY, r('ni') * 7));
  return {
    last: last === null ? null : isoTime(last),
    nonInteractive: nonInteractive === null ? null : isoTime(nonInteractive),
  };
}
