import { fact, type GapFact, type Provider } from '@evident/core';
import type { SecretDecryptionError } from '@evident/db';
import type { Payload } from '@evident/jobs';
import { UnrecoverableError } from 'bullmq';
import type { WorkerDeps } from '../deps.ts';

/** Every kind of evidence a connector can yield. */
const EVIDENCE = fact.options.map((o) => o.shape.type.value).filter((t) => t !== 'gap');

/**
 * A secret this worker cannot open (its key is not configured, or is not the one that sealed it) will not open on a
 * retry: the connection is flagged, the run gets a failed collection whose gap says why, and the job stops here.
 */
export async function undecryptable(
  deps: WorkerDeps,
  p: Payload<'collect'>,
  provider: Provider,
  error: SecretDecryptionError,
): Promise<never> {
  const reason = `the connection's secret cannot be decrypted with the configured keys (it was sealed with key ${error.keyId})`;
  const gap: GapFact = {
    type: 'gap',
    connection: p.connectionId,
    provider,
    source: 'stored secret',
    observedAt: deps.now().toISOString(),
    code: 'auth_failed',
    // Nothing could be attempted, so no evidence of this connection can be vouched for.
    covers: EVIDENCE,
    message: reason,
    remedy: `give the workers key ${error.keyId} as a previous key (EVIDENT_SECRET_KEYS_PREVIOUS), or enter the secret again`,
  };
  await deps.store.writeCollection(p.organizationId, p.runId, p.connectionId, [gap], { error: reason });
  await deps.store.setConnectionStatus(p.organizationId, p.connectionId, 'needs_attention', reason);
  throw new UnrecoverableError(reason);
}
