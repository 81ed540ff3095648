import type { Connector, PermissionSpec } from '@evident/connector-kit';
import { checkWorkspace } from './check.ts';
import { SCOPES } from './client.ts';
import { collectWorkspace } from './collect.ts';
import {
  type GoogleWorkspaceConfig,
  type GoogleWorkspaceSecret,
  googleWorkspaceConfig,
  googleWorkspaceSecret,
} from './config.ts';
import { PRIVILEGES } from './errors.ts';
import { DEFAULT_TUNING, type Tuning } from './read.ts';

export const GOOGLE_WORKSPACE_PERMISSIONS: PermissionSpec[] = [
  {
    name: SCOPES.users,
    kind: 'permission',
    why: 'Domain-wide delegation: each user’s 2-Step Verification enrolment and enforcement, admin flags, suspension.',
  },
  {
    name: SCOPES.roles,
    kind: 'permission',
    why: 'Domain-wide delegation: the admin roles and who holds them, to tell which delegated admins administer.',
    optional: true,
  },
  {
    name: SCOPES.reports,
    kind: 'permission',
    why: 'Domain-wide delegation: the newest login and admin audit events, to tell a silent log.',
    optional: true,
  },
  { name: PRIVILEGES.users, kind: 'role', why: 'The impersonated admin reads the users.' },
  { name: PRIVILEGES.roles, kind: 'role', why: 'The impersonated admin reads the role assignments.', optional: true },
  { name: PRIVILEGES.reports, kind: 'role', why: 'The impersonated admin reads the audit reports.', optional: true },
];

/** The connector with its retry budget tuned (tests shorten it; the defaults suit Google's per-minute quotas). */
export function createGoogleWorkspaceConnector(
  tuning: Partial<Tuning> = {},
): Connector<GoogleWorkspaceConfig, GoogleWorkspaceSecret> {
  const effective = { ...DEFAULT_TUNING, ...tuning };
  return {
    kind: 'google-workspace',
    config: googleWorkspaceConfig,
    secret: googleWorkspaceSecret,
    permissions: GOOGLE_WORKSPACE_PERMISSIONS,
    limits: { concurrency: 4 },
    check: (ctx) => checkWorkspace(ctx, effective),
    collect: (ctx) => collectWorkspace(ctx, effective),
  };
}

export const googleWorkspaceConnector = createGoogleWorkspaceConnector();
