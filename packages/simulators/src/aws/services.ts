import { AwsError, el, node } from './wire.ts';
import type { AwsAccount, AwsBucket, AwsWorld } from './world.ts';

const epoch = (iso: string | null) => (iso ? Date.parse(iso) / 1000 : undefined);
const S3NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

function trailArn(world: AwsWorld, a: AwsAccount, name: string) {
  return `arn:aws:cloudtrail:${world.region}:${a.id}:trail/${name}`;
}

/** CloudTrail's JSON 1.1 operations. */
export function cloudtrail(world: AwsWorld, a: AwsAccount, action: string, input: Record<string, unknown>): unknown {
  const named = (key: string) => {
    const name = String(input[key] ?? '');
    const trail = a.trails.find((t) => t.name === name || trailArn(world, a, t.name) === name);
    if (!trail) throw new AwsError(400, 'TrailNotFoundException', `Unknown trail: ${name} for the user: ${a.id}`);
    return trail;
  };
  switch (action) {
    case 'DescribeTrails':
      return {
        trailList: a.trails.map((t) => ({
          Name: t.name,
          S3BucketName: t.bucket,
          ...(t.prefix ? { S3KeyPrefix: t.prefix } : {}),
          IncludeGlobalServiceEvents: t.multiRegion,
          IsMultiRegionTrail: t.multiRegion,
          HomeRegion: world.region,
          TrailARN: trailArn(world, a, t.name),
          LogFileValidationEnabled: true,
          ...(t.logGroup
            ? {
                CloudWatchLogsLogGroupArn: `arn:aws:logs:${world.region}:${a.id}:log-group:${t.logGroup}:*`,
                CloudWatchLogsRoleArn: `arn:aws:iam::${a.id}:role/CloudTrailToLogs`,
              }
            : {}),
          HasCustomEventSelectors: false,
          HasInsightSelectors: false,
          IsOrganizationTrail: t.organization,
        })),
      };
    case 'GetTrailStatus': {
      const t = named('Name');
      return {
        IsLogging: t.logging,
        ...(t.latestDelivery
          ? { LatestDeliveryTime: epoch(t.latestDelivery), LatestCloudWatchLogsDeliveryTime: epoch(t.latestDelivery) }
          : {}),
      };
    }
    case 'GetEventSelectors': {
      const t = named('TrailName');
      return {
        TrailARN: trailArn(world, a, t.name),
        EventSelectors: [
          {
            ReadWriteType: 'All',
            IncludeManagementEvents: t.managementEvents,
            DataResources: [],
            ExcludeManagementEventSources: [],
          },
        ],
      };
    }
    case 'ListEventDataStores':
      return {
        EventDataStores: a.eventDataStores.map((s) => ({
          EventDataStoreArn: `arn:aws:cloudtrail:${world.region}:${a.id}:eventdatastore/${s.name}`,
          Name: s.name,
        })),
      };
    case 'GetEventDataStore': {
      const arn = String(input.EventDataStore ?? '');
      const s = a.eventDataStores.find((x) => arn.endsWith(`/${x.name}`) || arn === x.name);
      if (!s)
        throw new AwsError(
          400,
          'EventDataStoreNotFoundException',
          `The specified event data store ${arn} was not found.`,
        );
      return {
        EventDataStoreArn: `arn:aws:cloudtrail:${world.region}:${a.id}:eventdatastore/${s.name}`,
        Name: s.name,
        Status: s.enabled ? 'ENABLED' : 'STOPPED_INGESTION',
        AdvancedEventSelectors: [
          {
            Name: 'events',
            FieldSelectors: [{ Field: 'eventCategory', Equals: [s.management ? 'Management' : 'Data'] }],
          },
        ],
        MultiRegionEnabled: s.multiRegion,
        OrganizationEnabled: false,
        RetentionPeriod: s.retentionDays,
        TerminationProtectionEnabled: true,
      };
    }
    case 'LookupEvents':
      return {
        Events: a.lastEvent
          ? [
              {
                EventId: '00000000-0000-4000-8000-000000000001',
                EventName: 'ConsoleLogin',
                ReadOnly: 'false',
                EventTime: epoch(a.lastEvent),
                EventSource: 'signin.amazonaws.com',
              },
            ]
          : [],
      };
    default:
      throw new AwsError(400, 'UnknownOperationException', `Unknown operation ${action}`);
  }
}

