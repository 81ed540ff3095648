import { type CheckResult, createContext, createLimiter, egressPolicy, type Progress } from '@evident/connector-kit';
import { startEvaluation } from '@evident/controls';
import type { ControlResult, GapFact } from '@evident/core';
import { connectorFor } from '@evident/pipeline/connectors';
import { isCollectionFailure } from '@evident/pipeline/verdict';
import { settings } from '../env.ts';
import type { AssessConfig, ResolvedConnection } from './config.ts';

export interface AssessOptions {
  now?: () => Date;
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
}

export interface Assessment {
  tenant: string;
  evaluatedAt: string;
  results: ControlResult[];
  gaps: GapFact[];
  /** Connections that could not be read (credentials refused, provider failing): their controls are incomplete. */
  failedConnections: string[];
}

function contextFor(c: ResolvedConnection, options: AssessOptions) {
  return createContext({
    connection: c.name,
    config: c.config,
    secret: c.secret,
    limiter: createLimiter(connectorFor(c.kind).limits),
    egress: egressPolicy(settings().EVIDENT_ALLOWED_ENDPOINTS),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.now ? { now: options.now } : {}),
    ...(options.onProgress ? { progress: options.onProgress } : {}),
  });
}

/**
 * Runs every connection in parallel and streams their facts into one evaluation: nothing is kept but what the
 * controls' reducers keep, and the gaps to report.
 */
export async function runAssessment(config: AssessConfig, options: AssessOptions = {}): Promise<Assessment> {
  const now = options.now ?? (() => new Date());
  const evaluation = startEvaluation({ now: now(), params: config.params, exceptions: config.exceptions });
  const gaps: GapFact[] = [];
  await Promise.all(
    config.connections.map(async (c) => {
      for await (const fact of connectorFor(c.kind).collect(contextFor(c, options))) {
        if (fact.type === 'gap') gaps.push(fact);
        evaluation.add(fact);
      }
    }),
  );
  const evaluatedAt = now();
  const failedConnections = [...new Set(gaps.filter(isCollectionFailure).map((g) => g.connection))].sort();
  return {
    tenant: config.tenant,
    evaluatedAt: evaluatedAt.toISOString(),
    results: evaluation.finish(),
    gaps,
    failedConnections,
  };
}

export async function runChecks(
  config: AssessConfig,
  options: AssessOptions = {},
): Promise<{ connection: string; kind: string; result: CheckResult }[]> {
  return Promise.all(
    config.connections.map(async (c) => ({
      connection: c.name,
      kind: c.kind,
      result: await connectorFor(c.kind).check(contextFor(c, options)),
    })),
  );
}
