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
  managedUsers: z
    .object({
      idpConnection: z
        .string()
        .min(1)
        .optional()
        .describe("The Evident connection of the enterprise's identity provider, where these users' MFA is judged."),
    })
    .optional()
    .describe(
      'Set for an Enterprise Managed Users org: members sign in through the identity provider, which holds their 2FA. Managed logins (with `_shortcode`) are recognised without it.',
    ),
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

const classicToken = z.object({
  kind: z.literal('token'),
  token: z
    .string()
    .min(1)
    .describe(
      "A classic personal access token of an organization owner with admin:org (GitHub shows the 2FA requirement only with it), read:org and read:audit_log (admin:enterprise to read the enterprise's audit-log streams).",
    ),
});

const appInstallation = z.object({
  kind: z.literal('app'),
  appId: z.coerce.number().int().positive().describe('The GitHub App id, from the App settings page.'),
  privateKey: z
    .string()
    .regex(/-----BEGIN (RSA )?PRIVATE KEY-----/, 'expected a PEM private key, as the App settings page generates it')
    .describe("The App's private key (PEM); it signs the JWTs that obtain installation tokens."),
  installationId: z.coerce
    .number()
    .int()
    .positive()
    .describe("The App's installation on the org, with Members: read and Administration: read."),
});

const hasKind = (v: unknown) => typeof v === 'object' && v !== null && 'kind' in v;

/** A classic token, or a GitHub App installation; a stored `{ token }` without a kind is a classic token. */
export const githubSecret = z.preprocess(
  (v) => (typeof v === 'object' && v !== null && !hasKind(v) && 'token' in v ? { ...v, kind: 'token' } : v),
  z.discriminatedUnion('kind', [classicToken, appInstallation]),
);
export type GithubSecret = z.infer<typeof githubSecret>;

export type GithubContext = ConnectorContext<GithubConfig, GithubSecret>;
