import { ClientSecretCredential } from '@azure/identity';
import { Client, GraphError, RetryHandlerOptions } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import { Agent } from 'undici';
import type { EntraConfig, EntraSecret } from './config.ts';

const DEFAULT_LOGIN = 'https://login.microsoftonline.com';
/** Token audiences are the services' canonical names, wherever the requests are sent. */
const GRAPH_SCOPE = 'https://graph.microsoft.com/.default';
const ARM_SCOPE = 'https://management.azure.com/.default';

export interface EntraClients {
  graph: Client;
  /** A GET against Azure Resource Manager with the same credential. */
  arm(path: string): Promise<unknown>;
  close(): Promise<void>;
}

/** Graph's own retry middleware honours Retry-After; these bounds keep a throttled tenant from stalling a run. */
export const graphRetry = () => new RetryHandlerOptions(3, 5);

export function createClients(config: EntraConfig, secret: EntraSecret, signal: AbortSignal): EntraClients {
  const { endpoints } = config;
  const ca = endpoints.caCert;
  const dispatcher = ca ? new Agent({ connect: { ca } }) : undefined;
  const customLogin = endpoints.login.replace(/\/$/, '') !== DEFAULT_LOGIN;
  const credential = new ClientSecretCredential(config.tenantId, config.clientId, secret.clientSecret, {
    authorityHost: endpoints.login,
    ...(customLogin ? { disableInstanceDiscovery: true } : {}),
    ...(ca ? { tlsOptions: { ca } } : {}),
  });
  const graphHost = new URL(endpoints.graph).hostname;
  const graph = Client.initWithMiddleware({
    authProvider: new TokenCredentialAuthenticationProvider(credential, { scopes: [GRAPH_SCOPE] }),
    baseUrl: endpoints.graph,
    defaultVersion: 'v1.0',
    customHosts: new Set([graphHost]),
    fetchOptions: { signal, ...(dispatcher ? { dispatcher } : {}) } as RequestInit,
  });

  const armOrigin = new URL(endpoints.arm).origin;
  async function arm(path: string): Promise<unknown> {
    const token = await credential.getToken(ARM_SCOPE, { abortSignal: signal });
    const response = await fetch(`${armOrigin}${path}`, {
      headers: { authorization: `Bearer ${token.token}` },
      signal,
      ...(dispatcher ? { dispatcher } : {}),
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

  return { graph, arm, close: async () => dispatcher?.close() };
}
