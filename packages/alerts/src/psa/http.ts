import type { EgressPolicy, RateLimiter } from '@evident/connector-kit';
import { fetch } from 'undici';
import { DeliveryError, dispatcherFor } from '../channels/base.ts';

const TIMEOUT_MS = 20_000;

export interface PsaRequest {
  method: 'GET' | 'POST' | 'PATCH';
  url: string;
  headers: Record<string, string>;
  /** JSON, or a form (`URLSearchParams`) for a token request. */
  body?: unknown;
  /** A 404 answers `null` instead of failing: a lookup of something that may not exist. */
  missingIsNull?: boolean;
}

/**
 * One PSA call through the channel's limiter. 408, 429, 5xx and network failures may pass and are retried by the
 * job's backoff; 401 and 403 are wrong credentials or rights, and every other refusal is permanent too.
 */
export async function psaCall(
  policy: EgressPolicy,
  limiter: RateLimiter,
  req: PsaRequest,
  signal?: AbortSignal,
): Promise<unknown> {
  const host = new URL(req.url).host;
  return limiter.schedule(async () => {
    const timeout = AbortSignal.timeout(TIMEOUT_MS);
    const form = req.body instanceof URLSearchParams;
    let response: Awaited<ReturnType<typeof fetch>>;
    try {
      response = await fetch(req.url, {
        method: req.method,
        headers: {
          accept: 'application/json',
          'user-agent': 'Evident-Alerts/1',
          ...(req.body === undefined
            ? {}
            : { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' }),
          ...req.headers,
        },
        body: req.body === undefined ? undefined : form ? String(req.body) : JSON.stringify(req.body),
        redirect: 'manual',
        dispatcher: dispatcherFor(policy),
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
      throw new DeliveryError(`could not reach ${host}: ${(cause as Error).message ?? cause}`, false, {
        cause: error,
      });
    }
    const text = await response.text().catch(() => '');
    if (response.status === 404 && req.missingIsNull) return null;
    if (!response.ok) {
      const retryable = response.status === 408 || response.status === 429 || response.status >= 500;
      const what = response.status === 401 || response.status === 403 ? ' (check the credentials and rights)' : '';
      throw new DeliveryError(
        `${host} answered ${req.method} ${new URL(req.url).pathname} with ${response.status}${what} ${text.slice(0, 200)}`.trim(),
        !retryable,
      );
    }
    if (text === '') return null;
    try {
      return JSON.parse(text);
    } catch (error) {
      throw new DeliveryError(`${host} answered with something other than JSON`, false, { cause: error });
    }
  }, signal);
}
