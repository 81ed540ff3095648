import { type CollectionSession, ConnectorError } from '@evident/connector-kit';
import type { EntraConfig, EntraSecret } from '../config.ts';
import { classifyGraphError } from '../errors.ts';
import type { Run } from './state.ts';

export type Session = CollectionSession<EntraConfig, EntraSecret>;

/** A Resource Manager read under the session's retry; `permission` names what a refusal means is missing. */
export function armGet<T>(run: Run, session: Session, path: string, permission: string): Promise<T> {
  const { attempts, baseDelayMs, maxDelayMs } = run.graph.tuning;
  return session.call(
    async () => {
      try {
        return (await run.clients.arm(path)) as T;
      } catch (error) {
        throw classifyGraphError(error, permission);
      }
    },
    { attempts, baseDelayMs, maxDelayMs },
  );
}

/** A read the app was refused, or found nothing at: what it leaves unknown becomes a gap naming the grant. */
export interface Refusal {
  source: string;
  error: ConnectorError;
}

/**
 * A read whose absence (404) or refusal leaves a value unknown rather than failing the collection. Refusals are
 * recorded so the collection names the missing grant; absences are answered by `absent`.
 */
export async function armRead<T, A>(
  run: Run,
  session: Session,
  path: string,
  permission: string,
  refusals: Refusal[],
  absent: A,
): Promise<T | A | 'unknown'> {
  try {
    return await armGet<T>(run, session, path, permission);
  } catch (error) {
    if (error instanceof ConnectorError && error.code === 'not_supported') return absent;
    if (error instanceof ConnectorError && error.code === 'permission_missing') {
      refusals.push({ source: `GET ${path.replace(/\?.*$/, '')}`, error });
      return 'unknown';
    }
    throw error;
  }
}
