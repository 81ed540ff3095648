import { type CollectionSession, ConnectorError } from '@evident/connector-kit';
import type { Fact, IdentityFact, Tri } from '@evident/core';
import type { EntraConfig, EntraSecret } from '../config.ts';
import type { GuestType } from '../enforcement/reach.ts';
import { type Enforcement, type PerUserMfa, resolveEnforcement, type TenantPolicy } from '../enforcement/resolve.ts';
import { pages } from '../graph-pages.ts';
import { isMfaMethod, isPhishingResistantMethod, PRIVILEGED_ROLES, roleName } from '../roles.ts';
import { PER_USER_PATH, perUserStates } from './per-user.ts';
import type { Run, TenantState } from './state.ts';

type Session = CollectionSession<EntraConfig, EntraSecret>;

const REGISTRATION = '/reports/authenticationMethods/userRegistrationDetails';
const EMPTY = new Set<string>();

export interface Person {
  id: string;
  upn: string;
  /** `null` for a member of the tenant. */
  guestType: GuestType | 'unknown' | null;
  /** From the registration report; `undefined` where the report could not be read. */
  isAdmin?: boolean;
  mfaRegistered: Tri;
  methods: string[];
}

/** The home domain of a UPN; for a B2B guest (`alice_msp.example#EXT#@tenant…`) the domain it was invited from. */
export function homeDomain(upn: string): string {
  const ext = upn.indexOf('#EXT#');
  if (ext > 0) {
    const local = upn.slice(0, ext);
    return local.slice(local.lastIndexOf('_') + 1).toLowerCase();
  }
  return upn.slice(upn.lastIndexOf('@') + 1).toLowerCase();
}

/**
 * The kind of guest or external user an account is, from its user type and whether it signs in elsewhere (a B2B
 * account's UPN carries `#EXT#`). A type Graph does not document, or none, cannot be told apart.
 */
export function guestTypeOf(userType: string | undefined, upn: string): Person['guestType'] {
  const type = userType?.toLowerCase();
  const invited = upn.includes('#EXT#');
  if (type === 'member') return invited ? 'b2bCollaborationMember' : null;
  if (type === 'guest') return invited ? 'b2bCollaborationGuest' : 'internalGuest';
  return 'unknown';
}

/** The policies, once whom they reach can be told: the groups and roles they name were read. */
function decidable(state: TenantState): TenantState['policies'] {
  const { policies } = state;
  const names = (key: 'Groups' | 'Roles') =>
    policies?.some((p) => {
      const u = p.conditions.users;
      return (u?.[`include${key}`].length ?? 0) + (u?.[`exclude${key}`].length ?? 0) > 0;
    });
  if ((names('Groups') && !state.groupsRead) || (names('Roles') && !state.rolesOf)) return undefined;
  return policies;
}

/** What judging an identity needs of the tenant and the config, worked out once for a page of users. */
interface Judging {
  tenant: TenantPolicy;
  /** The break-glass accounts as configured, and their names in lower case. */
  breakGlass: { exact: Set<string>; lower: Set<string> };
  mspDomains: string[] | undefined;
}

function judging(run: Pick<Run, 'ctx' | 'state'>): Judging {
  const { config } = run.ctx;
  const { state } = run;
  return {
    tenant: {
      securityDefaults: state.securityDefaults,
      policies: decidable(state),
      mfaCustomControls: new Set(config.mfaCustomControls),
    },
    breakGlass: { exact: new Set(config.breakGlass), lower: new Set(config.breakGlass.map((b) => b.toLowerCase())) },
    mspDomains: config.mspDomains?.map((d) => d.toLowerCase()),
  };
}

/** The roles a person holds, active and eligible. */
function rolesOf(person: Person, state: TenantState) {
  const active = state.rolesOf?.get(person.id) ?? EMPTY;
  const eligibleRoles = state.eligibleOf.get(person.id) ?? EMPTY;
  return { active, roles: eligibleRoles.size === 0 ? active : new Set([...active, ...eligibleRoles]) };
}

function enforcementOf(person: Person, state: TenantState, judging: Judging, perUser?: PerUserMfa): Enforcement {
  const principal = {
    id: person.id,
    guestType: person.guestType,
    groups: state.groupsOf.get(person.id) ?? EMPTY,
    roles: rolesOf(person, state).roles,
    mfaRegistered: person.mfaRegistered,
  };
  return resolveEnforcement(principal, judging.tenant, perUser);
}

