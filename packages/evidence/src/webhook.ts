import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';

export const SIGNATURE_HEADER = 'x-evident-signature';

export interface WebhookTarget {
  url: string;
  /** Shared with the receiver; signs each body with HMAC-SHA256. */
  secret: string;
}

export interface PackAnnouncement {
  event: 'evidence-pack.created';
  organizationId: string;
  tenantId: string;
  key: string;
  size: number;
  generatedAt: string;
  /** SHA-256 of manifest.json: the receiver can match it to the pack it downloads. */
  manifestSha256: string;
}

export const webhookSignature = (secret: string, body: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** For receivers: constant-time comparison of the header with the body's signature. */
export function verifyWebhookSignature(secret: string, body: string, header: string | undefined): boolean {
  const expected = Buffer.from(webhookSignature(secret, body));
  const given = Buffer.from(header ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export class WebhookError extends Error {
  constructor(
    message: string,
    readonly attempts: number,
  ) {
    super(message);
    this.name = 'WebhookError';
  }
}

/**
 * POSTs the announcement, signed; retries network errors, 429 and 5xx with exponential backoff, under one delivery id
 * so the receiver can drop duplicates. Any other 4xx is final.
 */
export async function announcePack(
  target: WebhookTarget,
  announcement: PackAnnouncement,
  options: { attempts?: number; backoffMs?: number; timeoutMs?: number } = {},
): Promise<{ attempts: number; status: number }> {
  const attempts = options.attempts ?? 5;
  const body = JSON.stringify({ ...announcement, sentAt: new Date().toISOString() });
  const headers = {
    'content-type': 'application/json',
    [SIGNATURE_HEADER]: webhookSignature(target.secret, body),
    'x-evident-delivery': randomUUID(),
  };
  let last = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    try {
      const response = await fetch(target.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      await response.arrayBuffer();
      if (response.ok) return { attempts: attempt, status: response.status };
      last = `HTTP ${response.status}`;
      if (response.status !== 429 && response.status < 500)
        throw new WebhookError(`the webhook refused the announcement: ${last}`, attempt);
    } catch (error) {
      if (error instanceof WebhookError) throw error;
      last = error instanceof Error ? error.message : String(error);
    }
    if (attempt < attempts) await sleep((options.backoffMs ?? 1_000) * 2 ** (attempt - 1));
  }
  throw new WebhookError(`the webhook did not take the announcement after ${attempts} attempts: ${last}`, attempts);
}
