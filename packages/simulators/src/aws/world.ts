/** One simulated AWS account: what its IAM, CloudTrail, S3 and CloudWatch Logs answer. */
export interface AwsUser {
  name: string;
  passwordEnabled: boolean;
  /** Serials of the user's MFA devices: `arn:aws:iam::<acct>:mfa/<name>` (virtual), `arn:…:u2f/…` (FIDO), or a hardware token's serial. */
  mfaDevices: string[];
  accessKeysActive: number;
  /** Managed policy ARNs attached directly. */
  policies: string[];
  groups: string[];
}

export interface AwsTrail {
  name: string;
  multiRegion: boolean;
  organization: boolean;
  logging: boolean;
  managementEvents: boolean;
  bucket: string;
  prefix?: string;
  logGroup?: string;
  latestDelivery: string | null;
}

export interface AwsLifecycleRule {
  id: string;
  enabled: boolean;
  prefix: string;
  expirationDays?: number;
}

export interface AwsBucket {
  name: string;
  /** The account that owns it; another account's bucket is outside this account's admin boundary. */
  owner: string;
  /** `null`: the bucket has no lifecycle configuration. */
  lifecycle: AwsLifecycleRule[] | null;
  lock: { mode: 'COMPLIANCE' | 'GOVERNANCE'; days: number } | null;
}

export interface AwsAccount {
  id: string;
  roleName: string;
  externalId: string;
  rootMfa: 'none' | 'virtual' | 'hardware';
  users: AwsUser[] | { generated: number };
  /** Customer-managed policy documents by ARN; AWS-managed ones (AdministratorAccess, ReadOnlyAccess) are built in. */
  managedPolicies: Record<string, unknown>;
  groups: Record<string, string[]>;
  trails: AwsTrail[];
  buckets: AwsBucket[];
  logGroups: { name: string; retentionInDays?: number }[];
  /** CloudTrail Lake event data stores. */
  eventDataStores: {
    name: string;
    retentionDays: number;
    multiRegion: boolean;
    management: boolean;
    enabled: boolean;
  }[];
  /** When the newest management event of the region was recorded (`LookupEvents`); `null`: none in 90 days. */
  lastEvent: string | null;
  /** IAM actions the read-only role lacks, answered AccessDenied. */
  denied: string[];
}

export interface AwsWorld {
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  accounts: AwsAccount[];
}

export const ADMIN_POLICY = 'arn:aws:iam::aws:policy/AdministratorAccess';
export const READ_ONLY_POLICY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';

/** The policy AWS documents for "allow nothing but managing your own MFA until you sign in with MFA". */
export const FORCE_MFA_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'DenyAllExceptListedIfNoMFA',
      Effect: 'Deny',
      NotAction: ['iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'iam:ListMFADevices', 'sts:GetSessionToken'],
      Resource: '*',
      Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } },
    },
  ],
};

const forceMfaArn = (acct: string) => `arn:aws:iam::${acct}:policy/ForceMFA`;

function account(id: string, preset: 'healthy' | 'weak' | 'huge'): AwsAccount {
  const logArchive = '999999999999';
  const base: AwsAccount = {
    id,
    roleName: 'EvidentReadOnly',
    externalId: `evident-${id}`,
    rootMfa: 'hardware',
    users: [
      {
        name: 'alice',
        passwordEnabled: true,
        mfaDevices: [`arn:aws:iam::${id}:u2f/user/alice/key-1`],
        accessKeysActive: 0,
        policies: [ADMIN_POLICY],
        groups: ['everyone'],
      },
      {
        name: 'bob',
        passwordEnabled: true,
        mfaDevices: [`arn:aws:iam::${id}:mfa/bob`],
        accessKeysActive: 1,
        policies: [],
        groups: ['everyone'],
      },
      { name: 'deploy', passwordEnabled: false, mfaDevices: [], accessKeysActive: 1, policies: [], groups: [] },
    ],
    managedPolicies: { [forceMfaArn(id)]: FORCE_MFA_POLICY },
    groups: { everyone: [forceMfaArn(id), READ_ONLY_POLICY] },
    trails: [
      {
        name: 'org-trail',
        multiRegion: true,
        organization: true,
        logging: true,
        managementEvents: true,
        bucket: 'log-archive-trail',
        prefix: 'ct',
        logGroup: 'aws-cloudtrail',
        latestDelivery: new Date(Date.now() - 10 * 60_000).toISOString(),
      },
    ],
    buckets: [
      {
        name: 'log-archive-trail',
        owner: logArchive,
        lifecycle: [{ id: 'keep-400', enabled: true, prefix: 'ct/AWSLogs/', expirationDays: 400 }],
        lock: { mode: 'COMPLIANCE', days: 365 },
      },
    ],
    logGroups: [{ name: 'aws-cloudtrail', retentionInDays: 365 }],
    lastEvent: new Date(Date.now() - 5 * 60_000).toISOString(),
    eventDataStores: [],
    denied: [],
  };
  if (preset === 'weak') {
    return {
      ...base,
      rootMfa: 'none',
      users: [
        ...(base.users as AwsUser[]),
        { name: 'carol', passwordEnabled: true, mfaDevices: [], accessKeysActive: 0, policies: [], groups: [] },
      ],
      trails: [
        { ...base.trails[0]!, name: 'account-trail', organization: false, bucket: `trail-${id}` },
        { ...base.trails[0]!, name: 'local-trail', multiRegion: false, organization: false, bucket: `trail-${id}` },
      ],
      buckets: [
        {
          name: `trail-${id}`,
          owner: id,
          // Advertised as a year, but a broader rule deletes everything after 30 days.
          lifecycle: [
            { id: 'keep-a-year', enabled: true, prefix: 'ct/AWSLogs/', expirationDays: 365 },
            { id: 'tidy', enabled: true, prefix: '', expirationDays: 30 },
            { id: 'old', enabled: false, prefix: 'ct/', expirationDays: 1 },
          ],
          lock: { mode: 'GOVERNANCE', days: 365 },
        },
      ],
      logGroups: [{ name: 'aws-cloudtrail', retentionInDays: 30 }],
    };
  }
  if (preset === 'huge') return { ...base, users: { generated: 20_000 } };
  return base;
}

/** A world of presets: `healthy`, `weak` (root without MFA, one-region trail, short lifecycle) or `huge` (20k users). */
export function awsWorld(preset: 'healthy' | 'weak' | 'huge', accounts = ['111111111111']): AwsWorld {
  return {
    region: 'eu-west-1',
    accessKeyId: 'AKIAEVIDENTSIMULATED',
    secretAccessKey: 'simulated-secret-access-key',
    accounts: accounts.map((id) => account(id, preset)),
  };
}

/** The users of an account, generated on demand for a huge one. */
export function usersOf(a: AwsAccount): { count: number; at(i: number): AwsUser } {
  const users = a.users;
  if (Array.isArray(users)) return { count: users.length, at: (i) => users[i]! };
  return {
    count: users.generated,
    at: (i) => ({
      name: `user${String(i).padStart(5, '0')}`,
      passwordEnabled: i % 3 !== 0,
      mfaDevices: i % 7 === 0 ? [] : [`arn:aws:iam::${a.id}:mfa/user${String(i).padStart(5, '0')}`],
      accessKeysActive: i % 2,
      policies: i % 1000 === 0 ? [ADMIN_POLICY] : [],
      groups: ['everyone'],
    }),
  };
}
