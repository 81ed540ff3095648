import type { Connector, PermissionSpec } from '@evident/connector-kit';
import {
  type GithubAccountConfig,
  type GithubAccountSecret,
  githubAccountConfig,
  githubAccountSecret,
} from './account.ts';
import { checkGithub } from './check.ts';
import { type ClientTuning, DEFAULT_TUNING } from './client.ts';
import { collectGithub } from './collect.ts';
import { type GithubConfig, type GithubSecret, githubConfig, githubSecret } from './config.ts';
import { discoverGithub } from './discover.ts';
import { ADMIN_ENTERPRISE, ADMIN_ORG, ENTERPRISE_CLOUD, OWNER, READ_AUDIT_LOG, READ_ORG } from './errors.ts';
import { GITHUB_LAG_MS, githubWatch } from './watch.ts';

/** What a GitHub connection needs; without the optional ones the connector still collects, with gaps. */
export const GITHUB_PERMISSIONS: PermissionSpec[] = [
  { name: READ_ORG, kind: 'permission', why: 'List the members, owners and outside collaborators of the org.' },
  {
    name: ADMIN_ORG,
    kind: 'permission',
    why: "A classic token needs admin:org for GitHub to show the org's 2FA requirement (an App: Administration: read).",
    optional: true,
  },
  {
    name: OWNER,
    kind: 'role',
    why: "GitHub shows the org's 2FA requirement and the members' 2FA filters to organization owners only.",
    optional: true,
  },
  {
    name: READ_AUDIT_LOG,
    kind: 'permission',
    why: 'Read the audit log to see that it records events (when it last did).',
    optional: true,
  },
  {
    name: ENTERPRISE_CLOUD,
    kind: 'licence',
    why: 'The audit-log API and audit-log streaming exist on Enterprise Cloud only.',
    optional: true,
  },
  {
    name: ADMIN_ENTERPRISE,
    kind: 'permission',
    why: "Read the enterprise's audit-log streams (GitHub offers no narrower scope for them).",
    optional: true,
  },
];

export interface GithubConnectorOptions extends Partial<ClientTuning> {
  /** Most ids held in memory per small list (owners, accounts without 2FA); 100,000 by default. */
  maxHeldIds?: number;
  /** How far each audit-log read overlaps the previous one; GITHUB_LAG_MS by default. */
  watchLagMs?: number;
  /** Without the audit-log API (not Enterprise Cloud), watch the 2FA requirement alone; true by default. */
  watchRequirementOnly?: boolean;
}

/** A GitHub connector; the options tune its patience (tests shrink the waits GitHub asks for). */
export function createGithubConnector(
  options: GithubConnectorOptions = {},
): Connector<GithubConfig, GithubSecret, GithubAccountConfig, GithubAccountSecret> {
  const { maxHeldIds = 100_000, watchLagMs = GITHUB_LAG_MS, watchRequirementOnly = true, ...tuning } = options;
  const full: ClientTuning = { ...DEFAULT_TUNING, ...tuning };
  return {
    kind: 'github',
    config: githubConfig,
    secret: githubSecret,
    permissions: GITHUB_PERMISSIONS,
    check: (ctx) => checkGithub(ctx, full),
    collect: (ctx) => collectGithub(ctx, { tuning: full, maxHeldIds }),
    watch: githubWatch(full, watchLagMs, watchRequirementOnly),
    // A GitHub App of the MSP's, installed on each customer's org: its installations are the customers.
    account: {
      config: githubAccountConfig,
      secret: githubAccountSecret,
      discover: (ctx) => discoverGithub(ctx, full),
    },
  };
}

export const githubConnector = createGithubConnector();