const isBreakGlass = (person: Person, judging: Judging) =>
  judging.breakGlass.lower.has(person.upn.toLowerCase()) || judging.breakGlass.exact.has(person.id);

export function toIdentity(
  person: Person,
  run: Pick<Run, 'state' | 'stamp'>,
  judging: Judging,
  source: string,
  perUser?: PerUserMfa,
  enforcement = enforcementOf(person, run.state, judging, perUser),
): IdentityFact {
  const { state } = run;
  const { active, roles } = rolesOf(person, state);
  const privilegedRoles = [...roles].filter((r) => r in PRIVILEGED_ROLES);
  const privileged: Tri = state.rolesOf ? privilegedRoles.length > 0 : (person.isAdmin ?? 'unknown');
  const guest = person.guestType !== null;
  const breakGlass = isBreakGlass(person, judging);
  const { mspDomains } = judging;
  return {
    type: 'identity',
    ...run.stamp,
    source,
    subject: person.id,
    name: person.upn,
    kind: breakGlass ? 'break_glass' : guest ? 'guest' : 'human',
    enabled: true,
    external: guest,
    ...(guest ? { guestType: person.guestType ?? 'unknown' } : {}),
    mspPrincipal: mspDomains ? mspDomains.includes(homeDomain(person.upn)) : 'unknown',
    privileged,
    roles: privilegedRoles.map(roleName).sort(),
    eligible: privilegedRoles.some((r) => !active.has(r)),
    mfaRegistered: person.mfaRegistered,
    methods: person.methods,
    phishingResistantRegistered:
      person.mfaRegistered === 'unknown' ? 'unknown' : person.methods.some(isPhishingResistantMethod),
    mfaEnforced: enforcement.mfaEnforced,
    enforcementSource: enforcement.source,
    enforcementReason: enforcement.reason,
    enforcementDetail: enforcement.detail,
    phishingResistantEnforced: enforcement.phishingResistantEnforced,
    lastSignIn: 'unknown',
  };
}

export interface Registration {
  id: string;
  userPrincipalName: string;
  userType?: string;
  isAdmin?: boolean;
  isMfaRegistered?: boolean;
  methodsRegistered?: string[];
}

interface User {
  id: string;
  userPrincipalName: string;
  userType?: string;
  accountEnabled?: boolean;
}

function registered(r: Registration): Person {
  return {
    id: r.id,
    upn: r.userPrincipalName,
    guestType: guestTypeOf(r.userType, r.userPrincipalName),
    // The report's flag can lag its methods: a registered key or authenticator is registration.
    mfaRegistered: (r.methodsRegistered ?? []).some(isMfaMethod) || (r.isMfaRegistered ?? 'unknown'),
    methods: r.methodsRegistered ?? [],
    ...(r.isAdmin === undefined ? {} : { isAdmin: r.isAdmin }),
  };
}

function listed(u: User): Person {
  return {
    id: u.id,
    upn: u.userPrincipalName,
    guestType: guestTypeOf(u.userType, u.userPrincipalName),
    mfaRegistered: 'unknown',
    methods: [],
  };
}

/** What the registration report alone tells; a gap for it covers these. */
const REGISTRATION_COVERS = ['identity.mfaRegistered', 'identity.methods', 'identity.phishingResistantRegistered'];

/**
 * The identities of one page, with legacy per-user MFA read only for the accounts no policy already enforces. A
 * per-user read that fails leaves those accounts as the policies judged them, and says so once. The page is
 * consumed: each account is let go as its identity is yielded (why: below).
 */
