export { type AnchorCheck, anchorAuditHeads, checkAnchors, listOrganizationIds } from './audit-anchor.ts';
export { createDatabase, type Database, type DatabaseOptions, type Db } from './client.ts';
export {
  createKeyring,
  generateSecretKey,
  type Keyring,
  type KeyringInput,
  SecretDecryptionError,
  type SecretKey,
  secretKey,
  secretKeyList,
} from './crypto.ts';
export * from './domain.ts';
export { DatabaseError } from './errors.ts';
export { MIGRATIONS_FOLDER, migrate } from './migrate.ts';
export { digestWork, pendingAlerts } from './pending-alerts.ts';
export { type SignInPolicy, sha256 } from './repos/access.ts';
export type { AlertChannel, AlertDelivery, CreateAlertChannelInput } from './repos/alerts.ts';
export type { AlertDigest } from './repos/alerts-digest.ts';
export type { AlertPsaCompany, AlertPsaTicket } from './repos/alerts-psa.ts';
export { type AuditAlert, GENESIS_HASH } from './repos/audit.ts';
export type { WriteCollectionOptions, WriteCollectionResult } from './repos/collections.ts';
export type { CreateConnectionInput, EffectiveConnection } from './repos/connections.ts';
export { EVIDENCE_SORTS, type EvidencePage, type EvidencePageInput } from './repos/evidence.ts';
export type { ExceptionRequestInput, StoredExceptionRequest } from './repos/exception-requests.ts';
export type { CreateExceptionInput } from './repos/exceptions.ts';
export type { FactSource } from './repos/fact-batches.ts';
export type { ConnectionHealth } from './repos/health.ts';
export { type ImportItem, type ImportProgress, importItem } from './repos/imports.ts';
export type { StoredPasskey } from './repos/passkeys.ts';
export type { PortfolioCell, ResultSummary, TrendPoint } from './repos/portfolio.ts';
export type { CreateProviderAccountInput, StoredProviderAccount } from './repos/provider-accounts.ts';
export type { ResultHead } from './repos/result-subjects.ts';
export type { WriteResultsOutcome } from './repos/results.ts';
export type { CreateRunInput, FinishRunInput } from './repos/runs.ts';
export type { AddSigningKeyInput, PublicSigningKey } from './repos/signing-keys.ts';
export { type StaffAuthSettings, ssoSettingsInput } from './repos/staff-auth-settings.ts';
export { type TenantSchedule, tenantSchedule } from './repos/tenants.ts';
export type { ConnectionWatch, WatchFailureInput, WatchReadInput, WatchState } from './repos/watches.ts';
export { grantRuntimeLogin, RUNTIME_ROLE } from './roles.ts';
export { type RotationReport, rotateSecrets } from './rotate-secrets.ts';
export { SUBJECT_KINDS } from './schema/evidence.ts';
export { STAFF_ROLES } from './schema/organizations.ts';
export { IMPORT_STATUSES, type ImportStatus } from './schema/provider-accounts.ts';
export { SHARE_SECTIONS, type ShareSection } from './schema/shares.ts';
export type { StoredChange } from './schema/watches.ts';
export { staleRuns } from './stale-runs.ts';
export { createStore, type Store, type StoreOptions } from './store.ts';
export { type WatchTarget, watchTargets } from './watch-targets.ts';
