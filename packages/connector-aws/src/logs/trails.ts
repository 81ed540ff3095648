import {
  DescribeTrailsCommand,
  GetEventDataStoreCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  ListEventDataStoresCommand,
  LookupEventsCommand,
  type Trail,
} from '@aws-sdk/client-cloudtrail';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  GetBucketLifecycleConfigurationCommand,
  GetObjectLockConfigurationCommand,
  ListBucketsCommand,
} from '@aws-sdk/client-s3';
import { ConnectorError } from '@evident/connector-kit';
import type { Fact, LogDestination, LogSourceFact } from '@evident/core';
import { toConnectorError } from '../errors.ts';
import type { AccountRun } from '../run.ts';
import { lifecycleDays, NEVER_EXPIRES_DAYS, trailLogPrefix } from './lifecycle.ts';

/** CloudTrail's event history: every region's management events, 90 days, always on and unalterable. */
export const EVENT_HISTORY_DAYS = 90;

const iso = (d: Date | undefined) => (d ? d.toISOString() : null);

/** Whether the trail records management events: from its basic or advanced event selectors. */
async function recordsManagement(run: AccountRun, trail: Trail): Promise<boolean> {
  const out = await run.call('cloudtrail:GetEventSelectors', () =>
    run.clients.cloudtrail.send(new GetEventSelectorsCommand({ TrailName: trail.TrailARN ?? trail.Name })),
  );
  if (out.AdvancedEventSelectors?.length) {
    return out.AdvancedEventSelectors.some((s) =>
      s.FieldSelectors?.some((f) => f.Field === 'eventCategory' && f.Equals?.includes('Management')),
    );
  }
  return (out.EventSelectors ?? []).some((s) => s.IncludeManagementEvents !== false && s.ReadWriteType !== 'ReadOnly');
}

/** Turns S3's 404 "no such configuration" into `null`: the bucket simply has none. */
const absent =
  (code: string) =>
  (error: unknown): null => {
    if ((error as { name?: string } | null)?.name === code) return null;
    throw error;
  };

class Buckets {
  private owned: Promise<Set<string> | 'unknown'> | undefined;
  constructor(private readonly run: AccountRun) {}

  /** The account's own buckets; a trail's bucket not among them is another account's. */
  ownedByAccount(): Promise<Set<string> | 'unknown'> {
    this.owned ??= this.run
      .call('s3:ListAllMyBuckets', () => this.run.clients.s3.send(new ListBucketsCommand({})))
      .then((out) => new Set((out.Buckets ?? []).flatMap((b) => (b.Name ? [b.Name] : []))))
      .catch((error: unknown) => {
        this.run.ctx.logger.warn('bucket list unread', { account: this.run.account, error: String(error) });
        return 'unknown' as const;
      });
    return this.owned;
  }

  /** The bucket's lifecycle rules; `null` when it has none (S3 answers 404, which is not retried). */
  async lifecycle(bucket: string) {
    const out = await this.run.call('s3:GetLifecycleConfiguration', () =>
      this.run.clients.s3
        .send(new GetBucketLifecycleConfigurationCommand({ Bucket: bucket }))
        .catch(absent('NoSuchLifecycleConfiguration')),
    );
    return out === null ? null : (out.Rules ?? []);
  }

  async lock(bucket: string): Promise<Pick<LogDestination, 'locked' | 'lockedDays'>> {
    const out = await this.run.call('s3:GetBucketObjectLockConfiguration', () =>
      this.run.clients.s3
        .send(new GetObjectLockConfigurationCommand({ Bucket: bucket }))
        .catch(absent('ObjectLockConfigurationNotFoundError')),
    );
    const retention = out?.ObjectLockConfiguration?.Rule?.DefaultRetention;
    // Governance mode yields to anyone granted s3:BypassGovernanceRetention: only compliance mode locks.
    if (out?.ObjectLockConfiguration?.ObjectLockEnabled !== 'Enabled' || retention?.Mode !== 'COMPLIANCE') {
      return { locked: false };
    }
    const days = retention.Days ?? (retention.Years !== undefined ? retention.Years * 365 : undefined);
    return { locked: true, ...(days !== undefined ? { lockedDays: days } : {}) };
  }
}

