import { type ConnectorContext, field, provider } from '@evident/connector-kit';
import { z } from 'zod';

const ACCOUNT_ID = /^\d{12}$/;

const endpoint = (title: string, service: string) =>
  z
    .url()
    .optional()
    .meta(
      field({
        title,
        help: `${service}'s endpoint; AWS's own regional endpoint unless overridden.`,
        examples: ['https://127.0.0.1:4566'],
        kind: 'url',
      }),
    );

export const awsEndpoints = z
  .object({
    iam: endpoint('IAM', 'IAM'),
    sts: endpoint('STS', 'STS'),
    cloudtrail: endpoint('CloudTrail', 'CloudTrail'),
    logs: endpoint('CloudWatch Logs', 'CloudWatch Logs'),
    s3: endpoint('S3', 'S3 (path-style requests)'),
    caCert: z
      .string()
      .optional()
      .meta(
        field({
          title: 'Extra CA certificate',
          help: 'PEM of an extra certificate authority to trust (a local simulator’s certificate).',
          examples: ['-----BEGIN CERTIFICATE-----'],
          kind: 'pem',
        }),
      ),
  })
  .prefault({})
  .meta(
    field({
      title: 'Service endpoints',
      help: 'Where the connector reaches AWS; override them only to point at a simulator.',
      kind: 'endpoints',
    }),
  );

/** What an AWS connection reads: one or more accounts, each through the same read-only role. */
export const awsConfig = z
  .object({
    accounts: z
      .array(z.string().regex(ACCOUNT_ID, 'an AWS account id is 12 digits'))
      .min(1)
      .meta(
        field({
          title: 'Account IDs',
          help: 'The 12-digit ids of the customer’s AWS accounts that hold the role below. One id per line.',
          examples: ['111122223333'],
          kind: 'lines',
        }),
      ),
    roleName: z
      .string()
      .regex(/^[\w+=,.@-]{1,64}$/, 'a role name (letters, digits and +=,.@_-, at most 64)')
      .meta(
        field({
          title: 'Role name',
          help: 'The read-only role in each account that Evident assumes; it trusts your MSP’s account with the external id below.',
          examples: ['EvidentReadOnly'],
        }),
      ),
    externalId: z
      .string()
      .min(2)
      .max(1224)
      .meta(
        field({
          title: 'External ID',
          help: 'The external id the role’s trust policy requires (sts:ExternalId), unique to this customer.',
          examples: ['evident-contoso-7f3a'],
        }),
      ),
    region: z
      .string()
      .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as eu-west-1')
      .default('us-east-1')
      .meta(
        field({
          title: 'Region',
          help: 'The region whose trails and log groups are read, and where STS is called; IAM is global.',
          examples: ['eu-west-1'],
        }),
      ),
    breakGlassUsers: z
      .array(z.string().min(1))
      .default([])
      .meta(
        field({
          title: 'Break-glass users',
          help: 'IAM user names kept for emergency access, reported as break-glass. One name per line.',
          kind: 'lines',
        }),
      ),
    endpoints: awsEndpoints,
  })
  .meta(
    provider({
      title: 'Amazon Web Services',
      summary:
        'Reads each account’s IAM credential report, users, MFA devices and policies, its CloudTrail trails and where they deliver (S3 lifecycle and Object Lock, CloudWatch Logs retention), through a read-only role assumed with an external id.',
      needs: [
        'In each account, a role trusting your MSP’s account with the external id, with the AWS-managed SecurityAudit policy (or the actions Evident lists).',
        'An access key of an IAM user in your MSP’s account allowed sts:AssumeRole on that role.',
      ],
      commands: [
        'aws iam create-role --role-name EvidentReadOnly --assume-role-policy-document file://trust.json',
        'aws iam attach-role-policy --role-name EvidentReadOnly --policy-arn arn:aws:iam::aws:policy/SecurityAudit',
        'aws iam create-access-key --user-name evident',
      ],
    }),
  );
export type AwsConfig = z.infer<typeof awsConfig>;

export const awsSecret = z.object({
  accessKeyId: z
    .string()
    .regex(/^(AKIA|ASIA)[A-Z0-9]{12,124}$/, 'an access key id starts with AKIA')
    .meta(
      field({
        title: 'Access key ID',
        help: 'The MSP user’s access key id (AKIA…).',
        examples: ['AKIAIOSFODNN7EXAMPLE'],
      }),
    ),
  secretAccessKey: z
    .string()
    .min(1)
    .meta(
      field({
        title: 'Secret access key',
        help: 'The secret shown once when the access key was created.',
        kind: 'secret',
      }),
    ),
});
export type AwsSecret = z.infer<typeof awsSecret>;

export type AwsContext = ConnectorContext<AwsConfig, AwsSecret>;
