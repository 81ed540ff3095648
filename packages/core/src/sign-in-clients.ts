/**
 * Client app types of a sign-in policy, one rule for the connector's per-user resolver and the controls' policy-level
 * judgements: a policy reaches every interactive sign-in when it names no client type, `all`, or both modern ones.
 */
export const MODERN_CLIENTS = ['browser', 'mobileAppsAndDesktopClients'] as const;
export const LEGACY_CLIENTS = ['exchangeActiveSync', 'other'] as const;

export function reachesEverySignIn(clientAppTypes: readonly string[]): boolean {
  return (
    clientAppTypes.length === 0 ||
    clientAppTypes.includes('all') ||
    MODERN_CLIENTS.every((m) => clientAppTypes.includes(m))
  );
}

/** A policy aimed at legacy protocols: it names both legacy client types (or all). */
export function reachesLegacyClients(clientAppTypes: readonly string[]): boolean {
  return clientAppTypes.includes('all') || LEGACY_CLIENTS.every((c) => clientAppTypes.includes(c));
}
