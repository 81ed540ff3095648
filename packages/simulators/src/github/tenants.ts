import type { Scenario } from '../scenario/schema.ts';
import { type AuditLogView, githubAuditLog } from './audit-events.ts';
import { type GithubOrgView, githubOrg, parseGithubToken } from './world.ts';

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
}

/** The orgs of a scenario, found by org login (case-insensitively, as GitHub does), enterprise slug or token. */
export class GithubTenants {
  private readonly byOrg = new Map<string, GithubTenant>();
  private readonly byEnterprise = new Map<string, GithubTenant>();

  constructor(scenario: Scenario, worldNow: number) {
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
    }
  }

  org(login: string): GithubTenant | undefined {
    return this.byOrg.get(decode(login));
  }

  enterprise(slug: string): GithubTenant | undefined {
    return this.byEnterprise.get(decode(slug));
  }

  /** The caller behind an `Authorization: token …` or `Bearer …` header, when it names a known org. */
  caller(authorization: string | undefined): Caller | undefined {
    const token = /^(?:token|bearer)\s+(\S+)$/i.exec(authorization ?? '')?.[1];
    const parsed = token ? parseGithubToken(token) : undefined;
    const tenant = parsed ? this.org(parsed.org) : undefined;
    return token && parsed && tenant ? { token, tenant, owner: parsed.owner } : undefined;
  }
}
