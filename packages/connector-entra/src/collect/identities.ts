import { type CollectionSession, ConnectorError } from '@evident/connector-kit';
import type { Fact } from '@evident/core';
import type { EntraConfig, EntraSecret } from '../config.ts';
import type { Enforcement, PerUserMfa } from '../enforcement/resolve.ts';
import { pages } from '../graph-pages.ts';
import { isMfaMethod } from '../roles.ts';
import { EXTERNAL_SELECT, type ExternalAttributes, type Kind, kindOf, unreadKind } from './external.ts';
import {
  enforcementOf,
  isBreakGlass,
  judging,
  type Person,
  serviceProviderIdentity,
  toIdentity,
} from './identity-fact.ts';
import { PER_USER_PATH, perUserStates } from './per-user.ts';
import type { Run } from './state.ts';

type Session = CollectionSession<EntraConfig, EntraSecret>;

const REGISTRATION = '/reports/authenticationMethods/userRegistrationDetails';

export interface Registration {
  id: string;
  userPrincipalName: string;
  userType?: string;
  isAdmin?: boolean;
  isMfaRegistered?: boolean;
  methodsRegistered?: string[];
}

interface User extends ExternalAttributes {
  id: string;
  userPrincipalName: string;
  accountEnabled?: boolean;
}

/** Each user's kind, by id; one kind for all when `/users` could not be read. */
type Kinds = Map<string, Kind> | Kind;

function kindIn(kinds: Kinds, r: Registration): Kind {
  if (!(kinds instanceof Map)) return { ...kinds, ...(r.userType ? { userType: r.userType } : {}) };
  return kinds.get(r.id) ?? unreadKind('this account was not among the users /users listed');
}

