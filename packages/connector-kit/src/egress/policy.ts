import { InvalidInputError } from '@evident/core';
import { type AddressClass, classifyAddress, isIpLiteral } from './addresses.ts';

/**
 * Where a connection may be pointed besides the providers' own services: the deployment's
 * `EVIDENT_ALLOWED_ENDPOINTS` (comma-separated host:port), passed in by the app. Empty: no override is accepted.
 */
export interface EgressPolicy {
  /** `host:port`, host lower-cased, IPv6 in brackets. */
  readonly allowed: ReadonlySet<string>;
}

/** The providers' own services: a connection that names one of these is not overriding anything. */
const PROVIDER_ORIGINS = new Set([
  'graph.microsoft.com:443',
  'login.microsoftonline.com:443',
  'management.azure.com:443',
  'api.github.com:443',
  'logging.googleapis.com:443',
  'cloudresourcemanager.googleapis.com:443',
]);

const HOST_PORT = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+):(\d{1,5})$/i;

export function egressPolicy(setting: string | undefined): EgressPolicy {
  const entries = (setting ?? '')
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
  const bad = entries.filter((e) => !HOST_PORT.test(e));
  if (bad.length > 0) {
    throw new InvalidInputError('EVIDENT_ALLOWED_ENDPOINTS must be comma-separated host:port', [
      { path: 'EVIDENT_ALLOWED_ENDPOINTS', message: `not host:port: ${bad.join(', ')}` },
    ]);
  }
  return { allowed: new Set(entries) };
}

/** No override allowed: the default of every context, and of a deployment that does not set the variable. */
export const NO_OVERRIDES: EgressPolicy = egressPolicy(undefined);

const refuse = (path: string, message: string): never => {
  throw new InvalidInputError('endpoint override refused by the egress policy', [{ path, message }]);
};

const loopbackName = (host: string) => host === 'localhost' || host.endsWith('.localhost');

/** How an address reached through `host` is judged; `listed` says whether the policy names the host (any port). */
export function addressAllowed(policy: EgressPolicy, host: string, address: string): AddressClass | null {
  const kind = classifyAddress(address);
  if (kind === 'public') return null;
  if (kind === 'link-local') return kind;
  const h = host.toLowerCase();
  const listed = [...policy.allowed].some((e) => e.slice(0, e.lastIndexOf(':')) === h);
  const literalOrLocal = isIpLiteral(h) || loopbackName(h);
  return listed && literalOrLocal ? null : kind;
}

/**
 * At connect time: a loopback or private target the policy allows is allowed at the port it names, no other, so a
 * redirect from a listed simulator to another port of the same host (a database, Redis) is refused.
 */
export function portRefused(policy: EgressPolicy, host: string, port: number): string | null {
  const bare = host.toLowerCase().replace(/^\[|\]$/g, '');
  const local = isIpLiteral(bare) ? classifyAddress(bare) !== 'public' : loopbackName(bare);
  if (!local) return null;
  const key = `${bare.includes(':') ? `[${bare}]` : bare}:${port}`;
  return policy.allowed.has(key) ? null : `${key} is not in EVIDENT_ALLOWED_ENDPOINTS`;
}

interface Target {
  host: string;
  port: number;
}

/** Refuses a target the policy does not name, or one naming an address class it keeps out. */
function checkTarget(policy: EgressPolicy, path: string, { host, port }: Target, plaintext: boolean): void {
  const key = `${host}:${port}`;
  if (PROVIDER_ORIGINS.has(key) && !plaintext) return;
  if (!policy.allowed.has(key)) {
    refuse(
      path,
      policy.allowed.size === 0
        ? `${key} is not a provider endpoint and EVIDENT_ALLOWED_ENDPOINTS is not set`
        : `${key} is not in EVIDENT_ALLOWED_ENDPOINTS`,
    );
  }
  if (isIpLiteral(host)) {
    const blocked = addressAllowed(policy, host, host);
    if (blocked) refuse(path, `${host} is a ${blocked} address`);
  }
  const local = loopbackName(host) || (isIpLiteral(host) && classifyAddress(host) === 'loopback');
  if (plaintext && !local) refuse(path, `${key} must be reached over TLS; plain text is for a loopback simulator`);
}

/** An override written as a URL: an origin only, https unless it is an allowed loopback simulator. */
export function checkUrl(policy: EgressPolicy, path: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return refuse(path, 'not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') refuse(path, `scheme ${url.protocol} is not allowed`);
  if (url.username || url.password) refuse(path, 'user info is not allowed in an endpoint');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    refuse(path, 'an endpoint is an origin only (no path, query or fragment)');
  }
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  checkTarget(policy, path, { host: url.hostname.toLowerCase(), port }, url.protocol === 'http:');
  return url.origin;
}

/** An override written as host:port (gRPC). Names are resolved by gRPC itself, so only IP literals and localhost. */
export function checkHostPort(policy: EgressPolicy, path: string, value: string, plaintext: boolean): Target {
  const match = /^(\[[0-9a-f:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/.exec(value);
  if (!match) return refuse(path, 'expected host:port');
  const target = { host: match[1]!.toLowerCase(), port: Number(match[2] ?? 443) };
  checkTarget(policy, path, target, plaintext);
  const key = `${target.host}:${target.port}`;
  if (!PROVIDER_ORIGINS.has(key) && !isIpLiteral(target.host) && !loopbackName(target.host)) {
    refuse(path, 'a gRPC endpoint override must be an IP address or localhost (its name would be resolved unchecked)');
  }
  return target;
}

/**
 * Checks every override in a connector config's `endpoints`: URL strings as origins, host:port strings as gRPC
 * targets, `insecure: true` as plain text. Provider defaults pass. Throws InvalidInputError naming the key.
 */
export function checkEndpoints(policy: EgressPolicy, endpoints: unknown): void {
  if (endpoints === undefined || endpoints === null) return;
  if (typeof endpoints !== 'object') refuse('endpoints', 'expected an object');
  const e = endpoints as Record<string, unknown>;
  const plaintext = e.insecure === true;
  for (const [key, value] of Object.entries(e)) {
    if (typeof value !== 'string' || key === 'caCert') continue;
    if (value.includes('://')) checkUrl(policy, `endpoints.${key}`, value);
    else checkHostPort(policy, `endpoints.${key}`, value, plaintext);
  }
}
