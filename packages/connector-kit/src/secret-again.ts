import { isDeepStrictEqual } from 'node:util';

/** The config keys that say whom a connection reads as, per kind; `endpoints` counts for every kind. */
const IDENTITY: Record<string, readonly string[]> = {
  entra: ['tenantId', 'clientId'],
  github: ['org', 'enterprise'],
  'gcp-logging': ['resources'],
};

/**
 * Whether a config change must come with the secret again: pointing a stored credential at another endpoint or
 * identity would hand it to whoever is there. Unknown kinds always need it.
 */
export function requiresSecretAgain(kind: string, before: unknown, after: unknown): boolean {
  const keys = IDENTITY[kind];
  if (!keys) return true;
  const a = (before ?? {}) as Record<string, unknown>;
  const b = (after ?? {}) as Record<string, unknown>;
  return ['endpoints', ...keys].some((k) => !isDeepStrictEqual(a[k], b[k]));
}
