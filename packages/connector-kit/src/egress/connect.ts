import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { Agent as HttpsAgent } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
import { Agent, buildConnector } from 'undici';
import { addressAllowed, type EgressPolicy, portRefused } from './policy.ts';

/** A connection the egress policy refused when it was opened; classified as a provider error. */
export class EgressRefusedError extends Error {
  override readonly name = 'EgressRefusedError';
}

const refusal = (host: string, address: string, kind: string) =>
  new EgressRefusedError(`${host} resolved to ${address}, a ${kind} address the egress policy refuses`);

/**
 * `dns.lookup` that refuses loopback, link-local (the metadata service) and private addresses for hosts the policy
 * does not allow there. It runs at every connect, so a name that changes its answer after the check gains nothing.
 */
export function guardedLookup(policy: EgressPolicy, resolve: typeof dnsLookup = dnsLookup): LookupFunction {
  return ((hostname: string, options: LookupOptions, callback: (...args: unknown[]) => void) => {
    resolve(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error);
      for (const a of addresses) {
        const blocked = addressAllowed(policy, hostname, a.address);
        if (blocked) return callback(refusal(hostname, a.address, blocked));
      }
      if (options.all) return callback(null, addresses);
      const first = addresses[0];
      if (!first) return callback(new EgressRefusedError(`${hostname} did not resolve`));
      callback(null, first.address, first.family);
    });
  }) as LookupFunction;
}

/**
 * Refuses before the socket opens an IP-literal target the policy keeps out (a redirect to 169.254.169.254 needs no
 * lookup), and a loopback or private target at a port the policy does not name.
 */
function checkTarget(policy: EgressPolicy, host: string, port: number): EgressRefusedError | undefined {
  const bare = host.replace(/^\[|\]$/g, '');
  if (isIP(bare)) {
    const blocked = addressAllowed(policy, bare, bare);
    if (blocked) return refusal(host, bare, blocked);
  }
  const wrongPort = portRefused(policy, host, port);
  return wrongPort ? new EgressRefusedError(`${host}:${port} refused by the egress policy: ${wrongPort}`) : undefined;
}

const contexts = new Map<string, SecureContext>();

/**
 * The TLS context trusting `ca` (Node's roots when unset), built once per process: handed `ca` instead, every
 * connection would parse the certificate into a context of its own. It holds trust anchors only, no credential.
 */
function secureContext(ca: string | undefined): SecureContext {
  const key = ca ?? '';
  let context = contexts.get(key);
  if (!context) {
    context = createSecureContext(ca ? { ca } : {});
    contexts.set(key, context);
  }
  return context;
}

/**
 * An undici dispatcher (for `fetch`) whose every connection passes the policy; `ca` adds a trusted CA. `connections`
 * caps the sockets per origin (the connection's limiter's concurrency): a call the limiter starts as another's
 * response ends then waits the moment it takes that socket to be free, rather than opening a connection (and a TLS
 * handshake) of its own.
 */
export function egressDispatcher(policy: EgressPolicy, options: { ca?: string; connections?: number } = {}): Agent {
  const base = buildConnector({ lookup: guardedLookup(policy), secureContext: secureContext(options.ca) });
  return new Agent({
    ...(options.connections ? { connections: options.connections } : {}),
    connect: (opts, callback) => {
      const port = Number(opts.port) || (opts.protocol === 'https:' ? 443 : 80);
      const refused = checkTarget(policy, opts.hostname, port);
      if (refused) return callback(refused, null);
      return base(opts, callback);
    },
  });
}

/**
 * A node `https.Agent` (for SDKs on `node:https`) whose every connection passes the policy, kept alive between
 * requests (a token, then another scope's, go out on one connection); `ca` adds a trusted CA.
 */
export function egressAgent(policy: EgressPolicy, options: { ca?: string } = {}): HttpsAgent {
  const agent = new HttpsAgent({
    keepAlive: true,
    secureContext: secureContext(options.ca),
    lookup: guardedLookup(policy),
  });
  const create = agent.createConnection.bind(agent);
  agent.createConnection = (opts, callback) => {
    const target = opts as { host?: string; port?: number | string };
    const refused = checkTarget(policy, String(target.host ?? ''), Number(target.port) || 443);
    if (refused) throw refused;
    return create(opts, callback);
  };
  return agent;
}
