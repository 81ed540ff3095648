import { type ConnectorContext, field, provider } from '@evident/connector-kit';
import { z } from 'zod';

export const DEFAULT_API = 'https://api.github.com';

const logins = (title: string, help: string) =>
  z
    .array(z.string().min(1))
    .meta(field({ title, help: `${help} One login per line.`, examples: ['octocat'], kind: 'lines' }));

/** What a GitHub connection points at. Logins are matched case-insensitively, as GitHub treats them. */
export const githubConfig = z
  .object({
    org: z
      .string()
      .min(1)
      .meta(
        field({
          title: 'Organization',
          help: 'The organization login, as in https://github.com/<org>.',
          examples: ['contoso'],
        }),
      ),
    enterprise: z
      .string()
      .min(1)
      .optional()
      .meta(
        field({
          title: 'Enterprise',
          help: 'Slug of the Enterprise Cloud enterprise the org belongs to; its audit-log streams are read from it. Without it, streams stay unknown.',
          examples: ['contoso-enterprise'],
        }),
      ),
    mspLogins: logins(
      'Your MSP’s accounts',
      "Your staff's accounts in this org. Without the list, whether an account is yours stays unknown.",
    ).optional(),
    breakGlassLogins: logins('Break-glass accounts', 'Emergency-access accounts, reported as break-glass.').default([]),
    managedUsers: z
      .object({
        idpConnection: z
          .string()
          .min(1)
          .optional()
          .meta(
            field({
              title: 'Identity provider connection',
              help: "The Evident connection of the enterprise's identity provider, where these users' MFA is judged.",
            }),
          ),
      })
      .optional()
      .meta(
        field({
          title: 'Enterprise Managed Users',
          help: 'For an Enterprise Managed Users org: members sign in through the identity provider, which holds their 2FA. Managed logins (with _shortcode) are recognised without it.',
        }),
      ),
    endpoints: z
      .object({
        api: z
          .url()
          .optional()
          .meta(
            field({
              title: 'REST API',
              help: `The REST API's base URL; ${DEFAULT_API} unless overridden.`,
              examples: [DEFAULT_API],
              kind: 'url',
            }),
          ),
      })
      .default({})
      .meta(
        field({
          title: 'Service endpoints',
          help: 'Where the connector reaches GitHub; override it only to point at a simulator.',
          kind: 'endpoints',
        }),
      ),
  })
  .meta(
    provider({
      title: 'GitHub',
      summary:
        "Reads an organization's members and their 2FA, its owners and administering roles, its 2FA requirement and its audit log, with a classic token of an owner or a GitHub App installation.",
      needs: [
        'A classic token of an organization owner with admin:org (GitHub shows the 2FA requirement only with it), read:org and read:audit_log; admin:enterprise for the enterprise’s audit-log streams.',
        'Or a GitHub App installed on the org with Members: read and Administration: read (Organization administration: read for custom roles).',
        'GitHub Enterprise Cloud for the audit-log API and audit-log streaming; without it those controls stay unknown.',
      ],
      commands: [
        'gh auth login --hostname github.com --scopes "admin:org,read:org,read:audit_log"',
        'gh auth token',
        "gh api /orgs/<org>/installations --jq '.installations[] | [.app_slug, .app_id, .id] | @tsv'",
      ],
    }),
  );
export type GithubConfig = z.infer<typeof githubConfig>;

const classicToken = z
  .object({
    kind: z.literal('token'),
    token: z
      .string()
      .min(1)
      .meta(
        field({
          title: 'Token',
          help: "A classic personal access token of an organization owner with admin:org (GitHub shows the 2FA requirement only with it), read:org and read:audit_log (admin:enterprise to read the enterprise's audit-log streams).",
          kind: 'secret',
        }),
      ),
  })
  .meta({ title: 'Personal access token (classic)' });

const appInstallation = z
  .object({
    kind: z.literal('app'),
    appId: z.coerce
      .number()
      .int()
      .positive()
      .meta(field({ title: 'App ID', help: 'The GitHub App id, from the App settings page.', examples: [123456] })),
    privateKey: z
      .string()
      .regex(
        /-----BEGIN (RSA )?PRIVATE KEY-----/,
        'expected a PEM private key (-----BEGIN RSA PRIVATE KEY-----…), as the App settings page generates it',
      )
      .meta(
        field({
          title: 'Private key',
          help: "The App's private key (the .pem file the App settings page generates); it signs the requests for installation tokens.",
          examples: ['-----BEGIN RSA PRIVATE KEY-----'],
          kind: 'pem',
        }),
      ),
    installationId: z.coerce
      .number()
      .int()
      .positive()
      .meta(
        field({
          title: 'Installation ID',
          help: "The App's installation on the org, with Members: read and Administration: read (the number at the end of its settings URL).",
          examples: [987654],
        }),
      ),
  })
  .meta({ title: 'GitHub App' });

const hasKind = (v: unknown) => typeof v === 'object' && v !== null && 'kind' in v;

/** A classic token, or a GitHub App installation; a stored `{ token }` without a kind is a classic token. */
export const githubSecret = z.preprocess(
  (v) => (typeof v === 'object' && v !== null && !hasKind(v) && 'token' in v ? { ...v, kind: 'token' } : v),
  z
    .discriminatedUnion('kind', [classicToken, appInstallation])
    .meta(field({ title: 'Credential', help: 'A classic token of an owner, or a GitHub App installed on the org.' })),
);
export type GithubSecret = z.infer<typeof githubSecret>;

export type GithubContext = ConnectorContext<GithubConfig, GithubSecret>;
