import { type CollectionSession, ConnectorError } from '@evident/connector-kit';
import type { EntraConfig, EntraSecret } from '../config.ts';
import type { PerUserMfa } from '../enforcement/resolve.ts';
import { classifyGraphError } from '../errors.ts';
import type { Run } from './state.ts';

type Session = CollectionSession<EntraConfig, EntraSecret>;

/** Graph answers at most 20 requests a batch. */
export const BATCH_SIZE = 20;
export const PER_USER_PATH = '/users/{id}/authentication/requirements';
export const PER_USER_PERMISSION = 'Policy.Read.All';

interface BatchResponse {
  responses?: { id?: string; status?: number; headers?: Record<string, string>; body?: unknown }[];
}

const STATES = new Set(['enforced', 'enabled', 'disabled']);

/** One `$batch` of up to 20 reads; a throttled or failed step retries the batch, a refused one stays unknown. */
async function batch(run: Run, session: Session, ids: readonly string[]): Promise<[string, PerUserMfa][]> {
  const { attempts, baseDelayMs, maxDelayMs } = run.graph.tuning;
  const requests = ids.map((id, k) => ({
    id: String(k),
    method: 'GET',
    url: `/users/${encodeURIComponent(id)}/authentication/requirements`,
  }));
  return session.call(
    async () => {
      let answer: BatchResponse;
      try {
        answer = (await run.graph.client.api('/$batch').version('beta').post({ requests })) as BatchResponse;
      } catch (error) {
        throw classifyGraphError(error, PER_USER_PERMISSION);
      }
      return (answer.responses ?? []).map((r): [string, PerUserMfa] => {
        const id = ids[Number(r.id)] ?? '';
        const status = r.status ?? 0;
        if (status === 429 || status >= 500) {
          const seconds = Number(r.headers?.['retry-after'] ?? r.headers?.['Retry-After']);
          const wait = Number.isFinite(seconds) ? { retryAfterMs: seconds * 1000 } : {};
          throw new ConnectorError(
            status === 429 ? 'throttled' : 'provider_error',
            `a batch step failed (${status})`,
            wait,
          );
        }
        if (status === 401 || status === 403) {
          const refused = { statusCode: status, message: `Graph refused reading ${PER_USER_PATH} (${status})` };
          throw classifyGraphError(refused, PER_USER_PERMISSION);
        }
        const state = (r.body as { perUserMfaState?: string } | undefined)?.perUserMfaState;
        return [id, status === 200 && state && STATES.has(state) ? (state as PerUserMfa) : 'unknown'];
      });
    },
    { attempts, baseDelayMs, maxDelayMs },
  );
}

/** Legacy per-user MFA states (Graph beta), twenty users to a `$batch`; `unknown` where a step was refused. */
export async function perUserStates(
  run: Run,
  session: Session,
  ids: readonly string[],
): Promise<Map<string, PerUserMfa>> {
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += BATCH_SIZE) chunks.push(ids.slice(i, i + BATCH_SIZE));
  const answers = await Promise.all(chunks.map((c) => batch(run, session, c)));
  return new Map(answers.flat());
}