type Unread = { what: string; error: ConnectorError; covers?: string }[];

/**
 * CloudTrail Lake event data stores that ingest management events of every region: each keeps them its retention
 * period. Its deliveries are not measured, and anyone who may update it can shorten that period: not locked.
 */
async function eventDataStores(run: AccountRun, gaps: Unread): Promise<LogDestination[]> {
  const out: LogDestination[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await run.call('cloudtrail:ListEventDataStores', () =>
        run.clients.cloudtrail
          .send(new ListEventDataStoresCommand({ MaxResults: 100, ...(token ? { NextToken: token } : {}) }))
          // A region without CloudTrail Lake has no stores to read.
          .catch(absent('UnsupportedOperationException')),
      );
      if (!page) return out;
      for (const listed of page.EventDataStores ?? []) {
        const arn = listed.EventDataStoreArn;
        if (!arn) continue;
        const s = await run.call('cloudtrail:GetEventDataStore', () =>
          run.clients.cloudtrail.send(new GetEventDataStoreCommand({ EventDataStore: arn })),
        );
        const management = (s.AdvancedEventSelectors ?? []).some((sel) =>
          sel.FieldSelectors?.some((f) => f.Field === 'eventCategory' && f.Equals?.includes('Management')),
        );
        if (s.Status !== 'ENABLED' || !s.MultiRegionEnabled || !management) continue;
        const owner = arn.split(':')[4];
        out.push({
          kind: 'log_bucket',
          name: `CloudTrail Lake ${s.Name ?? arn}`,
          boundary: owner === run.account ? 'same_admin_domain' : owner ? 'separate' : 'unknown',
          retentionDays: s.RetentionPeriod ?? 'unknown',
          locked: false,
        });
      }
      token = page.NextToken;
    } while (token);
  } catch (error) {
    gaps.push({ what: 'the CloudTrail Lake event data stores', error: toConnectorError(error) });
  }
  return out;
}

/**
 * When the newest management event of the connection's region was recorded (event history keeps 90 days): none is a
 * fact, as every console sign-in and API change is one. Other regions are not read.
 */
async function newestEvent(run: AccountRun, gaps: Unread): Promise<string | null | 'unknown'> {
  try {
    const out = await run.call('cloudtrail:LookupEvents', () =>
      run.clients.cloudtrail.send(new LookupEventsCommand({ MaxResults: 1 })),
    );
    return iso(out.Events?.[0]?.EventTime);
  } catch (error) {
    gaps.push({ what: 'the newest management event', error: toConnectorError(error), covers: 'logSource.lastEventAt' });
    return 'unknown';
  }
}

async function bucketDestination(
  run: AccountRun,
  buckets: Buckets,
  trail: Trail,
  delivered: string | null,
  gaps: Unread,
): Promise<LogDestination> {
  const bucket = trail.S3BucketName ?? '';
  const owned = await buckets.ownedByAccount();
  const boundary = owned === 'unknown' ? 'unknown' : owned.has(bucket) ? 'same_admin_domain' : 'separate';
  const prefix = trailLogPrefix(trail.S3KeyPrefix, run.account, trail.IsOrganizationTrail === true);
  const name = `s3://${bucket}/${prefix}`;
  let retentionDays: LogDestination['retentionDays'] = 'unknown';
  let lock: Pick<LogDestination, 'locked' | 'lockedDays'> = { locked: 'unknown' };
  try {
    retentionDays = lifecycleDays(await buckets.lifecycle(bucket), prefix, run.ctx.now());
  } catch (error) {
    gaps.push({ what: `the lifecycle of ${name}`, error: toConnectorError(error) });
  }
  try {
    lock = await buckets.lock(bucket);
  } catch (error) {
    gaps.push({ what: `the Object Lock of ${name}`, error: toConnectorError(error) });
  }
  // Locked versions outlive an earlier expiration: the lifecycle only adds a delete marker over them.
  if (lock.locked === true && lock.lockedDays !== undefined) {
    if (retentionDays === 'unknown') {
      return {
        kind: 'storage',
        name,
        boundary,
        retentionDays: lock.lockedDays,
        retentionAtLeast: true,
        ...lock,
        lastDeliveredAt: delivered,
      };
    }
    retentionDays = Math.max(retentionDays, lock.lockedDays);
  }
  return { kind: 'storage', name, boundary, retentionDays, ...lock, lastDeliveredAt: delivered };
}

