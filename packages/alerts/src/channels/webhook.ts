import { createHmac } from 'node:crypto';
import type { EgressPolicy } from '@evident/connector-kit';
import type { ChannelConfig, ChannelSecret } from '../channel-settings.ts';
import { type Channel, postJson } from './base.ts';

/** `sha256=<hex>` of HMAC-SHA256 over the raw body bytes, keyed by the channel's signing secret. */
export const signBody = (secret: string, body: string): string =>
  `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;

/**
 * The generic webhook: the message as JSON (`alertMessage`), signed in `X-Evident-Signature`, with the send time in
 * `X-Evident-Timestamp` (Unix seconds) and the delivery id in `Idempotency-Key`, so a receiver drops a repeat.
 */
export function webhookChannel(
  policy: EgressPolicy,
  config: ChannelConfig<'webhook'>,
  secret: ChannelSecret<'webhook'>,
  now: () => Date = () => new Date(),
): Channel {
  return {
    async send({ message, idempotencyKey, signal }) {
      const body = JSON.stringify(message);
      return postJson(
        policy,
        config.url,
        body,
        {
          'x-evident-signature': signBody(secret.signingSecret, body),
          'x-evident-timestamp': String(Math.floor(now().getTime() / 1000)),
          'idempotency-key': idempotencyKey,
        },
        signal,
      );
    },
  };
}
