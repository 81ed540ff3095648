import type { Accounting } from '../accounting.ts';
import type { FaultPlan } from '../faults.ts';
import type { TokenIssuer } from './auth.ts';
import type { ConsentRegistry } from './consent.ts';
import type { OidcProvider } from './oidc.ts';
import type { Router } from './router.ts';
import type { TenantRegistry } from './tenants.ts';
import type { RealThrottles } from './throttling.ts';

/** Everything a request handler reads or updates, shared by one running simulator. */
export interface SimState {
  seed: number;
  tenants: TenantRegistry;
  tokens: TokenIssuer;
  /** Which app is consented in which tenant; the admin-consent page adds to it. */
  consents: ConsentRegistry;
  /** Staff sign-in with Microsoft: authorization codes, ID tokens, the JWKS. */
  oidc: OidcProvider;
  router: Router;
  faults: FaultPlan;
  accounting: Accounting;
  throttles: RealThrottles;
  /** Aborted when the simulator closes: pending delays stop. */
  closing: AbortSignal;
}

/** The accounting's tenant for requests that carry no valid token. */
export const UNAUTHENTICATED = '(unauthenticated)';
