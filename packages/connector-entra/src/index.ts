export { ROLES_PER_QUERY } from './collect/membership.ts';
export {
  type EntraAccountConfig,
  type EntraConfig,
  type EntraSecret,
  entraAccountConfig,
  entraConfig,
  entraSecret,
} from './config.ts';
export { createEntraConnector, entraConnector } from './connector.ts';
export type { EntraDiscoveredCustomer } from './discover.ts';
export { type CaPolicy, caPolicy } from './enforcement/policy.ts';
export { type Enforcement, type Principal, resolveEnforcement, type TenantPolicy } from './enforcement/resolve.ts';
export { ENDING_SOON_DAYS, type GdapRelationship } from './gdap.ts';
export { ENTRA_ACCOUNT_PERMISSIONS, ENTRA_PERMISSIONS, GDAP_PERMISSION } from './permissions.ts';
export { PRIVILEGED_ROLES } from './roles.ts';
export { DEFAULT_TUNING, type EntraTuning } from './tuning.ts';
export { AUDIT_LAG_MS, VERDICT_CATEGORIES } from './watch.ts';