async function logGroupDestination(run: AccountRun, arn: string, delivered: string | null): Promise<LogDestination> {
  // arn:aws:logs:<region>:<account>:log-group:<name>:*
  const parts = arn.split(':');
  const name = parts[6] ?? arn;
  const owner = parts[4];
  const out = await run.call('logs:DescribeLogGroups', () =>
    run.clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name, limit: 50 })),
  );
  const group = (out.logGroups ?? []).find((g) => g.logGroupName === name);
  return {
    kind: 'log_bucket',
    name: `CloudWatch Logs ${name}`,
    boundary: owner === run.account ? 'same_admin_domain' : owner ? 'separate' : 'unknown',
    // A group without retentionInDays never expires its events.
    retentionDays: group ? (group.retentionInDays ?? NEVER_EXPIRES_DAYS) : 'unknown',
    locked: false,
    lastDeliveredAt: delivered,
  };
}

/**
 * The account's management-event log: CloudTrail's event history (always on, 90 days) plus every trail that records
 * management events of all regions and is logging, with where it delivers. A trail of one region, stopped, or
 * without management events exports only part of the log and is no destination of it.
 */
export async function* managementLog(run: AccountRun): AsyncGenerator<Fact> {
  const trails = await run.call('cloudtrail:DescribeTrails', () =>
    run.clients.cloudtrail.send(new DescribeTrailsCommand({ includeShadowTrails: true })),
  );
  run.session.page();
  const buckets = new Buckets(run);
  const destinations: LogDestination[] = [];
  const gaps: Unread = [];
  const partial: string[] = [];
  for (const trail of trails.trailList ?? []) {
    const label = trail.Name ?? trail.TrailARN ?? 'a trail';
    try {
      const status = await run.call('cloudtrail:GetTrailStatus', () =>
        run.clients.cloudtrail.send(new GetTrailStatusCommand({ Name: trail.TrailARN ?? trail.Name })),
      );
      const management = await recordsManagement(run, trail);
      if (!status.IsLogging || !management || !trail.IsMultiRegionTrail) {
        partial.push(label);
        continue;
      }
      if (trail.S3BucketName) {
        destinations.push(await bucketDestination(run, buckets, trail, iso(status.LatestDeliveryTime), gaps));
      }
      if (trail.CloudWatchLogsLogGroupArn) {
        try {
          destinations.push(
            await logGroupDestination(
              run,
              trail.CloudWatchLogsLogGroupArn,
              iso(status.LatestCloudWatchLogsDeliveryTime),
            ),
          );
        } catch (error) {
          gaps.push({ what: `the log group of ${label}`, error: toConnectorError(error) });
        }
      }
    } catch (error) {
      gaps.push({ what: `trail ${label}`, error: toConnectorError(error) });
    }
  }
  if (partial.length > 0) {
    run.ctx.logger.info('trails that export only part of the management events', {
      account: run.account,
      trails: partial,
    });
  }
  destinations.push(...(await eventDataStores(run, gaps)));
  const lastEventAt = await newestEvent(run, gaps);
  const fact: LogSourceFact = {
    ...run.base('cloudtrail:DescribeTrails, cloudtrail:GetTrailStatus, cloudtrail:GetEventSelectors, s3, logs'),
    type: 'logSource',
    subject: `arn:aws:cloudtrail:${run.ctx.config.region}:${run.account}:management-events`,
    scope: `AWS account ${run.account}`,
    category: 'admin_audit',
    important: true,
    enabled: true,
    nativeRetentionDays: EVENT_HISTORY_DAYS,
    locked: true,
    destinations,
    exemptions: [],
    lastEventAt,
  };
  yield fact;
  // What was not read leaves the destinations incomplete; each gap keeps its own code and missing permission.
  for (const { what, error, covers } of gaps) {
    const message = `${what} in account ${run.account} could not be read: ${error.message}`;
    yield run.session.gap(
      { source: fact.source, covers: [covers ?? 'logSource.destinations'] },
      new ConnectorError(error.code, message, error.details),
    );
  }
}
