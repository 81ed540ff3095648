import type { Progress } from '@evident/connector-kit';
import { type Handlers, JOBS, type JobName, parsePayload } from '@evident/jobs';
import { DelayedError, type Job, UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import type { JobRuntime, WorkerDeps } from './deps.ts';
import { assess, finish } from './handlers/assess.ts';
import { collect } from './handlers/collect.ts';
import { deliverAlert } from './handlers/deliver-alert.ts';
import { exportEvidence } from './handlers/export.ts';
import { importCustomers } from './handlers/import.ts';
import { reassess } from './handlers/reassess.ts';
import { tick } from './handlers/tick.ts';
import { watchConnection } from './handlers/watch.ts';
import { exportFailed } from './notices.ts';

/** Every job of the catalog has a handler here, or this does not compile. */
export const handlersFor = (deps: WorkerDeps, rt: JobRuntime): Handlers => ({
  tick: (p, meta) => tick(deps, p, meta.jobId),
  collect: (p) => collect(deps, p, rt),
  assess: (p) => assess(deps, p, rt),
  export: (p) => exportEvidence(deps, p, rt),
  'deliver-alert': (p, meta) => deliverAlert(deps, p, rt, meta),
  import: (p, meta) => importCustomers(deps, p, rt, meta),
  watch: (p) => watchConnection(deps, p, rt),
  reassess: (p, meta) => reassess(deps, p, meta.jobId),
});

const isJobName = (name: string): name is JobName => Object.hasOwn(JOBS, name);

function deferralsOf(progress: unknown): number {
  const n = (progress as { deferrals?: unknown } | null)?.deferrals;
  return typeof n === 'number' ? n : 0;
}

function parse<N extends JobName>(name: N, data: unknown) {
  try {
    return parsePayload(name, data);
  } catch (error) {
    throw new UnrecoverableError(`malformed ${name} payload: ${error instanceof Error ? error.message : error}`);
  }
}

/** Parses the payload, gives the handler its logger, progress and abort signal, and releases the job on shutdown. */
export async function processJob(
  deps: WorkerDeps,
  root: Logger,
  job: Job,
  token: string | undefined,
  signal: AbortSignal = new AbortController().signal,
): Promise<unknown> {
  const name = job.name;
  if (!isJobName(name)) throw new UnrecoverableError(`no handler for job ${name}`);
  const data = (job.data ?? {}) as Record<string, unknown>;
  const logger = root.child({
    jobId: job.id,
    job: name,
    organizationId: data.organizationId,
    tenantId: data.tenantId,
    ...(name === 'collect' || name === 'watch' ? { connectionId: data.connectionId } : {}),
  });
  const deferrals = deferralsOf(job.progress);
  let reported = 0;
  const rt: JobRuntime = {
    logger,
    signal,
    deferrals,
    progress(update: Progress) {
      if (Date.now() - reported < 1_000) return;
      reported = Date.now();
      job.updateProgress({ ...update, deferrals }).catch((err) => logger.debug({ err }, 'progress not saved'));
    },
    async defer(ms: number): Promise<never> {
      await job.updateProgress({ deferrals: deferrals + 1 });
      await job.moveToDelayed(Date.now() + ms, token);
      throw new DelayedError();
    },
  };
  const h = handlersFor(deps, rt);
  const meta = { jobId: job.id ?? '', attempt: job.attemptsMade + 1, attempts: job.opts.attempts ?? 1 };
  try {
    switch (name) {
      case 'tick':
        return await h.tick(parse('tick', data), meta);
      case 'collect':
        return await h.collect(parse('collect', data), meta);
      case 'assess':
        return await h.assess(parse('assess', data), meta);
      case 'export':
        return await h.export(parse('export', data), meta);
      case 'deliver-alert':
        return await h['deliver-alert'](parse('deliver-alert', data), meta);
      case 'import':
        return await h.import(parse('import', data), meta);
      case 'watch':
        return await h.watch(parse('watch', data), meta);
      case 'reassess':
        return await h.reassess(parse('reassess', data), meta);
    }
  } catch (error) {
    if (error instanceof DelayedError) throw error;
    if (signal.aborted) {
      logger.info('released on shutdown');
      await job.moveToDelayed(Date.now(), token);
      throw new DelayedError();
    }
    const last = error instanceof UnrecoverableError || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (name === 'assess' && last) {
      const message = error instanceof Error ? error.message : String(error);
      await finish(deps, parse('assess', data), { status: 'failed', error: message });
    }
    if (name === 'export' && last) {
      const message = error instanceof Error ? error.message : String(error);
      await exportFailed(deps, parse('export', data), meta.jobId, message, logger).catch((err) =>
        logger.error({ err }, 'the failed export could not be alerted'),
      );
    }
    throw error;
  }
}
