import type { ScenarioInput } from './schema.ts';

/** GitHub organizations as a token sees them: what it can and cannot tell of 2FA, and tokens that do not work. */
export const GITHUB_PRESETS = {
  /** A GitHub token that is not an org owner's: 2FA state cannot be seen, and must not read as "off". */
  'github-non-owner': {
    name: 'github-non-owner',
    tenants: [{ name: 'wingtip', github: { org: 'wingtip', members: 30, tokenIsOwner: false, membersWithout2fa: 3 } }],
  },
  /** An owner token sees members and outside collaborators whose second factor is SMS (`filter=2fa_insecure`). */
  'github-sms-2fa': {
    name: 'github-sms-2fa',
    tenants: [
      {
        name: 'alpineski',
        github: {
          org: 'alpineski',
          plan: 'enterprise',
          members: 35,
          membersWithInsecure2fa: 3,
          outsideCollaborators: 4,
          collaboratorsWithInsecure2fa: 1,
          auditLogStreaming: true,
        },
      },
    ],
  },
  /** The connection names a misspelled org: every call is a 404, and nothing may be said of the real one. */
  'github-misspelled-org': {
    name: 'github-misspelled-org',
    tenants: [
      {
        name: 'lucerne',
        github: {
          org: 'lucerne',
          connectionOrg: 'lucerne-pub',
          plan: 'enterprise',
          members: 20,
          auditLogStreaming: true,
        },
      },
    ],
  },
  /** The org's token was revoked: GitHub answers 401 Bad credentials. */
  'github-revoked-token': {
    name: 'github-revoked-token',
    tenants: [
      {
        name: 'margie',
        github: { org: 'margie', tokenState: 'revoked', plan: 'enterprise', members: 15, auditLogStreaming: true },
      },
    ],
  },
  /** A SAML SSO org whose token was never authorized for SSO: 403 with `X-GitHub-SSO`. */
  'github-sso-unauthorized': {
    name: 'github-sso-unauthorized',
    tenants: [
      {
        name: 'trey',
        github: {
          org: 'trey',
          samlSso: true,
          tokenState: 'sso_unauthorized',
          plan: 'enterprise',
          members: 15,
          auditLogStreaming: true,
        },
      },
    ],
  },
  /** A GitHub App installed on an Enterprise Managed Users org, whose members' 2FA lives at the identity provider. */
  'github-app-emu': {
    name: 'github-app-emu',
    tenants: [
      {
        name: 'fourthcoffee',
        github: {
          org: 'fourthcoffee',
          plan: 'enterprise',
          members: 20,
          credential: 'app',
          managedUsers: { shortcode: 'fourth' },
          auditLogStreaming: true,
        },
      },
    ],
  },
  /**
   * The MSP's GitHub App, installed on three customer orgs and one personal account: one installation was suspended
   * by the org's owner, one was granted Members only.
   */
  'github-app-msp': {
    name: 'github-app-msp',
    tenants: [
      {
        name: 'harbor',
        github: { org: 'harbor', plan: 'enterprise', members: 25, credential: 'app', auditLogStreaming: true },
      },
      { name: 'quay', github: { org: 'quay', members: 12, credential: 'app', appInstallation: 'suspended' } },
      {
        name: 'pier',
        github: { org: 'pier', members: 8, credential: 'app', appPermissions: { members: 'read' } },
      },
    ],
    githubAppUserInstallations: ['harbor-contractor'],
  },
} satisfies Record<string, ScenarioInput>;
