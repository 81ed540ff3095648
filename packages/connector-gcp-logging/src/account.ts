import type { ConnectorContext } from '@evident/connector-kit';
import { z } from 'zod';
import { type GcpLoggingSecret, gcpLoggingConfig, gcpLoggingSecret } from './config.ts';

/**
 * The MSP's service account: only where Google is (a simulator in tests). Its endpoints obey the connection's rules,
 * so they are checked by the connection's schema, with a stand-in resource.
 */
export const gcpAccountConfig = z.object({ endpoints: gcpLoggingConfig.shape.endpoints }).superRefine((config, ctx) => {
  const checked = gcpLoggingConfig.safeParse({ ...config, resources: ['projects/stand-in'] });
  for (const issue of checked.error?.issues ?? []) ctx.addIssue({ ...issue, code: 'custom', input: undefined });
});
export type GcpAccountConfig = z.infer<typeof gcpAccountConfig>;

/** The service account's JSON key, which every connection made from the account uses. */
export const gcpAccountSecret = gcpLoggingSecret;
export type GcpAccountSecret = GcpLoggingSecret;

export type GcpAccountContext = ConnectorContext<GcpAccountConfig, GcpAccountSecret>;
