import { isDeepStrictEqual } from 'node:util';

/** The config keys that say whom a connection reads as, per kind; `endpoints` counts for every kind. */
const IDENTITY: Record<string, readonly string[]> = {
  entra: ['tenantId', 'clientId'],
  github: ['org', 'enterprise'],
  'gcp-logging': ['resources'],
  'google-workspace': ['adminEmail', 'customerId'],
  aws: ['accounts', 'roleName', 'externalId', 'region'],
};

/** The config keys a stored credential is bound to (a form names them); unknown kinds: none is known. */
export function credentialBoundKeys(kind: string): readonly string[] {
  const keys = IDENTITY[kind];
  return keys ? ['endpoints', ...keys] : [];
}

/**
 * The credential-bound keys a config change touches: pointing a stored credential at another endpoint or identity
 * would hand it to whoever is there.
 */
export function changedCredentialBound(kind: string, before: unknown, after: unknown): string[] {
  const a = (before ?? {}) as Record<string, unknown>;
  const b = (after ?? {}) as Record<string, unknown>;
  return credentialBoundKeys(kind).filter((k) => !isDeepStrictEqual(a[k], b[k]));
}

/** Whether a config change must come with the secret again. Unknown kinds always need it. */
export function requiresSecretAgain(kind: string, before: unknown, after: unknown): boolean {
  if (!IDENTITY[kind]) return true;
  return changedCredentialBound(kind, before, after).length > 0;
}
