export { type ExportJobDeps, type ExportJobOutcome, exportJobHandler } from './export-job.ts';
export { type ExportedPack, exportPack, streamPack } from './export-pack.ts';
export { activeSigningKey, publishedKeys, rotateSigningKey } from './keys.ts';
export { loadPackInput, type PackRequest, packRequest } from './pack/from-store.ts';
export type { Brand, PackInput } from './pack/input.ts';
export { OSCAL_FILE } from './pack/oscal.ts';
export { GENERATOR, type PackSink, type WrittenPack, writePack } from './pack/write-pack.ts';
export { applyRetention, type RetentionPolicy, retentionPolicy } from './retention.ts';
export { generateSigningKey, type SigningKey, signDetached, toJwks } from './sign.ts';
export { localStorage } from './storage/local.ts';
export { type S3StorageOptions, s3Storage } from './storage/s3.ts';
export {
  packStorage,
  type StorageEnv,
  type StorageSettings,
  storageEnvShape,
  storageSettingsFromEnv,
} from './storage/settings.ts';
export { ObjectNotFoundError, type PackStorage, packKey, type StoredObject } from './storage/storage.ts';
export { storedPacks } from './stored-packs.ts';
export { verifyPackFile } from './verify-file.ts';
export {
  announcePack,
  type PackAnnouncement,
  SIGNATURE_HEADER,
  verifyWebhookSignature,
  type WebhookTarget,
  webhookSignature,
} from './webhook.ts';
