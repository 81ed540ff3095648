import type { ConnectorContext } from '@evident/connector-kit';
import { z } from 'zod';

export const DEFAULT_API = 'https://api.github.com';

const logins = z.array(z.string().min(1));

/** What a GitHub connection points at. Logins are matched case-insensitively, as GitHub treats them. */
export const githubConfig = z.object({
  org: z.string().min(1).describe('The organization login, as in https://github.com/<org>.'),
  enterprise: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Slug of the Enterprise Cloud enterprise the org belongs to; audit-log streams are read from it. Without it, streams stay unknown.',
    ),
  mspLogins: logins
    .optional()
    .describe("The MSP's own accounts in this org. Without the list, whether an account is the MSP's stays unknown."),
  breakGlassLogins: logins.default([]).describe('Emergency-access accounts, reported with kind `break_glass`.'),
  endpoints: z
    .object({
      api: z
        .url()
        .optional()
        .describe(`REST API base URL; ${DEFAULT_API} by default (a simulator's URL in tests and demos).`),
    })
    .default({})
    .describe('Endpoint overrides, e.g. to point the connector at a simulator.'),
});
export type GithubConfig = z.infer<typeof githubConfig>;

export const githubSecret = z.object({
  token: z
    .string()
    .min(1)
    .describe(
      "A classic personal access token of an organization owner with read:org and read:audit_log (admin:enterprise to read the enterprise's audit-log streams).",
    ),
});
export type GithubSecret = z.infer<typeof githubSecret>;

export type GithubContext = ConnectorContext<GithubConfig, GithubSecret>;
