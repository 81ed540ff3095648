import type { SignInPolicy, Store } from '@evident/db';
import { TooManyError } from '../errors.ts';

/**
 * After `free` failures a key is held back 30 s, doubling with each further failure up to 15 minutes; a day without
 * failures forgets them. Attempts while held back are refused uncounted, so they cannot lengthen the hold.
 */
const ACCOUNT: SignInPolicy = { free: 5, firstMs: 30_000, maxMs: 900_000, forgetMs: 86_400_000 };
const ADDRESS: SignInPolicy = { ...ACCOUNT, free: 20 };

export const accountKey = (email: string) => `account:${email.trim().toLowerCase()}`;
export const addressKey = (address: string | null) => `address:${address ?? 'unknown'}`;

export interface Attempt {
  /** The attempt succeeded: the account starts afresh, the address gets its attempt back. */
  succeeded(): Promise<void>;
}

/**
 * Takes an attempt on the account (when known) and the address before any secret is looked at; each is counted as
 * a failure in the statement that checks the hold, and given back on success.
 */
export async function takeAttempt(store: Store, account: string | null, address: string, now: Date): Promise<Attempt> {
  const keys: [string, SignInPolicy][] = [
    [address, ADDRESS],
    ...(account ? [[account, ACCOUNT] as [string, SignInPolicy]] : []),
  ];
  for (const [key, policy] of keys) {
    const heldUntil = await store.takeSignInAttempt(key, policy, now);
    if (heldUntil) {
      const seconds = Math.max(1, Math.ceil((heldUntil.getTime() - now.getTime()) / 1000));
      throw new TooManyError(`too many failed sign-ins; try again in ${seconds} s`, seconds);
    }
  }
  return {
    async succeeded() {
      if (account) await store.clearSignInFailures(account);
      await store.releaseSignInAttempt(address, ADDRESS);
    },
  };
}

/** Counts a failure on an account found only after its attempt was taken (a passwordless assertion names its user). */
export async function countAccountFailure(store: Store, account: string, now: Date): Promise<void> {
  await store.takeSignInAttempt(account, ACCOUNT, now);
}
