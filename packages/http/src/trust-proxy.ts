/** How many proxy hops in front of the server to believe, or which addresses/CIDRs are proxies. */
export type TrustProxy = number | readonly string[];

/**
 * Fastify's trust setting: a hop count trusts that many peers counted from the socket (Fastify's own number form
 * trusts none), a list trusts those addresses; nothing trusts no one, so X-Forwarded-For is ignored.
 */
export function trustProxyFn(
  setting: TrustProxy | undefined,
): false | string | ((address: string, hop: number) => boolean) {
  if (setting === undefined) return false;
  if (typeof setting === 'number') return setting > 0 ? (_address, hop) => hop < setting : false;
  return setting.length > 0 ? setting.join(',') : false;
}
