import { z } from 'zod';
import type { GuestType } from '../enforcement/reach.ts';

/** What `/users` is asked for to tell an external account apart: Graph's attributes, never the UPN's shape. */
export const EXTERNAL_SELECT = 'userType,creationType,externalUserState,identities';

const objectIdentity = z.object({
  signInType: z.string().nullish(),
  issuer: z.string().nullish(),
  issuerAssignedId: z.string().nullish(),
});

export const externalAttributes = z.object({
  userType: z.string().nullish(),
  creationType: z.string().nullish(),
  externalUserState: z.string().nullish(),
  identities: z.array(objectIdentity).nullish(),
});
export type ExternalAttributes = z.infer<typeof externalAttributes>;

/** Whom an account is to conditional access: a member (`null`), a kind of guest, or `unknown` with the reason. */
export interface Kind {
  guestType: GuestType | 'unknown' | null;
  /** Graph's `userType`, as read. */
  userType?: string;
  /** Why the kind cannot be told. */
  guestWhy?: string;
  /** The tenant (a domain or id) an invited account signs in at, from its federated identity. */
  homeTenant?: string;
  /** Why the home tenant cannot be told. */
  homeWhy?: string;
}

export const MEMBER: Kind = { guestType: null, userType: 'Member' };

/** Issuers that name an identity provider, not the tenant the account comes from. */
const PROVIDERS = new Set(['externalazuread', 'microsoftaccount', 'mail', 'facebook.com', 'google.com', 'phone']);

export const unreadKind = (why: string): Kind => ({ guestType: 'unknown', guestWhy: why });

/** The domain an invited account's `#EXT#` UPN was made from (`alice_msp.example#EXT#@…`), if it has one. */
export function extDomain(upn: string): string | undefined {
  const ext = upn.indexOf('#EXT#');
  if (ext <= 0) return undefined;
  const local = upn.slice(0, ext);
  const at = local.lastIndexOf('_');
  return at < 0 ? undefined : local.slice(at + 1).toLowerCase();
}

function homeOf(a: ExternalAttributes, upn: string): Pick<Kind, 'homeTenant' | 'homeWhy'> {
  const issuers = (a.identities ?? [])
    .filter((i) => i.signInType?.toLowerCase() === 'federated' && i.issuer)
    .map((i) => i.issuer!.toLowerCase());
  const tenant = issuers.find((i) => !PROVIDERS.has(i));
  if (tenant) return { homeTenant: tenant };
  const from = issuers.length > 0 ? `it signs in through ${issuers.join(', ')}, which names no tenant` : '';
  const guessed = extDomain(upn);
  const why = guessed
    ? `only its #EXT# UPN suggests ${guessed}, which Graph's attributes do not confirm`
    : 'nothing Graph returns names it';
  return { homeWhy: `this account's home tenant is unknown: ${from ? `${from}; ` : ''}${why}` };
}

/**
 * The kind of guest or external user an account is, as Microsoft documents conditional access's guest types: by
 * `userType`, and whether it was invited (`creationType` `Invitation`) or signs in elsewhere (a federated identity).
 * Guest without an external identity is `internalGuest`; Guest with one `b2bCollaborationGuest`; Member with one
 * `b2bCollaborationMember`. Missing attributes, or a user type Graph does not document, cannot be told apart.
 */
export function kindOf(a: ExternalAttributes | undefined, upn: string): Kind {
  if (!a) return unreadKind("this account's external-identity attributes were not returned");
  const userType = a.userType ?? undefined;
  const type = userType?.toLowerCase();
  if (type !== 'member' && type !== 'guest') {
    return {
      guestType: 'unknown',
      ...(userType ? { userType } : {}),
      guestWhy: userType ? `Graph gives the user type '${userType}'` : 'Graph gives this account no user type',
    };
  }
  const identities = a.identities ?? [];
  const invited = a.creationType?.toLowerCase() === 'invitation';
  const federated = identities.some((i) => i.signInType?.toLowerCase() === 'federated');
  if (!invited && !federated && !a.externalUserState && identities.length === 0) {
    return {
      guestType: 'unknown',
      userType: userType!,
      guestWhy: 'Graph gives this account no identities, so whether it signs in elsewhere cannot be told',
    };
  }
  const external = invited || federated || Boolean(a.externalUserState);
  if (type === 'member')
    return external ? { guestType: 'b2bCollaborationMember', userType: 'Member', ...homeOf(a, upn) } : MEMBER;
  return external
    ? { guestType: 'b2bCollaborationGuest', userType: 'Guest', ...homeOf(a, upn) }
    : { guestType: 'internalGuest', userType: 'Guest', homeWhy: 'a local guest account has no other home tenant' };
}
