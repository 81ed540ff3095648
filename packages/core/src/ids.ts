import { randomBytes } from 'node:crypto';
import { z } from 'zod';

export const ID_PREFIXES = {
  organization: 'org',
  tenant: 'ten',
  connection: 'con',
  collection: 'col',
  run: 'run',
  exception: 'exc',
  user: 'usr',
  share: 'shr',
  export: 'exp',
  passkey: 'pky',
  providerAccount: 'pac',
  import: 'imp',
  exceptionRequest: 'exr',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;
export type IdPrefix = (typeof ID_PREFIXES)[IdKind];
export type Id<P extends IdPrefix> = `${P}_${string}` & { readonly __id: P };

export type OrganizationId = Id<'org'>;
export type TenantId = Id<'ten'>;
export type ConnectionId = Id<'con'>;
export type CollectionId = Id<'col'>;
export type RunId = Id<'run'>;
export type ExceptionId = Id<'exc'>;
export type UserId = Id<'usr'>;
export type PasskeyId = Id<'pky'>;
export type ProviderAccountId = Id<'pac'>;
export type ImportId = Id<'imp'>;
export type ExceptionRequestId = Id<'exr'>;

const BODY = /^[0-9a-z]{26}$/;
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** Time-ordered, 26 base-32 characters: 10 of milliseconds since the epoch, 16 random. */
function body(now: number): string {
  let time = '';
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  let rand = '';
  for (const byte of randomBytes(16)) rand += ALPHABET[byte % 32];
  return time + rand;
}

export function newId<P extends IdPrefix>(prefix: P, now: number = Date.now()): Id<P> {
  return `${prefix}_${body(now)}` as Id<P>;
}

export function isId<P extends IdPrefix>(prefix: P, value: unknown): value is Id<P> {
  return typeof value === 'string' && value.startsWith(`${prefix}_`) && BODY.test(value.slice(prefix.length + 1));
}

export function idSchema<P extends IdPrefix>(prefix: P) {
  return z.string().refine((v) => isId(prefix, v), {
    message: `expected an id that starts with "${prefix}_"`,
  }) as unknown as z.ZodType<Id<P>>;
}
