import { createAppAuth } from '@octokit/auth-app';
import type { GithubSecret } from './config.ts';

/** Installation tokens live an hour; one is replaced once less than this is left, so no call meets an expired one. */
export const RENEW_BEFORE_MS = 5 * 60_000;

/**
 * The token cache of one client. @octokit/auth-app stores `token|createdAt|expiresAt|…`; an entry whose token expires
 * within `RENEW_BEFORE_MS` reads as absent, so the next call obtains a fresh token first.
 */
export function renewingCache(now: () => number = Date.now) {
  const entries = new Map<string, string>();
  return {
    get(key: string): string | undefined {
      const value = entries.get(key);
      const expiresAt = Date.parse(value?.split('|')[2] ?? '');
      if (value === undefined || !(expiresAt - now() > RENEW_BEFORE_MS)) return undefined;
      return value;
    },
    set(key: string, value: string): void {
      entries.set(key, value);
    },
  };
}

/** An App's credentials; without an installation id they authenticate as the App itself (its JWT), for `/app/…`. */
export type AppCredential = Omit<Extract<GithubSecret, { kind: 'app' }>, 'installationId'> & {
  installationId?: number;
};

/** Octokit options that authenticate as the App's installation (JWT → installation token, renewed before expiry). */
export function appAuth(secret: AppCredential) {
  return {
    authStrategy: createAppAuth,
    auth: {
      appId: secret.appId,
      privateKey: secret.privateKey,
      ...(secret.installationId === undefined ? {} : { installationId: secret.installationId }),
      cache: renewingCache(),
    },
  };
}
