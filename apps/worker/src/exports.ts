import { packStorage, storageSettingsFromEnv } from '@evident/evidence';
import type { StartWorkerOptions } from '@evident/pipeline';
import type { WorkerEnv } from './env.ts';

/** Evidence-pack storage, retention and webhook from the environment. */
export function exportsFrom(env: WorkerEnv): NonNullable<StartWorkerOptions['exports']> {
  return {
    storage: packStorage(storageSettingsFromEnv(env)),
    retention: {
      keepLast: env.EVIDENT_EXPORTS_KEEP_LAST,
      ...(env.EVIDENT_EXPORTS_MAX_AGE_DAYS ? { maxAgeDays: env.EVIDENT_EXPORTS_MAX_AGE_DAYS } : {}),
    },
    ...(env.EVIDENT_EXPORT_WEBHOOK_URL && env.EVIDENT_EXPORT_WEBHOOK_SECRET
      ? { webhook: { url: env.EVIDENT_EXPORT_WEBHOOK_URL, secret: env.EVIDENT_EXPORT_WEBHOOK_SECRET } }
      : {}),
  };
}
