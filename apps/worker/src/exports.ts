import { localStorage, s3Storage } from '@evident/evidence';
import type { StartWorkerOptions } from '@evident/pipeline';
import type { WorkerEnv } from './env.ts';

/** Evidence-pack storage, retention and webhook from the environment. */
export function exportsFrom(env: WorkerEnv): NonNullable<StartWorkerOptions['exports']> {
  const storage = env.EVIDENT_EXPORTS_S3_BUCKET
    ? s3Storage({
        bucket: env.EVIDENT_EXPORTS_S3_BUCKET,
        client: {
          region: env.EVIDENT_EXPORTS_S3_REGION,
          ...(env.EVIDENT_EXPORTS_S3_ENDPOINT
            ? { endpoint: env.EVIDENT_EXPORTS_S3_ENDPOINT, forcePathStyle: true }
            : {}),
        },
      })
    : localStorage(env.EVIDENT_EXPORTS_DIR);
  return {
    storage,
    retention: {
      keepLast: env.EVIDENT_EXPORTS_KEEP_LAST,
      ...(env.EVIDENT_EXPORTS_MAX_AGE_DAYS ? { maxAgeDays: env.EVIDENT_EXPORTS_MAX_AGE_DAYS } : {}),
    },
    ...(env.EVIDENT_EXPORT_WEBHOOK_URL && env.EVIDENT_EXPORT_WEBHOOK_SECRET
      ? { webhook: { url: env.EVIDENT_EXPORT_WEBHOOK_URL, secret: env.EVIDENT_EXPORT_WEBHOOK_SECRET } }
      : {}),
  };
}
