import { type EgressPolicy, egressDispatcher } from '@evident/connector-kit';
import { type Dispatcher, fetch } from 'undici';
import type { AlertMessage } from '../message.ts';

/** One delivery of one message; `idempotencyKey` is the outbox row's id, the same in every attempt. */
export interface Delivery {
  message: AlertMessage;
  idempotencyKey: string;
  signal?: AbortSignal;
  /** For a PSA channel: the tenant's company in the PSA and the reference of the tenant's control's ticket. */
  psa?: { companyId: string; ref: string };
}

/** What a PSA channel did with the ticket; other channels answer nothing. */
export interface TicketReceipt {
  ticketId: string | null;
  action: 'opened' | 'noted' | 'closed' | 'none';
}

/** A channel sends; it knows nothing of where the message came from or how it is recorded. */
export interface Channel {
  send(delivery: Delivery): Promise<TicketReceipt | undefined>;
}

/** A send that failed; `permanent` when trying again cannot help (a refused payload, a missing hook). */
export class DeliveryError extends Error {
  override readonly name = 'DeliveryError';
  readonly permanent: boolean;
  constructor(message: string, permanent: boolean, options?: ErrorOptions) {
    super(message, options);
    this.permanent = permanent;
  }
}

const TIMEOUT_MS = 15_000;
const dispatchers = new WeakMap<EgressPolicy, Dispatcher>();

/** The dispatcher for a policy, built once: every connection it opens is checked after DNS resolution. */
export function dispatcherFor(policy: EgressPolicy): Dispatcher {
  let d = dispatchers.get(policy);
  if (!d) {
    d = egressDispatcher(policy);
    dispatchers.set(policy, d);
  }
  return d;
}

/**
 * POSTs a JSON body. Network errors, timeouts, 408, 429 and 5xx may pass and are retried; any other refusal is
 * permanent. The answer's text is cut short: it is an error message, not data. Redirects are not followed.
 */
export async function postJson(
  policy: EgressPolicy,
  url: string,
  body: string,
  headers: Record<string, string>,
  signal?: AbortSignal,
): Promise<undefined> {
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  let response: Awaited<ReturnType<typeof fetch>>;
  try {
    response = await fetch(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', 'user-agent': 'Evident-Alerts/1', ...headers },
      redirect: 'manual',
      dispatcher: dispatcherFor(policy),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (error) {
    throw new DeliveryError(`could not reach ${new URL(url).host}: ${causeOf(error)}`, false, { cause: error });
  }
  const text = (await response.text().catch(() => '')).slice(0, 200);
  if (response.ok) return;
  const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
  throw new DeliveryError(`${new URL(url).host} answered ${response.status} ${text}`.trim(), !retryable);
}

const causeOf = (error: unknown): string => {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return cause instanceof Error ? cause.message : String(cause);
};
