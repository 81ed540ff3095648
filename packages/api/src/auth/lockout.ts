import type { Store } from '@evident/db';
import { TooManyError } from '../errors.ts';

/** After this many failures a key locks: 30 s, doubling each further failure, at most an hour. */
const ACCOUNT_FREE = 5;
const ADDRESS_FREE = 20;
const FIRST_LOCK_MS = 30_000;
const MAX_LOCK_MS = 3_600_000;

const backoff = (free: number) => (failures: number) =>
  failures < free ? 0 : Math.min(FIRST_LOCK_MS * 2 ** (failures - free), MAX_LOCK_MS);

export const accountKey = (email: string) => `account:${email.trim().toLowerCase()}`;
export const addressKey = (address: string | null) => `address:${address ?? 'unknown'}`;

/** Refuses while either the account or the address is locked, before any password is looked at. */
export async function assertNotLocked(store: Store, keys: string[], now: Date): Promise<void> {
  for (const key of keys) {
    const { lockedUntil } = await store.signInLock(key);
    if (lockedUntil && lockedUntil > now) {
      const seconds = Math.ceil((lockedUntil.getTime() - now.getTime()) / 1000);
      throw new TooManyError(`too many failed sign-ins; try again in ${seconds} s`, seconds);
    }
  }
}

/** Counted on the caller's clock, the one `assertNotLocked` compares with. */
export async function recordFailure(store: Store, account: string, address: string, now: Date): Promise<void> {
  await store.recordSignInFailure(account, backoff(ACCOUNT_FREE), now);
  await store.recordSignInFailure(address, backoff(ADDRESS_FREE), now);
}

export async function clearFailures(store: Store, account: string): Promise<void> {
  await store.clearSignInFailures(account);
}
