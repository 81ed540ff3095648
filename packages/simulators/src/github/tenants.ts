import type { Scenario } from '../scenario/schema.ts';
import { type InstallationTokens, installationId } from './app.ts';
import { type AuditLogView, githubAuditLog } from './audit-events.ts';
import { type GithubOrgView, githubOrg, githubScopes, parseGithubToken } from './world.ts';

export class GithubScenarioError extends Error {}

const decode = (segment: string) => {
  try {
    return decodeURIComponent(segment).toLowerCase();
  } catch {
    return segment.toLowerCase();
  }
};

export interface GithubTenant {
  name: string;
  org: GithubOrgView;
  audit: () => AuditLogView;
}

export interface Caller {
  token: string;
  tenant: GithubTenant;
  owner: boolean;
  /** A classic token's scopes and whether it is authorized for the org's SAML SSO. */
  classic?: { scopes: string[]; ssoAuthorized: boolean };
  /** An App installation token's permissions. */
  app?: { permissions: Record<string, string> };
}

/** The orgs of a scenario, found by org login (case-insensitively, as GitHub does), enterprise slug or token. */
export class GithubTenants {
  private readonly byOrg = new Map<string, GithubTenant>();
  private readonly byEnterprise = new Map<string, GithubTenant>();
  private readonly byInstallation = new Map<number, GithubTenant>();

  constructor(
    scenario: Scenario,
    worldNow: number,
    private readonly tokens?: InstallationTokens,
  ) {
    for (const t of scenario.tenants) {
      if (!t.github) continue;
      const org = githubOrg(t.github, scenario.seed);
      const key = org.login.toLowerCase();
      if (this.byOrg.has(key)) throw new GithubScenarioError(`GitHub org ${org.login} appears in two tenants`);
      let audit: AuditLogView | undefined;
      const tenant: GithubTenant = {
        name: t.name,
        org,
        audit: () => (audit ??= githubAuditLog(org, scenario.seed, worldNow)),
      };
      this.byOrg.set(key, tenant);
      if (org.enterprise) this.byEnterprise.set(org.enterprise.toLowerCase(), tenant);
      if (t.github.appInstallation !== 'none') this.byInstallation.set(installationId(t.github, scenario.seed), tenant);
    }
  }

  org(login: string): GithubTenant | undefined {
    return this.byOrg.get(decode(login));
  }

  enterprise(slug: string): GithubTenant | undefined {
    return this.byEnterprise.get(decode(slug));
  }

  /** The org the App is installed on under this installation id (every org whose installation is not `none`). */
  installation(id: number): GithubTenant | undefined {
    return this.byInstallation.get(id);
  }

  /**
   * The caller behind an `Authorization: token …` or `Bearer …` header: a classic token naming a known org, or an
   * installation token issued and not yet expired at `nowMs`.
   */
  caller(authorization: string | undefined, nowMs = Date.now()): Caller | undefined {
    const token = /^(?:token|bearer)\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    if (!token) return undefined;
    const installed = this.tokens?.valid(token, nowMs);
    const appTenant = installed ? this.org(installed.org) : undefined;
    if (installed && appTenant)
      return { token, tenant: appTenant, owner: true, app: { permissions: installed.permissions } };
    const parsed = parseGithubToken(token);
    const tenant = parsed ? this.org(parsed.org) : undefined;
    if (!parsed || !tenant) return undefined;
    const classic = { scopes: githubScopes(tenant.org.world, parsed.owner), ssoAuthorized: parsed.ssoAuthorized };
    return { token, tenant, owner: parsed.owner, classic };
  }
}
