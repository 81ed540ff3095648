import { z } from 'zod';
import { localStorage } from './local.ts';
import { s3Storage } from './s3.ts';
import type { PackStorage } from './storage.ts';

/** Where packs are stored, as plain settings: a folder, unless an S3-compatible bucket is named. */
export interface StorageSettings {
  dir: string;
  s3?: {
    bucket: string;
    region: string;
    endpoint?: string;
    /** Unset, the AWS SDK's usual sources (an instance or pod role, the shared config). */
    credentials?: { accessKeyId: string; secretAccessKey: string };
  };
}

/** The one mapping from settings to storage, shared by the worker, the server and `evident up`. */
export function packStorage(settings: StorageSettings): PackStorage {
  const { s3 } = settings;
  if (!s3) return localStorage(settings.dir);
  return s3Storage({
    bucket: s3.bucket,
    client: {
      region: s3.region,
      ...(s3.endpoint ? { endpoint: s3.endpoint, forcePathStyle: true } : {}),
      ...(s3.credentials ? { credentials: s3.credentials } : {}),
    },
  });
}

/** The storage variables of an app's environment, shared by the worker's and the server's `env.ts`. */
export const storageEnvShape = {
  /** Where evidence packs are stored: a folder, unless EVIDENT_EXPORTS_S3_BUCKET names a bucket. */
  EVIDENT_EXPORTS_DIR: z.string().min(1).default('./.evident/exports'),
  EVIDENT_EXPORTS_S3_BUCKET: z.string().min(1).optional(),
  /** An S3-compatible endpoint (e.g. MinIO); unset, AWS. */
  EVIDENT_EXPORTS_S3_ENDPOINT: z.string().url().optional(),
  EVIDENT_EXPORTS_S3_REGION: z.string().min(1).default('us-east-1'),
  /** A bucket's access key, both or neither; unset, the AWS SDK's usual sources (an instance or pod role). */
  EVIDENT_EXPORTS_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  EVIDENT_EXPORTS_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
};

export type StorageEnv = z.infer<z.ZodObject<typeof storageEnvShape>>;

export function storageSettingsFromEnv(env: StorageEnv): StorageSettings {
  const { EVIDENT_EXPORTS_S3_BUCKET: bucket, EVIDENT_EXPORTS_S3_ENDPOINT: endpoint } = env;
  const { EVIDENT_EXPORTS_S3_ACCESS_KEY_ID: accessKeyId, EVIDENT_EXPORTS_S3_SECRET_ACCESS_KEY: secretAccessKey } = env;
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined))
    throw new Error('EVIDENT_EXPORTS_S3_ACCESS_KEY_ID and EVIDENT_EXPORTS_S3_SECRET_ACCESS_KEY go together');
  const credentials = accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {};
  return {
    dir: env.EVIDENT_EXPORTS_DIR,
    ...(bucket
      ? { s3: { bucket, region: env.EVIDENT_EXPORTS_S3_REGION, ...(endpoint ? { endpoint } : {}), ...credentials } }
      : {}),
  };
}
