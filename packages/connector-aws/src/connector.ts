import type { Connector, RetryOptions } from '@evident/connector-kit';
import { checkAws } from './check.ts';
import { collectAws } from './collect.ts';
import { type AwsConfig, type AwsSecret, awsConfig, awsSecret } from './config.ts';
import { AWS_PERMISSIONS } from './permissions.ts';

export interface AwsConnectorOptions {
  /** Between polls of the credential report while IAM builds it; 2 s by default. */
  reportPollMs?: number;
  /** Attempts and backoff of each call; the kit's defaults (5 attempts from 500 ms) unless set. */
  retry?: Pick<RetryOptions, 'attempts' | 'baseDelayMs'>;
}

export function createAwsConnector(options: AwsConnectorOptions = {}): Connector<AwsConfig, AwsSecret> {
  const reportPollMs = options.reportPollMs ?? 2000;
  return {
    kind: 'aws',
    config: awsConfig,
    secret: awsSecret,
    permissions: AWS_PERMISSIONS,
    // IAM's control plane throttles per account at a few requests a second.
    limits: { concurrency: 4 },
    check: (ctx) => checkAws(ctx),
    collect: (ctx) => collectAws(ctx, { reportPollMs, retry: options.retry ?? {} }),
  };
}

export const awsConnector = createAwsConnector();
