import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { type AgentOptions, Agent as HttpsAgent } from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector } from 'undici';
import { addressAllowed, type EgressPolicy } from './policy.ts';

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

/** Refuses an IP-literal target (a redirect to 169.254.169.254 needs no lookup) before the socket opens. */
function checkLiteral(policy: EgressPolicy, host: string): EgressRefusedError | undefined {
  const bare = host.replace(/^\[|\]$/g, '');
  if (!isIP(bare)) return undefined;
  const blocked = addressAllowed(policy, bare, bare);
  return blocked ? refusal(host, bare, blocked) : undefined;
}

/** An undici dispatcher (for `fetch`) whose every connection passes the policy; `ca` adds a trusted CA. */
export function egressDispatcher(policy: EgressPolicy, options: { ca?: string } = {}): Agent {
  const base = buildConnector({ lookup: guardedLookup(policy), ...(options.ca ? { ca: options.ca } : {}) });
  return new Agent({
    connect: (opts, callback) => {
      const refused = checkLiteral(policy, opts.hostname);
      if (refused) return callback(refused, null);
      return base(opts, callback);
    },
  });
}

/** A node `https.Agent` (for SDKs on `node:https`) whose every connection passes the policy. */
export function egressAgent(policy: EgressPolicy, options: AgentOptions = {}): HttpsAgent {
  const agent = new HttpsAgent({ ...options, lookup: guardedLookup(policy) });
  const create = agent.createConnection.bind(agent);
  agent.createConnection = (opts, callback) => {
    const refused = checkLiteral(policy, String((opts as { host?: string }).host ?? ''));
    if (refused) throw refused;
    return create(opts, callback);
  };
  return agent;
}
