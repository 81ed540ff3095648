import type { SimulatedApp } from './app.ts';
import { GDAP_PERMISSION, GRANTED_PERMISSIONS } from './permissions.ts';
import type { SimTenant, TenantRegistry } from './tenants.ts';

/**
 * Which app has a service principal (admin consent) in which tenant, and what it was granted there. The collector
 * app is consented everywhere; the MSP's multi-tenant app in its partner tenants, in the customers the scenario
 * marks consented, and wherever an admin accepts on the admin-consent page.
 */
export class ConsentRegistry {
  private readonly granted = new Set<string>();

  constructor(
    readonly collector: SimulatedApp,
    readonly msp: SimulatedApp,
    private readonly tenants: TenantRegistry,
  ) {
    for (const t of tenants.all()) {
      if (!t.world.partner) continue;
      this.grant(msp, t);
      for (const r of t.world.partner.relationships) {
        const customer = tenants.resolve(r.customer);
        if (r.consented && customer) this.grant(msp, customer);
      }
    }
  }

  app(clientId: string): SimulatedApp | undefined {
    return [this.collector, this.msp].find((a) => a.clientId === clientId);
  }

  grant(app: SimulatedApp, tenant: SimTenant): void {
    this.granted.add(`${app.clientId} ${tenant.name}`);
  }

  consented(app: SimulatedApp, tenant: SimTenant): boolean {
    return app === this.collector || this.granted.has(`${app.clientId} ${tenant.name}`);
  }

  /** The application permissions the app holds in the tenant; undefined where it has no service principal. */
  roles(app: SimulatedApp, tenant: SimTenant): readonly string[] | undefined {
    if (!this.consented(app, tenant)) return undefined;
    // Partner Center's GDAP reads are granted to the MSP's app in its own partner tenant only.
    return app === this.msp && tenant.world.partner ? [...GRANTED_PERMISSIONS, GDAP_PERMISSION] : GRANTED_PERMISSIONS;
  }

  /** What admin consent grants the app in a customer tenant (its `.default` scope). */
  permissions(): readonly string[] {
    return GRANTED_PERMISSIONS;
  }

  /** Tenants an admin may consent for on the `organizations` page: every simulated one. */
  choices(): SimTenant[] {
    return this.tenants.all();
  }
}
