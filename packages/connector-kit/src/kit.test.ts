import type { Fact } from '@evident/core';
import { describe, expect, it } from 'vitest';
import { createContext } from './context.ts';
import { ConnectorError } from './errors.ts';
import { createLimiter } from './limiter.ts';
import { withRetry } from './retry.ts';
import { CollectionSession } from './session.ts';

const throttled = (ms?: number) =>
  new ConnectorError('throttled', 'slow down', ms === undefined ? {} : { retryAfterMs: ms });

describe('withRetry', () => {
  it('waits what Retry-After says, then succeeds', async () => {
    const waits: number[] = [];
    let calls = 0;
    const value = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw throttled(20);
        return 'ok';
      },
      { onWait: (ms) => waits.push(ms) },
    );
    expect(value).toBe('ok');
    expect(waits).toEqual([20, 20]);
  });

  it('gives up after the bound with the classified error', async () => {
    let calls = 0;
    const run = withRetry(
      async () => {
        calls++;
        throw throttled(1);
      },
      { attempts: 3 },
    );
    await expect(run).rejects.toMatchObject({ code: 'throttled' });
    expect(calls).toBe(3);
  });

  it('does not retry what retrying cannot fix', async () => {
    let calls = 0;
    const run = withRetry(async () => {
      calls++;
      throw new ConnectorError('permission_missing', 'no', { permission: 'X.Read' });
    });
    await expect(run).rejects.toMatchObject({ code: 'permission_missing' });
    expect(calls).toBe(1);
  });

  it('backs off exponentially within the cap when the provider gives no delay', async () => {
    const waits: number[] = [];
    await expect(
      withRetry(
        async () => {
          throw throttled();
        },
        { attempts: 4, baseDelayMs: 8, maxDelayMs: 20, onWait: (ms) => waits.push(ms) },
      ),
    ).rejects.toThrow();
    expect(waits).toHaveLength(3);
    for (const w of waits) expect(w).toBeLessThanOrEqual(20);
  });
});

describe('createLimiter', () => {
  it('keeps concurrency within the bound', async () => {
    const limiter = createLimiter({ concurrency: 2 });
    let active = 0;
    let peak = 0;
    const task = () =>
      limiter.schedule(async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 5));
        active--;
      });
    await Promise.all(Array.from({ length: 8 }, task));
    expect(peak).toBe(2);
  });

  it('spaces starts to the rate', async () => {
    const limiter = createLimiter({ concurrency: 10, perSecond: 50 });
    const starts: number[] = [];
    await Promise.all(Array.from({ length: 75 }, () => limiter.schedule(async () => starts.push(Date.now()))));
    // 50 start at once from the full bucket; the other 25 need about half a second of refill.
    expect(starts.at(-1)! - starts[0]!).toBeGreaterThanOrEqual(400);
  });
});

describe('CollectionSession', () => {
  const ctx = () =>
    createContext({ connection: 'c1', config: {}, secret: {}, now: () => new Date('2026-11-01T00:00:00Z') });
  const fact = {
    type: 'setting',
    connection: 'c1',
    provider: 'github',
    source: 's',
    observedAt: '2026-11-01T00:00:00Z',
    subject: 'k',
    scope: 'o',
    value: true,
  } as const;

  async function drain(it: AsyncIterable<Fact>) {
    const out: Fact[] = [];
    for await (const f of it) out.push(f);
    return out;
  }

  it('turns a failed section into a gap covering what it would have read', async () => {
    const session = new CollectionSession(ctx(), 'github');
    const out = await drain(
      session.section({ phase: 'members', source: 'GET /orgs/o/members', covers: ['identity'] }, async function* () {
        yield fact;
        throw new ConnectorError('permission_missing', 'Only owners can use this filter.', { permission: 'org owner' });
      }),
    );
    expect(out).toHaveLength(2);
    expect(out[1]).toMatchObject({
      type: 'gap',
      code: 'permission_missing',
      covers: ['identity'],
      permission: 'org owner',
    });
    expect(out[1]).toHaveProperty('remedy', expect.stringContaining('org owner'));
    expect(session.progress).toMatchObject({ facts: 1, gaps: 1 });
  });

  it('makes no further provider call once the credentials were refused', async () => {
    const session = new CollectionSession(ctx(), 'github');
    let calls = 0;
    const refused = () =>
      session.call(async () => {
        calls++;
        throw new ConnectorError('auth_failed', 'Bad credentials');
      });
    await expect(refused()).rejects.toMatchObject({ code: 'auth_failed' });
    await expect(refused()).rejects.toMatchObject({ code: 'auth_failed' });
    expect(calls).toBe(1);
  });

  it('skips the remaining sections after an authentication failure, with a gap each', async () => {
    const session = new CollectionSession(ctx(), 'github');
    let ran = false;
    const first = await drain(
      session.section({ phase: 'a', source: 'a', covers: ['setting'] }, () => ({
        [Symbol.asyncIterator]: () => ({
          next: () => Promise.reject(new ConnectorError('auth_failed', 'Bad credentials')),
        }),
      })),
    );
    const second = await drain(
      session.section({ phase: 'b', source: 'b', covers: ['identity'] }, async function* () {
        ran = true;
        yield fact;
      }),
    );
    expect(ran).toBe(false);
    expect([...first, ...second].map((f) => f.type === 'gap' && f.code)).toEqual(['auth_failed', 'auth_failed']);
  });
});
