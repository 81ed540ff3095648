import {
  type AccessToken,
  ClientCertificateCredential,
  ClientSecretCredential,
  type ClientSecretCredentialOptions,
  type GetTokenOptions,
} from '@azure/identity';
import { ConnectorError, type EgressPolicy, egressAgent, egressDispatcher } from '@evident/connector-kit';
import {
  Client,
  type Context,
  GraphError,
  type Middleware,
  MiddlewareFactory,
} from '@microsoft/microsoft-graph-client';
import { checkCertificate } from './certificate.ts';
import type { EntraConfig, EntraSecret } from './config.ts';
import type { EntraTuning } from './tuning.ts';

const DEFAULT_LOGIN = 'https://login.microsoftonline.com';
/** Token audiences are the services' canonical names, wherever the requests are sent. */
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
const ARM_SCOPE = 'https://management.azure.com/.default';

/** The Graph client with the retry budget its calls get. */
export interface Graph {
  client: Client;
  tuning: EntraTuning;
}

export interface EntraClients {
  graph: Graph;
  /** A GET against Azure Resource Manager with the same credential. */
  arm(path: string): Promise<unknown>;
  close(): Promise<void>;
}

/** Gives each HTTP attempt its own deadline; the collection's own signal still ends it at once. */
class DeadlineHandler implements Middleware {
  private next: Middleware | undefined;
  constructor(private readonly timeoutMs: number) {}

  async execute(context: Context): Promise<void> {
    const options = context.options ?? {};
    const deadline = AbortSignal.timeout(this.timeoutMs);
    context.options = { ...options, signal: options.signal ? AbortSignal.any([options.signal, deadline]) : deadline };
    await this.next?.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/** A token is used until this long before it expires, as MSAL's cache does (its default renewal offset). */
const TOKEN_RENEWAL_MS = 5 * 60_000;

const fresh = (t: AccessToken, now: number) =>
  now < Math.min(t.refreshAfterTimestamp ?? Number.POSITIVE_INFINITY, t.expiresOnTimestamp - TOKEN_RENEWAL_MS);

/**
 * Sections start side by side: their first calls share one token request per scope. Every Graph call asks for a
 * token; the one held serves it until it is due for renewal, without a walk through MSAL's cache and its logging.
 */
export function sharedTokens(credential: Pick<ClientSecretCredential, 'getToken'>) {
  const pending = new Map<string, Promise<AccessToken>>();
  const held = new Map<string, AccessToken>();
  return {
    getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
      const key = [scopes].flat().join(' ');
      const known = held.get(key);
      if (known && !options?.claims && fresh(known, Date.now())) return Promise.resolve(known);
      let token = pending.get(key);
      if (!token) {
        token = credential
          .getToken(scopes, options)
          .then((t) => {
            held.set(key, t);
            return t;
          })
          .finally(() => pending.delete(key));
        pending.set(key, token);
      }
      return token;
    },
  };
}

/** Where and as whom a client signs in: a connection's config, or an account's aimed at one tenant. */
export type SignIn = Pick<EntraConfig, 'tenantId' | 'clientId' | 'endpoints'>;

/**
 * The credential a secret makes: a client secret, or a certificate whose key signs the client assertion (MSAL sends
 * PS256 with the certificate's SHA-256 thumbprint, `x5t#S256`).
 */
export function credentialFor(
  config: SignIn,
  secret: EntraSecret,
  options: ClientSecretCredentialOptions,
): ClientSecretCredential | ClientCertificateCredential {
  if (secret.credential !== 'certificate')
    return new ClientSecretCredential(config.tenantId, config.clientId, secret.clientSecret, options);
  const checked = checkCertificate(secret.certificate, secret.privateKey);
  if (!checked.ok)
    throw new ConnectorError('auth_failed', `The certificate credential is unusable: ${checked.message}`);
  const { certificate, privateKey } = checked.pems;
  return new ClientCertificateCredential(
    config.tenantId,
    config.clientId,
    { certificate: `${privateKey}\n${certificate}` },
    options,
  );
}

/** The identity platform's options for a login endpoint, its token requests sent through `agent`. */
export function signInOptions(
  login: string,
  agent: ClientSecretCredentialOptions['agent'],
): ClientSecretCredentialOptions {
  const customLogin = login.replace(/\/$/, '') !== DEFAULT_LOGIN;
  return {
    authorityHost: login,
    ...(customLogin ? { disableInstanceDiscovery: true } : {}),
    ...(agent ? { agent } : {}),
  };
}

export function createClients(
  config: SignIn,
  secret: EntraSecret,
  signal: AbortSignal,
  tuning: EntraTuning,
  egress: EgressPolicy,
  /** Calls in flight at once (the connection's limiter); Graph's sockets per origin need not exceed it. */
  connections?: number,
): EntraClients {
  const { endpoints } = config;
  const ca = endpoints.caCert;
  // Every connection, the token requests' included, is opened through the egress policy.
  const dispatcher = egressDispatcher(egress, { ...(ca ? { ca } : {}), ...(connections ? { connections } : {}) });
  const agent = egressAgent(egress, ca ? { ca } : {});
  const credential = sharedTokens(credentialFor(config, secret, signInOptions(endpoints.login, agent)));
  const graphHost = new URL(endpoints.graph).hostname;
  // The SDK's TokenCredentialAuthenticationProvider builds an Error (a stack trace) on every call, thrown or not.
  const chain = MiddlewareFactory.getDefaultMiddlewareChain({
    getAccessToken: async () => (await credential.getToken(GRAPH_SCOPE)).token,
  });
  chain.splice(chain.length - 1, 0, new DeadlineHandler(tuning.timeoutMs));
  const client = Client.initWithMiddleware({
    middleware: chain,
    baseUrl: endpoints.graph,
    defaultVersion: 'v1.0',
    customHosts: new Set([graphHost]),
    fetchOptions: { signal, dispatcher } as RequestInit,
  });

  const armOrigin = new URL(endpoints.arm).origin;
  async function arm(path: string): Promise<unknown> {
    const token = await credential.getToken(ARM_SCOPE, { abortSignal: signal });
    const response = await fetch(`${armOrigin}${path}`, {
      headers: { authorization: `Bearer ${token.token}` },
      signal: AbortSignal.any([signal, AbortSignal.timeout(tuning.timeoutMs)]),
      dispatcher,
    } as RequestInit);
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new GraphError(response.status, `Azure Resource Manager sent an unreadable body for ${path}`);
    }
    if (!response.ok) {
      const err = body as { error?: { code?: string; message?: string } };
      const e = new GraphError(response.status, err.error?.message ?? response.statusText);
      e.code = err.error?.code ?? null;
      e.headers = response.headers;
      throw e;
    }
    return body;
  }

  return {
    graph: { client, tuning },
    arm,
    close: async () => {
      agent.destroy();
      await dispatcher.close();
    },
  };
}
