import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { IAMClient } from '@aws-sdk/client-iam';
import { S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { egressAgent } from '@evident/connector-kit';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsContext } from './config.ts';

/** A key pair the SDK signs with; never the default provider chain, which would probe the instance metadata service. */
export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface AccountClients {
  account: string;
  iam: IAMClient;
  cloudtrail: CloudTrailClient;
  logs: CloudWatchLogsClient;
  s3: S3Client;
}

/** AWS's own endpoints, spelled out so that nothing is left to the SDK's resolution (FIPS, dual-stack, env vars). */
function endpoints(ctx: AwsContext) {
  const { region, endpoints: e } = ctx.config;
  return {
    iam: e.iam ?? 'https://iam.amazonaws.com',
    sts: e.sts ?? `https://sts.${region}.amazonaws.com`,
    cloudtrail: e.cloudtrail ?? `https://cloudtrail.${region}.amazonaws.com`,
    logs: e.logs ?? `https://logs.${region}.amazonaws.com`,
    s3: e.s3 ?? `https://s3.${region}.amazonaws.com`,
  };
}

/** What every client of a connection shares: the egress-guarded agent, no SDK retries (the session retries). */
function common(ctx: AwsContext, credentials: Credentials) {
  const agent = egressAgent(ctx.egress, ctx.config.endpoints.caCert ? { ca: ctx.config.endpoints.caCert } : {});
  return {
    credentials,
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({ httpsAgent: agent, requestTimeout: 30_000, connectionTimeout: 10_000 }),
  };
}

export function stsClient(ctx: AwsContext): STSClient {
  const { accessKeyId, secretAccessKey } = ctx.secret;
  return new STSClient({
    ...common(ctx, { accessKeyId, secretAccessKey }),
    region: ctx.config.region,
    endpoint: endpoints(ctx).sts,
  });
}

export function roleArn(ctx: AwsContext, account: string): string {
  return `arn:aws:iam::${account}:role/${ctx.config.roleName}`;
}

/** Assumes the connection's read-only role in one account, with its external id. */
export async function assumeRole(ctx: AwsContext, sts: STSClient, account: string): Promise<Credentials> {
  const out = await sts.send(
    new AssumeRoleCommand({
      RoleArn: roleArn(ctx, account),
      RoleSessionName: 'evident',
      ExternalId: ctx.config.externalId,
      DurationSeconds: 3600,
    }),
    { abortSignal: ctx.signal },
  );
  const c = out.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken) {
    throw new Error('STS AssumeRole answered without credentials');
  }
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken };
}

export function accountClients(ctx: AwsContext, account: string, credentials: Credentials): AccountClients {
  const e = endpoints(ctx);
  const base = common(ctx, credentials);
  const region = ctx.config.region;
  return {
    account,
    // IAM is global: AWS signs its requests for us-east-1 whatever the connection's region.
    iam: new IAMClient({ ...base, region: 'us-east-1', endpoint: e.iam }),
    cloudtrail: new CloudTrailClient({ ...base, region, endpoint: e.cloudtrail }),
    logs: new CloudWatchLogsClient({ ...base, region, endpoint: e.logs }),
    s3: new S3Client({ ...base, region, endpoint: e.s3, forcePathStyle: true }),
  };
}

export function destroy(clients: AccountClients): void {
  clients.iam.destroy();
  clients.cloudtrail.destroy();
  clients.logs.destroy();
  clients.s3.destroy();
}
