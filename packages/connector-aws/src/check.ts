import {
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  ListEventDataStoresCommand,
  LookupEventsCommand,
} from '@aws-sdk/client-cloudtrail';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  GenerateCredentialReportCommand,
  GetAccountAuthorizationDetailsCommand,
  GetCredentialReportCommand,
  ListMFADevicesCommand,
  ListVirtualMFADevicesCommand,
} from '@aws-sdk/client-iam';
import {
  GetBucketLifecycleConfigurationCommand,
  GetObjectLockConfigurationCommand,
  ListBucketsCommand,
} from '@aws-sdk/client-s3';
import type { CheckItem, CheckResult } from '@evident/connector-kit';
import { type AccountClients, accountClients, assumeRole, destroy, stsClient } from './clients.ts';
import type { AwsContext } from './config.ts';
import { toConnectorError } from './errors.ts';
import { ASSUME_ROLE, AWS_PERMISSIONS } from './permissions.ts';

/** Answers that prove the caller was allowed, though the thing asked for is absent. */
const ALLOWED_ABSENT = new Set([
  'NoSuchLifecycleConfiguration',
  'ObjectLockConfigurationNotFoundError',
  // IAM's query codes as the SDK names their errors (NoSuchEntity, ReportNotPresent, ReportInProgress).
  'NoSuchEntityException',
  'CredentialReportNotPresentException',
  'CredentialReportNotReadyException',
  'TrailNotFoundException',
]);

type Probe = (c: AccountClients, bucket: string | undefined, trail: string | undefined) => Promise<unknown> | undefined;

/** One harmless call per action; `undefined` when it cannot be tried (no trail to ask about). */
const PROBES: Record<string, Probe> = {
  'iam:GenerateCredentialReport': (c) => c.iam.send(new GenerateCredentialReportCommand({})),
  'iam:GetCredentialReport': (c) => c.iam.send(new GetCredentialReportCommand({})),
  'iam:GetAccountAuthorizationDetails': (c) =>
    c.iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['User'], MaxItems: 1 })),
  'iam:ListVirtualMFADevices': (c) => c.iam.send(new ListVirtualMFADevicesCommand({ MaxItems: 1 })),
  // Asked about a user that does not exist: NoSuchEntity proves the action is allowed.
  'iam:ListMFADevices': (c) => c.iam.send(new ListMFADevicesCommand({ UserName: 'evident-permission-probe' })),
  'cloudtrail:DescribeTrails': (c) => c.cloudtrail.send(new DescribeTrailsCommand({})),
  'cloudtrail:GetTrailStatus': (c, _b, t) =>
    t ? c.cloudtrail.send(new GetTrailStatusCommand({ Name: t })) : undefined,
  'cloudtrail:GetEventSelectors': (c, _b, t) =>
    t ? c.cloudtrail.send(new GetEventSelectorsCommand({ TrailName: t })) : undefined,
  'cloudtrail:ListEventDataStores': (c) => c.cloudtrail.send(new ListEventDataStoresCommand({ MaxResults: 1 })),
  'cloudtrail:LookupEvents': (c) => c.cloudtrail.send(new LookupEventsCommand({ MaxResults: 1 })),
  's3:ListAllMyBuckets': (c) => c.s3.send(new ListBucketsCommand({})),
  's3:GetLifecycleConfiguration': (c, b) =>
    b ? c.s3.send(new GetBucketLifecycleConfigurationCommand({ Bucket: b })) : undefined,
  's3:GetBucketObjectLockConfiguration': (c, b) =>
    b ? c.s3.send(new GetObjectLockConfigurationCommand({ Bucket: b })) : undefined,
  'logs:DescribeLogGroups': (c) => c.logs.send(new DescribeLogGroupsCommand({ limit: 1 })),
};

async function probe(action: string, run: () => Promise<unknown> | undefined, account: string): Promise<CheckItem> {
  const kind = 'permission' as const;
  const name = `${action} (account ${account})`;
  try {
    const pending = run();
    if (!pending) return { name, kind, status: 'unknown', message: 'no trail to ask about in this account' };
    await pending;
    return { name, kind, status: 'granted', message: 'allowed' };
  } catch (error) {
    if (ALLOWED_ABSENT.has((error as { name?: string }).name ?? ''))
      return { name, kind, status: 'granted', message: 'allowed' };
    const e = toConnectorError(error, action);
    if (e.code === 'permission_missing') {
      return { name, kind, status: 'missing', message: `AWS denied ${e.details.permission ?? action}` };
    }
    return { name, kind, status: 'unknown', message: e.message };
  }
}

/** Assumes the role in every account and tries each action once; a denied action is named as AWS names it. */
export async function checkAws(ctx: AwsContext): Promise<CheckResult> {
  const items: CheckItem[] = [];
  const sts = stsClient(ctx);
  try {
    for (const account of ctx.config.accounts) {
      let clients: AccountClients;
      try {
        clients = accountClients(ctx, account, await assumeRole(ctx, sts, account));
        items.push({
          name: `${ASSUME_ROLE} (account ${account})`,
          kind: 'role',
          status: 'granted',
          message: 'role assumed',
        });
      } catch (error) {
        const e = toConnectorError(error, ASSUME_ROLE);
        const status = e.code === 'auth_failed' || e.code === 'permission_missing' ? 'missing' : 'unknown';
        items.push({ name: `${ASSUME_ROLE} (account ${account})`, kind: 'role', status, message: e.message });
        continue;
      }
      try {
        let trail: string | undefined;
        let bucket: string | undefined;
        try {
          const trails = await clients.cloudtrail.send(new DescribeTrailsCommand({}));
          trail = trails.trailList?.[0]?.TrailARN;
          bucket = trails.trailList?.[0]?.S3BucketName;
        } catch {
          // The probe of DescribeTrails below says why.
        }
        for (const p of AWS_PERMISSIONS) {
          const fn = PROBES[p.name];
          if (fn) items.push(await probe(p.name, () => fn(clients, bucket, trail), account));
        }
      } finally {
        destroy(clients);
      }
    }
  } finally {
    sts.destroy();
  }
  const required = new Set(AWS_PERMISSIONS.filter((p) => !p.optional).map((p) => p.name));
  const ok = items.every((i) => i.status !== 'missing' || !required.has(i.name.split(' ')[0]!));
  return { ok, items };
}
