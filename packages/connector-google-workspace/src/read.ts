import { type CollectionSession, ConnectorError } from '@evident/connector-kit';
import type { z } from 'zod';
import type { Area } from './client.ts';
import type { GoogleWorkspaceConfig, GoogleWorkspaceSecret } from './config.ts';
import { toConnectorError } from './errors.ts';

export interface Tuning {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_TUNING: Tuning = { attempts: 5, baseDelayMs: 1_000, maxDelayMs: 64_000 };

type Session = CollectionSession<GoogleWorkspaceConfig, GoogleWorkspaceSecret>;

/** One Admin SDK call under the session's limiter and retries, its error classified and its answer checked. */
export async function read<T extends z.ZodType>(
  session: Session,
  tuning: Tuning,
  area: Area,
  adminEmail: string,
  schema: T,
  source: string,
  call: () => Promise<{ data: unknown }>,
): Promise<z.infer<T>> {
  const answer = await session.call(async () => {
    try {
      return (await call()).data;
    } catch (raw) {
      throw toConnectorError(raw, area, adminEmail);
    }
  }, tuning);
  const parsed = schema.safeParse(answer);
  if (!parsed.success) {
    throw new ConnectorError('provider_error', `${source} answered in an unexpected shape: ${parsed.error.message}`);
  }
  return parsed.data;
}
