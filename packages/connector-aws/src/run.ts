import type { CollectionSession, RetryOptions } from '@evident/connector-kit';
import type { AccountClients } from './clients.ts';
import type { AwsConfig, AwsContext, AwsSecret } from './config.ts';
import { toConnectorError } from './errors.ts';

/** One account's collection: its clients, the shared session, and what every fact of it carries. */
export class AccountRun {
  constructor(
    readonly ctx: AwsContext,
    readonly session: CollectionSession<AwsConfig, AwsSecret>,
    readonly clients: AccountClients,
    /** How long to wait between polls of the credential report (tests shorten it). */
    readonly pollMs: number,
    /** Attempts and backoff of each call (tests shorten the waits). */
    readonly retry: Pick<RetryOptions, 'attempts' | 'baseDelayMs'> = {},
  ) {}

  get account(): string {
    return this.clients.account;
  }

  /** One SDK call under the limiter and retries; a refusal names `action` when AWS's message does not. */
  call<T>(action: string, fn: () => Promise<T>): Promise<T> {
    return this.session.call(async () => {
      try {
        return await fn();
      } catch (error) {
        throw toConnectorError(error, action);
      }
    }, this.retry);
  }

  base(source: string) {
    return {
      connection: this.ctx.connection,
      provider: 'aws' as const,
      source: `${source} (account ${this.account})`,
      observedAt: this.ctx.now().toISOString(),
    };
  }
}
