import { setMaxListeners } from 'node:events';
import type { Fact, GapFact, Provider } from '@evident/core';
import type { ConnectorContext, Progress } from './contract.ts';
import { asConnectorError, type ConnectorError, remedyFor } from './errors.ts';
import { redactProviderText } from './redact.ts';
import { type RetryOptions, withRetry } from './retry.ts';

export interface SectionSpec {
  /** What is being read, for progress lines. */
  phase: string;
  /** The API call(s) the facts come from, for the evidence trail. */
  source: string;
  /** The evidence a failure leaves missing (gap vocabulary: `identity`, `identity.privileged`, `logSource.sign_in`…). */
  covers: readonly string[];
}

/**
 * One collection's bookkeeping: progress counters, the retry policy with throttle accounting, and the rule that a
 * failed section becomes a gap instead of failing the whole collection. After an authentication failure the
 * remaining sections are not attempted; each still yields its gap, so every control that needed them says why.
 */
export class CollectionSession<C, S> {
  readonly progress: Progress;
  private authFailure: ConnectorError | undefined;

  constructor(
    private readonly ctx: ConnectorContext<C, S>,
    private readonly provider: Provider,
    private readonly classify: (error: unknown) => ConnectorError = asConnectorError,
  ) {
    // Sections run side by side, and every call waiting on the limiter or a retry listens for the collection's
    // abort: more than Node's default of ten listeners on one signal is expected here, not a leak.
    setMaxListeners(100, ctx.signal);
    this.progress = {
      connection: ctx.connection,
      phase: 'starting',
      pages: 0,
      facts: 0,
      gaps: 0,
      throttleWaits: 0,
      waitedMs: 0,
    };
  }

  get authFailed(): boolean {
    return this.authFailure !== undefined;
  }

  /** Counts one page read and reports progress. */
  page(): void {
    this.progress.pages++;
    this.ctx.progress({ ...this.progress });
  }

  /**
   * A provider call under the connection's limiter and the retry policy. Once the provider has refused the
   * credentials, calls still queued behind the limiter fail at once instead of being refused one by one.
   */
  async call<T>(fn: () => Promise<T>, options: Omit<RetryOptions, 'signal' | 'classify' | 'onWait'> = {}): Promise<T> {
    // The refusal is recorded before the limiter frees the slot, so no queued call starts in between.
    const guarded = async () => {
      if (this.authFailure) throw this.authFailure;
      try {
        return await fn();
      } catch (raw) {
        const error = this.classify(raw);
        if (error.code === 'auth_failed') this.authFailure ??= error;
        throw raw;
      }
    };
    try {
      return await withRetry(() => this.ctx.limiter.schedule(guarded, this.ctx.signal), {
        ...options,
        signal: this.ctx.signal,
        classify: this.classify,
        onWait: (ms, error) => {
          if (error.code === 'throttled') this.waited(ms);
        },
      });
    } catch (raw) {
      const error = this.classify(raw);
      if (error.code === 'auth_failed') this.authFailure ??= error;
      throw error;
    }
  }

  /** Records a throttling wait, ours or one the SDK did on its own (e.g. its retry middleware honouring Retry-After). */
  waited(ms: number): void {
    this.progress.throttleWaits++;
    this.progress.waitedMs += ms;
    this.ctx.progress({ ...this.progress });
  }

  /**
   * Runs one section; its facts pass through, and its failure becomes a gap covering what it would have read. A
   * section that only gathers what later ones need returns a promise instead of facts.
   */
  async *section(spec: SectionSpec, body: () => AsyncIterable<Fact> | Promise<void>): AsyncGenerator<Fact> {
    this.progress.phase = spec.phase;
    this.ctx.progress({ ...this.progress });
    if (this.authFailure) {
      this.progress.gaps++;
      yield this.gap(spec, this.authFailure);
      return;
    }
    try {
      const out = body();
      if (out instanceof Promise) {
        await out;
        return;
      }
      for await (const fact of out) {
        if (fact.type === 'gap') this.progress.gaps++;
        else this.progress.facts++;
        yield fact;
      }
    } catch (raw) {
      if (this.ctx.signal.aborted) throw raw;
      const error = this.classify(raw);
      if (error.code === 'auth_failed') this.authFailure = error;
      this.ctx.logger.warn('section failed', { phase: spec.phase, code: error.code, message: error.message });
      this.progress.gaps++;
      yield this.gap(spec, error);
    }
  }

  /** A gap fact for `error`; counted in progress when it passes through a section. */
  gap(spec: Pick<SectionSpec, 'source' | 'covers'>, error: ConnectorError): GapFact {
    return {
      type: 'gap',
      connection: this.ctx.connection,
      provider: this.provider,
      source: spec.source,
      observedAt: this.ctx.now().toISOString(),
      code: error.code,
      covers: [...spec.covers],
      message: redactProviderText(error.message),
      remedy: redactProviderText(remedyFor(error)),
      ...(error.details.permission ? { permission: error.details.permission } : {}),
      ...(error.details.licence ? { licence: error.details.licence } : {}),
    };
  }
}
