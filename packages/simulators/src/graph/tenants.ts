import type { EntraWorld, Scenario } from '../scenario/schema.ts';
import { type EntraDirectory, entraDirectory } from './world/directory.ts';
import { type DelegatedAdminRelationship, gdapRelationships } from './world/gdap.ts';

export interface SimTenant {
  /** The scenario's name for the tenant: the key of the fault plan and the accounting. */
  name: string;
  world: EntraWorld;
  directory: EntraDirectory;
  /** A partner tenant's GDAP relationships with its customers; empty for any other tenant. */
  gdap: DelegatedAdminRelationship[];
}

/** The scenario's Entra tenants, found by tenant id, verified domain or scenario name as a token request names them. */
export class TenantRegistry {
  private readonly byKey = new Map<string, SimTenant>();
  private readonly byName = new Map<string, SimTenant>();

  constructor(scenario: Scenario, now: Date) {
    const domains = new Map<string, SimTenant[]>();
    for (const t of scenario.tenants) {
      if (!t.entra) continue;
      const directory = entraDirectory(t.entra, scenario.seed, now);
      const tenant: SimTenant = { name: t.name, world: t.entra, directory, gdap: [] };
      this.byName.set(t.name, tenant);
      for (const key of [t.entra.tenantId, t.name]) this.byKey.set(key.toLowerCase(), tenant);
      const domain = t.entra.domain.toLowerCase();
      domains.set(domain, [...(domains.get(domain) ?? []), tenant]);
    }
    // A domain names a tenant only when exactly one tenant has it (scenarios often leave the default domain).
    for (const [domain, [only, ...others]] of domains)
      if (only && others.length === 0 && !this.byKey.has(domain)) this.byKey.set(domain, only);
    for (const tenant of this.byName.values())
      tenant.gdap = gdapRelationships(tenant.world, (c) => this.resolve(c)?.world, scenario.seed, now);
  }

  resolve(authority: string): SimTenant | undefined {
    return this.byKey.get(authority.toLowerCase());
  }

  named(name: string): SimTenant | undefined {
    return this.byName.get(name);
  }

  all(): SimTenant[] {
    return [...this.byName.values()];
  }
}
