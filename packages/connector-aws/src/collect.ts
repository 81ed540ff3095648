import { CollectionSession, type RetryOptions, withRetry } from '@evident/connector-kit';
import type { Fact } from '@evident/core';
import { accountClients, assumeRole, destroy, stsClient } from './clients.ts';
import type { AwsContext } from './config.ts';
import { toConnectorError } from './errors.ts';
import { readReport, rootIdentity, userIdentities } from './iam/identities.ts';
import type { ReportRow } from './iam/report.ts';
import { managementLog } from './logs/trails.ts';
import { AccountRun } from './run.ts';

export interface CollectOptions {
  /** Between polls of the credential report while IAM builds it. */
  reportPollMs: number;
  retry: Pick<RetryOptions, 'attempts' | 'baseDelayMs'>;
}

/**
 * Every account of the connection in turn: its role assumed, then its IAM identities and its management-event log.
 * An account whose role cannot be assumed becomes gaps for that account only; the others are still read.
 */
export async function* collectAws(ctx: AwsContext, options: CollectOptions): AsyncGenerator<Fact> {
  const session = new CollectionSession(ctx, 'aws', (e) => toConnectorError(e));
  const sts = stsClient(ctx);
  try {
    for (const account of ctx.config.accounts) {
      let credentials: Awaited<ReturnType<typeof assumeRole>>;
      try {
        credentials = await withRetry(() => ctx.limiter.schedule(() => assumeRole(ctx, sts, account), ctx.signal), {
          ...options.retry,
          signal: ctx.signal,
          classify: (e) => toConnectorError(e, 'sts:AssumeRole'),
        });
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        const e = toConnectorError(error, 'sts:AssumeRole');
        for (const covers of [['identity'], ['logSource.admin_audit']]) {
          session.progress.gaps++;
          yield session.gap({ source: `sts:AssumeRole (account ${account})`, covers }, e);
        }
        continue;
      }
      const clients = accountClients(ctx, account, credentials);
      const run = new AccountRun(ctx, session, clients, options.reportPollMs, options.retry);
      try {
        let rows: ReportRow[] = [];
        const source = `iam:GetCredentialReport (account ${account})`;
        yield* session.section({ phase: `credential report of ${account}`, source, covers: ['identity'] }, async () => {
          rows = await readReport(run);
        });
        // An unread report has already become a gap covering every identity of the account.
        if (rows.length > 0) {
          yield* session.section(
            { phase: `root user of ${account}`, source, covers: ['identity'] },
            async function* () {
              yield await rootIdentity(run, rows);
            },
          );
          yield* session.section(
            {
              phase: `IAM users of ${account}`,
              source: `iam:GetAccountAuthorizationDetails (account ${account})`,
              covers: ['identity'],
            },
            () => userIdentities(run, rows),
          );
        }
        yield* session.section(
          {
            phase: `CloudTrail of ${account}`,
            source: `cloudtrail:DescribeTrails (account ${account})`,
            covers: ['logSource.admin_audit'],
          },
          () => managementLog(run),
        );
      } finally {
        destroy(clients);
      }
    }
  } finally {
    sts.destroy();
  }
}