async function* judged<T>(
  run: Run,
  session: Session,
  page: T[],
  person: (item: T) => Person,
  source: string,
  perUserRefused: { said: boolean },
): AsyncGenerator<Fact> {
  const judge = judging(run);
  const enforcements = page.map((item) => enforcementOf(person(item), run.state, judge));
  const open = page
    .filter((item, k) => enforcements[k]!.mfaEnforced !== true && !isBreakGlass(person(item), judge))
    .map((item) => person(item).id);
  let states = new Map<string, PerUserMfa>();
  if (open.length > 0 && !perUserRefused.said) {
    try {
      states = await perUserStates(run, session, open);
    } catch (error) {
      if (!(error instanceof ConnectorError) || error.code === 'auth_failed' || error.code === 'throttled') throw error;
      perUserRefused.said = true;
      yield session.gap({ source: `POST /beta/$batch: GET ${PER_USER_PATH}`, covers: ['identity.perUserMfa'] }, error);
    }
  }
  const again = states.size > 0 ? judging(run) : judge;
  // A page held whole until its last identity is out lives through young collections and is promoted; V8 then
  // grows the old generation by that rate. Letting each account go as it is yielded keeps a large tenant's peak down.
  const items: (T | undefined)[] = page;
  const judgedAs: (Enforcement | undefined)[] = enforcements;
  for (let k = 0; k < items.length; k++) {
    const p = person(items[k]!);
    const enforcement = judgedAs[k]!;
    items[k] = undefined;
    judgedAs[k] = undefined;
    const state = states.get(p.id);
    // Only a per-user state that changes the verdict (enforced, or enabled) joins the evidence.
    const matters = state === 'enforced' || state === 'enabled';
    yield !matters
      ? toIdentity(p, run, judge, source, undefined, enforcement)
      : toIdentity(p, run, again, `${source}, GET beta ${PER_USER_PATH}`, state);
  }
}

export const SERVICE_PROVIDER_SUBJECT = 'service-provider-users';

/**
 * The MSP's technicians reaching the tenant through GDAP: no account exists here, so one identity stands for them,
 * judged by the policies that reach service-provider users. Their roles come from the partner relationship.
 */
export function serviceProviderIdentity(run: Pick<Run, 'ctx' | 'state' | 'stamp'>): IdentityFact {
  const principal = {
    id: SERVICE_PROVIDER_SUBJECT,
    guestType: 'serviceProvider' as const,
    groups: EMPTY,
    roles: EMPTY,
    rolesUnknown: true,
    mfaRegistered: 'unknown' as const,
  };
  const enforcement = resolveEnforcement(principal, judging(run).tenant);
  return {
    type: 'identity',
    ...run.stamp,
    source: 'GET /identity/conditionalAccess/policies (service-provider users)',
    subject: SERVICE_PROVIDER_SUBJECT,
    name: 'MSP technicians through GDAP (service-provider users)',
    kind: 'guest',
    enabled: true,
    external: true,
    guestType: 'serviceProvider',
    mspPrincipal: true,
    privileged: true,
    roles: [],
    eligible: false,
    mfaRegistered: 'unknown',
    methods: [],
    phishingResistantRegistered: 'unknown',
    mfaEnforced: enforcement.mfaEnforced,
    enforcementSource: enforcement.source,
    enforcementReason: enforcement.reason,
    enforcementDetail: enforcement.detail,
    phishingResistantEnforced: enforcement.phishingResistantEnforced,
    lastSignIn: 'unknown',
  };
}

/** The registration report page by page, 999 a page; the connector starts it early, as the longest read. */
export function registrationPages(run: Pick<Run, 'graph'>, session: Session): AsyncIterable<Registration[]> {
  return pages<Registration, EntraConfig, EntraSecret>(session, run.graph, REGISTRATION, 'AuditLog.Read.All', {
    $select: 'id,userPrincipalName,userType,isAdmin,isMfaRegistered,methodsRegistered',
    $top: '999',
  });
}

/**
 * One identity per enabled user, from the registration report (which lists enabled users only). Without P1 or
 * AuditLog.Read.All the report is closed, so users come from `/users` with registration unknown, and a gap says why.
 */
export async function* identities(
  run: Run,
  session: Session,
  report: AsyncIterable<Registration[]> = registrationPages(run, session),
): AsyncGenerator<Fact> {
  if (run.ctx.config.serviceProviderAccess) yield serviceProviderIdentity(run);
  let read = 0;
  const perUserRefused = { said: false };
  try {
    for await (const page of report) {
      read++;
      yield* judged(run, session, page, registered, `GET ${REGISTRATION}`, perUserRefused);
    }
    return;
  } catch (error) {
    const closed = error instanceof ConnectorError && ['licence_required', 'permission_missing'].includes(error.code);
    // Once users came from the report, `/users` would list them again.
    if (!closed || read > 0) throw error;
    yield session.gap({ source: `GET ${REGISTRATION}`, covers: REGISTRATION_COVERS }, error);
  }
  for await (const page of pages<User, EntraConfig, EntraSecret>(session, run.graph, '/users', 'User.Read.All', {
    $select: 'id,userPrincipalName,userType,accountEnabled',
    $top: '999',
  })) {
    const enabled = page.filter((u) => u.accountEnabled !== false);
    yield* judged(run, session, enabled, listed, 'GET /users', perUserRefused);
  }
}