function registered(r: Registration, kinds: Kinds): Person {
  return {
    id: r.id,
    upn: r.userPrincipalName,
    ...kindIn(kinds, r),
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
    ...kindOf(u, u.userPrincipalName),
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
  // Each account is turned into a person once; the page lets go of it as it does (why: below).
  const items: (T | undefined)[] = page;
  const people: (Person | undefined)[] = new Array(items.length);
  const enforcements: (Enforcement | undefined)[] = new Array(items.length);
  const open: string[] = [];
  for (let k = 0; k < items.length; k++) {
    const p = person(items[k]!);
    items[k] = undefined;
    const enforcement = enforcementOf(p, run.state, judge);
    people[k] = p;
    enforcements[k] = enforcement;
    if (enforcement.mfaEnforced !== true && !isBreakGlass(p, judge)) open.push(p.id);
  }
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
  for (let k = 0; k < people.length; k++) {
    const p = people[k]!;
    const enforcement = enforcements[k]!;
    people[k] = undefined;
    enforcements[k] = undefined;
    const state = states.get(p.id);
    // Only a per-user state that changes the verdict (enforced, or enabled) joins the evidence.
    const matters = state === 'enforced' || state === 'enabled';
    yield !matters
      ? toIdentity(p, run, judge, source, undefined, enforcement)
      : toIdentity(p, run, again, `${source}, GET beta ${PER_USER_PATH}`, state);
  }
}

/**
 * The registration report page by page, 999 a page; the connector starts it early, as the longest read. `opened`
 * is called once its first page is in: the report is open, so `/users` need only be read for the kinds.
 */
export async function* registrationPages(
  run: Pick<Run, 'graph'>,
  session: Session,
  opened?: () => void,
): AsyncGenerator<Registration[]> {
  let first = true;
  for await (const page of pages<Registration, EntraConfig, EntraSecret>(
    session,
    run.graph,
    REGISTRATION,
    'AuditLog.Read.All',
    { $select: 'id,userPrincipalName,userType,isAdmin,isMfaRegistered,methodsRegistered', $top: '999' },
  )) {
    if (first) opened?.();
    first = false;
    yield page;
  }
}

const USERS_SELECT = `id,userPrincipalName,accountEnabled,${EXTERNAL_SELECT}`;
/** The report says who is enabled: beside it, `/users` is read for the kinds alone. */
const KINDS_SELECT = `id,userPrincipalName,${EXTERNAL_SELECT}`;

/**
 * Every user's kind of guest or external user, from Graph's attributes. Unread, every kind is unknown and a gap
 * says why; policies naming guests then reach nobody for certain.
 */
async function* kindsOf(run: Run, session: Session): AsyncGenerator<Fact, Kinds> {
  const kinds = new Map<string, Kind>();
  try {
    for await (const page of pages<User, EntraConfig, EntraSecret>(session, run.graph, '/users', 'User.Read.All', {
      $select: KINDS_SELECT,
      $top: '999',
    })) {
      for (const u of page) kinds.set(u.id, kindOf(u, u.userPrincipalName));
    }
    return kinds;
  } catch (error) {
    if (!(error instanceof ConnectorError) || error.code === 'auth_failed' || error.code === 'throttled') throw error;
    yield session.gap({ source: `GET /users ($select=${EXTERNAL_SELECT})`, covers: KIND_COVERS }, error);
    return unreadKind(`the users' external-identity attributes could not be read (${error.code})`);
  }
}

const KIND_COVERS = ['identity.guestType', 'identity.external'];

export interface KindsRead {
  /** Starts the read, if it has not started. */
  start(): void;
  /** The kinds, and the gap that says why they could not be read. */
  result(): Promise<{ kinds: Kinds; gap: Fact | undefined }>;
}

/**
 * `/users` read for the kinds, from when it is started: the connector starts it as the report's first page arrives,
 * so its page chain runs beside the role and PIM reads the identities wait for, not after them.
 */
export function kindsRead(run: Run, session: Session): KindsRead {
  let read: Promise<{ kinds: Kinds; gap: Fact | undefined }> | undefined;
  const result = () => {
    read ??= (async () => {
      const it = kindsOf(run, session);
      let gap: Fact | undefined;
      for (;;) {
        const next = await it.next();
        if (next.done) return { kinds: next.value, gap };
        gap = next.value;
      }
    })();
    return read;
  };
  return {
    // A failure is met where the identities await the result; until then it is not unhandled.
    start: () => void result().catch(() => {}),
    result,
  };
}

/**
 * One identity per enabled user, from the registration report (which lists enabled users only). Without P1 or
 * AuditLog.Read.All the report is closed, so users come from `/users` with registration unknown, and a gap says why.
 */
export async function* identities(
  run: Run,
  session: Session,
  report: AsyncIterable<Registration[]> = registrationPages(run, session),
  users: KindsRead = kindsRead(run, session),
): AsyncGenerator<Fact> {
  if (run.ctx.config.serviceProviderAccess) yield serviceProviderIdentity(run);
  let read = 0;
  const perUserRefused = { said: false };
  let kinds: Kinds | undefined;
  try {
    for await (const page of report) {
      read++;
      // Read once the report is open: where it is closed, `/users` is read instead and carries the attributes.
      if (!kinds) {
        const { kinds: found, gap } = await users.result();
        if (gap) yield gap;
        kinds = found;
      }
      const known: Kinds = kinds;
      yield* judged(run, session, page, (r) => registered(r, known), `GET ${REGISTRATION}`, perUserRefused);
    }
    return;
  } catch (error) {
    const closed = error instanceof ConnectorError && ['licence_required', 'permission_missing'].includes(error.code);
    // Once users came from the report, `/users` would list them again.
    if (!closed || read > 0) throw error;
    yield session.gap({ source: `GET ${REGISTRATION}`, covers: REGISTRATION_COVERS }, error);
  }
  for await (const page of pages<User, EntraConfig, EntraSecret>(session, run.graph, '/users', 'User.Read.All', {
    $select: USERS_SELECT,
    $top: '999',
  })) {
    const enabled = page.filter((u) => u.accountEnabled !== false);
    yield* judged(run, session, enabled, listed, 'GET /users', perUserRefused);
  }
}
