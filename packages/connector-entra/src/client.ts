import { type AccessToken, ClientSecretCredential, type GetTokenOptions } from '@azure/identity';
import { type EgressPolicy, egressAgent, egressDispatcher } from '@evident/connector-kit';
import {
  Client,
  type Context,
  GraphError,
  type Middleware,
  MiddlewareFactory,
} from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
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

/** Sections start side by side: their first calls share one token request per scope; MSAL's cache serves the rest. */
function sharedTokens(credential: ClientSecretCredential) {
  const pending = new Map<string, Promise<AccessToken>>();
  return {
    getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
      const key = [scopes].flat().join(' ');
      let token = pending.get(key);
      if (!token) {
        token = credential.getToken(scopes, options).finally(() => pending.delete(key));
        pending.set(key, token);
      }
      return token;
    },
  };
}

export function createClients(
  config: EntraConfig,
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
  const customLogin = endpoints.login.replace(/\/$/, '') !== DEFAULT_LOGIN;
  const credential = sharedTokens(
    new ClientSecretCredential(config.tenantId, config.clientId, secret.clientSecret, {
      authorityHost: endpoints.login,
      ...(customLogin ? { disableInstanceDiscovery: true } : {}),
      agent,
    }),
  );
  const graphHost = new URL(endpoints.graph).hostname;
  const chain = MiddlewareFactory.getDefaultMiddlewareChain(
    new TokenCredentialAuthenticationProvider(credential, { scopes: [GRAPH_SCOPE] }),
  );
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
