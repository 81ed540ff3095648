import { isIP } from 'node:net';
import { InvalidInputError } from '@evident/core';

const loopback = (host: string) => {
  const bare = host.replace(/^\[|\]$/g, '');
  if (bare === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  return bare === '::1';
};

/**
 * Mutations must come from the public origin. Without one the server could only compare Origin with the request's
 * own Host, which a proxy or a rebinding name controls; so outside loopback it refuses to start without one.
 */
export function assertOriginKnown(host: string, publicOrigin: string | undefined): void {
  if (publicOrigin || loopback(host)) return;
  throw new InvalidInputError(`PUBLIC_ORIGIN is required when the server listens on ${host}`, [
    { path: 'PUBLIC_ORIGIN', message: 'set it to the address browsers use, e.g. https://evident.example.com' },
  ]);
}
