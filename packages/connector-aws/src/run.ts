import type { CollectionSession } from '@evident/connector-kit';
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
    });
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
