import {
  type AuthenticationProvider,
  Client,
  type Context,
  type Middleware,
  MiddlewareFactory,
  RetryHandler,
  RetryHandlerOptions,
} from '@microsoft/microsoft-graph-client';
import { Agent } from 'undici';
import type { GraphSimulator } from '../server.ts';

export interface RecordedResponse {
  url: string;
  status: number;
  /** Parsed JSON, or the raw text when it is not JSON (a truncated body). */
  body: unknown;
}

/** Sees every HTTP answer the SDK gets, retried ones included, and hands it on untouched. */
export class ResponseRecorder implements Middleware {
  private next: Middleware | undefined;

  constructor(private readonly onResponse: (r: RecordedResponse) => void) {}

  async execute(context: Context): Promise<void> {
    await this.next!.execute(context);
    const response = context.response;
    if (!response) return;
    const text = await response.clone().text();
    let body: unknown = text;
    try {
      body = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      // A truncated body stays text; the recorder only observes.
    }
    this.onResponse({ url: response.url, status: response.status, body });
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

export function trustingAgent(sim: Pick<GraphSimulator, 'caCert'>, options: Agent.Options = {}): Agent {
  return new Agent({ ...options, connect: { ca: sim.caCert } });
}

/** A token from the simulator's own token endpoint, as a client-credential flow gets one. */
export async function fetchToken(
  sim: GraphSimulator,
  tenant: string,
  scope = 'https://graph.microsoft.com/.default',
  app: Pick<GraphSimulator['app'], 'clientId' | 'clientSecret'> = sim.app,
): Promise<string> {
  const dispatcher = trustingAgent(sim);
  const res = await fetch(`${sim.url}/${tenant}/oauth2/v2.0/token`, {
    method: 'POST',
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: app.clientId,
      client_secret: app.clientSecret,
      scope,
    }),
    dispatcher,
  } as RequestInit);
  const body = (await res.json()) as { access_token?: string };
  await dispatcher.close();
  if (!body.access_token) throw new Error(`no token for ${tenant}: ${JSON.stringify(body)}`);
  return body.access_token;
}

export interface ClientOptions {
  retry?: RetryHandlerOptions;
  onResponse?: (r: RecordedResponse) => void;
  agent?: Agent;
}

/**
 * The official SDK pointed at the simulator: its default middleware chain (auth, retry, redirect, telemetry, HTTP),
 * optionally with a recorder just before the HTTP handler and other retry options.
 */
export function graphClient(
  sim: GraphSimulator,
  auth: string | AuthenticationProvider,
  options: ClientOptions = {},
): Client {
  const authProvider: AuthenticationProvider = typeof auth === 'string' ? { getAccessToken: async () => auth } : auth;
  const chain = MiddlewareFactory.getDefaultMiddlewareChain(authProvider);
  if (options.retry) chain[1] = new RetryHandler(options.retry);
  if (options.onResponse) chain.splice(chain.length - 1, 0, new ResponseRecorder(options.onResponse));
  return Client.initWithMiddleware({
    baseUrl: sim.url,
    customHosts: new Set([new URL(sim.url).hostname]),
    middleware: chain,
    fetchOptions: { dispatcher: options.agent ?? trustingAgent(sim) } as RequestInit,
  });
}

export { RetryHandlerOptions };