/** CloudWatch Logs' JSON 1.1 operations (paged with nextToken). */
export function logs(a: AwsAccount, action: string, input: Record<string, unknown>): unknown {
  if (action !== 'DescribeLogGroups')
    throw new AwsError(400, 'UnknownOperationException', `Unknown operation ${action}`);
  const prefix = String(input.logGroupNamePrefix ?? '');
  const groups = a.logGroups.filter((g) => g.name.startsWith(prefix));
  const start = Number(input.nextToken ?? 0) || 0;
  const limit = Math.min(Number(input.limit ?? 50) || 50, 50);
  const slice = groups.slice(start, start + limit);
  return {
    logGroups: slice.map((g) => ({
      logGroupName: g.name,
      creationTime: 1_736_931_600_000,
      ...(g.retentionInDays ? { retentionInDays: g.retentionInDays } : {}),
      arn: `arn:aws:logs:eu-west-1:${a.id}:log-group:${g.name}:*`,
      storedBytes: 0,
    })),
    ...(start + limit < groups.length ? { nextToken: String(start + limit) } : {}),
  };
}

function bucketNamed(world: AwsWorld, name: string): AwsBucket {
  for (const a of world.accounts) {
    const b = a.buckets.find((x) => x.name === name);
    if (b) return b;
  }
  throw new AwsError(404, 'NoSuchBucket', 'The specified bucket does not exist');
}

function lifecycleXml(b: AwsBucket): string {
  if (!b.lifecycle) {
    throw new AwsError(404, 'NoSuchLifecycleConfiguration', 'The lifecycle configuration does not exist');
  }
  const rules = b.lifecycle.map(
    (r) =>
      `<Rule>${el('ID', r.id)}${node('Filter', el('Prefix', r.prefix))}${el('Status', r.enabled ? 'Enabled' : 'Disabled')}${r.expirationDays ? node('Expiration', el('Days', r.expirationDays)) : ''}</Rule>`,
  );
  return `<LifecycleConfiguration xmlns="${S3NS}">${rules.join('')}</LifecycleConfiguration>`;
}

function lockXml(b: AwsBucket): string {
  if (!b.lock) {
    throw new AwsError(
      404,
      'ObjectLockConfigurationNotFoundError',
      'Object Lock configuration does not exist for this bucket',
    );
  }
  return `<ObjectLockConfiguration xmlns="${S3NS}"><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention>${el('Mode', b.lock.mode)}${el('Days', b.lock.days)}</DefaultRetention></Rule></ObjectLockConfiguration>`;
}

/** S3's REST-XML operations, path-style. */
export function s3(world: AwsWorld, a: AwsAccount, url: URL) {
  const bucket = decodeURIComponent(url.pathname.split('/')[1] ?? '');
  if (!bucket) {
    const owned = world.accounts.flatMap((x) => x.buckets).filter((b) => b.owner === a.id);
    const unique = [...new Map(owned.map((b) => [b.name, b])).values()];
    return {
      action: 'ListBuckets',
      iamAction: 's3:ListAllMyBuckets',
      resource: '*',
      answer: () =>
        `<ListAllMyBucketsResult xmlns="${S3NS}"><Owner>${el('ID', `owner-${a.id}`)}</Owner><Buckets>${unique.map((b) => `<Bucket>${el('Name', b.name)}${el('CreationDate', '2025-01-15T09:00:00.000Z')}</Bucket>`).join('')}</Buckets></ListAllMyBucketsResult>`,
    };
  }
  const resource = `arn:aws:s3:::${bucket}`;
  if (url.searchParams.has('lifecycle')) {
    return {
      action: 'GetBucketLifecycleConfiguration',
      iamAction: 's3:GetLifecycleConfiguration',
      resource,
      answer: () => lifecycleXml(bucketNamed(world, bucket)),
    };
  }
  if (url.searchParams.has('object-lock')) {
    return {
      action: 'GetObjectLockConfiguration',
      iamAction: 's3:GetBucketObjectLockConfiguration',
      resource,
      answer: () => lockXml(bucketNamed(world, bucket)),
    };
  }
  throw new AwsError(501, 'NotImplemented', 'A header you provided implies functionality that is not implemented');
}
