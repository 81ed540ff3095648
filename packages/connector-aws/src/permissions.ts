import type { PermissionSpec } from '@evident/connector-kit';

export const ASSUME_ROLE = 'sts:AssumeRole';

/** The IAM actions the read-only role needs (AWS's SecurityAudit managed policy grants them all). */
export const AWS_PERMISSIONS: PermissionSpec[] = [
  {
    name: ASSUME_ROLE,
    kind: 'role',
    why: "Assume the read-only role in each account, from your MSP's access key, with the external id.",
  },
  { name: 'iam:GenerateCredentialReport', kind: 'permission', why: 'Have IAM build the credential report.' },
  {
    name: 'iam:GetCredentialReport',
    kind: 'permission',
    why: 'Read which users have a password, MFA and active access keys, and whether root has MFA.',
  },
  {
    name: 'iam:GetAccountAuthorizationDetails',
    kind: 'permission',
    why: 'Read users, groups and policies: who is an administrator, which policies deny access without MFA.',
  },
  {
    name: 'iam:ListVirtualMFADevices',
    kind: 'permission',
    why: "Tell the root user's virtual MFA device from a hardware one.",
    optional: true,
  },
  {
    name: 'iam:ListMFADevices',
    kind: 'permission',
    why: "See whether administrators' MFA devices are security keys (phishing-resistant).",
    optional: true,
  },
  { name: 'cloudtrail:DescribeTrails', kind: 'permission', why: 'List the trails that export management events.' },
  {
    name: 'cloudtrail:GetTrailStatus',
    kind: 'permission',
    why: 'See that a trail is logging and when it last delivered.',
  },
  { name: 'cloudtrail:GetEventSelectors', kind: 'permission', why: 'See that a trail records management events.' },
  {
    name: 'cloudtrail:ListEventDataStores',
    kind: 'permission',
    why: 'List the CloudTrail Lake event data stores that keep management events.',
    optional: true,
  },
  {
    name: 'cloudtrail:GetEventDataStore',
    kind: 'permission',
    why: "Read a CloudTrail Lake event data store's retention and what it ingests.",
    optional: true,
  },
  {
    name: 'cloudtrail:LookupEvents',
    kind: 'permission',
    why: 'Read when the newest management event was recorded (that events keep arriving).',
    optional: true,
  },
  {
    name: 's3:ListAllMyBuckets',
    kind: 'permission',
    why: "Tell a trail bucket of the account's own from another account's.",
    optional: true,
  },
  { name: 's3:GetLifecycleConfiguration', kind: 'permission', why: "Read how long the trail's bucket keeps the logs." },
  {
    name: 's3:GetBucketObjectLockConfiguration',
    kind: 'permission',
    why: "Read whether the trail's bucket locks the logs (Object Lock).",
  },
  {
    name: 'logs:DescribeLogGroups',
    kind: 'permission',
    why: "Read the retention of the trail's CloudWatch Logs group.",
  },
];
