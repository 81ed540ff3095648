import type { Connector, PermissionSpec } from '@evident/connector-kit';
import { type GcpAccountConfig, type GcpAccountSecret, gcpAccountConfig, gcpAccountSecret } from './account.ts';
import { DEFAULT_TUNING, type Tuning } from './calls.ts';
import { checkGcp } from './check.ts';
import { collectGcp } from './collect.ts';
import { type GcpLoggingConfig, type GcpLoggingSecret, gcpLoggingConfig, gcpLoggingSecret } from './config.ts';
import { discoverGcp } from './discover.ts';
import { gcpWatch } from './watch.ts';

export const GCP_PERMISSIONS: PermissionSpec[] = [
  {
    name: 'roles/logging.viewer',
    kind: 'role',
    why: 'Lists log buckets and sinks; grant it on the organization so that every project inherits it.',
  },
  {
    name: 'roles/iam.securityReviewer',
    kind: 'role',
    why: 'Reads IAM policies for their Data Access audit configs.',
  },
  { name: 'logging.buckets.list', kind: 'permission', why: 'Retention and lock of the log buckets.' },
  { name: 'logging.sinks.list', kind: 'permission', why: 'Where each audit log is routed.' },
  {
    name: 'logging.exclusions.list',
    kind: 'permission',
    why: 'The exclusions of each _Default sink, which decide whether Data Access is kept at all.',
  },
  {
    name: 'logging.logEntries.list',
    kind: 'permission',
    why: 'When each audit log last received an entry (the newest one only), to tell a silent log.',
  },
  {
    name: 'logging.privateLogEntries.list',
    kind: 'permission',
    why: 'The newest Data Access entry (a private log, in roles/logging.privateLogViewer).',
    optional: true,
  },
  {
    name: 'resourcemanager.projects.get',
    kind: 'permission',
    why: 'The parent of each project (in roles/browser), to apply its ancestors’ aggregated sinks and audit configs.',
  },
  {
    name: 'resourcemanager.folders.get',
    kind: 'permission',
    why: 'The parent of each folder on the way up to the organization.',
    optional: true,
  },
  {
    name: 'resourcemanager.projects.list',
    kind: 'permission',
    why: 'The projects under a configured folder or organization.',
    optional: true,
  },
  {
    name: 'resourcemanager.folders.list',
    kind: 'permission',
    why: 'The folders under a configured folder or organization, to find the projects in them.',
    optional: true,
  },
  ...(['projects', 'folders', 'organizations'] as const).map(
    (kind): PermissionSpec => ({
      name: `resourcemanager.${kind}.getIamPolicy`,
      kind: 'permission',
      why: `Data Access audit configs set on ${kind}; without it Data Access logging stays unknown.`,
      optional: true,
    }),
  ),
];

/** The connector with its call deadlines and retry budgets tuned (tests shorten them; the defaults suit Google). */
export function createGcpLoggingConnector(
  tuning: Partial<Tuning> = {},
): Connector<GcpLoggingConfig, GcpLoggingSecret, GcpAccountConfig, GcpAccountSecret> {
  const effective = { ...DEFAULT_TUNING, ...tuning };
  return {
    kind: 'gcp-logging',
    config: gcpLoggingConfig,
    secret: gcpLoggingSecret,
    permissions: GCP_PERMISSIONS,
    // Google's quotas count requests per minute, not in flight, and gRPC multiplexes them on one connection.
    limits: { concurrency: 8 },
    check: (ctx) => checkGcp(ctx, effective),
    collect: (ctx) => collectGcp(ctx, effective),
    watch: gcpWatch(effective),
    // One service account of the MSP's, granted on each customer's organization, folder or project.
    account: {
      config: gcpAccountConfig,
      secret: gcpAccountSecret,
      discover: (ctx) => discoverGcp(ctx, effective),
    },
  };
}

export const gcpLoggingConnector = createGcpLoggingConnector();
