import type { RunProgress } from '@evident/api';
import { waitForRun } from '@evident/pipeline';
import { openWorld, type World } from '@evident/pipeline/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAssessments } from './assessments.ts';

async function collect(updates: AsyncIterable<RunProgress>) {
  const out: RunProgress[] = [];
  for await (const u of updates) out.push(u);
  return out;
}

describe('run progress', () => {
  let world: World;
  let assessments: ReturnType<typeof createAssessments>;

  beforeAll(async () => {
    world = await openWorld(['healthy'], 'pg');
    assessments = createAssessments(world.store, world.jobs);
  }, 60_000);

  afterAll(async () => {
    await assessments?.close();
    await world?.close();
  });

  it('gives a subscriber the current state first, then updates until the run is done', async () => {
    const tenant = [...world.tenants.values()][0]!;
    const runId = await assessments.assessNow(world.org, tenant, async () => {});
    // Subscribed before any worker runs: the first update is the queued state, not nothing.
    const live = collect(assessments.progress(world.org, runId, new AbortController().signal));
    const worker = await world.start();
    try {
      const updates = await live;
      expect(updates[0]!.status).toBe('running');
      expect(updates[0]!.connections.length).toBeGreaterThan(0);
      expect(updates.at(-1)!.status).toBe('succeeded');
      expect(updates.at(-1)!.connections.every((c) => c.done)).toBe(true);
      await waitForRun(world.store, world.org, runId);

      // Subscribed after the run is over (the page opened late, or the stream reconnected): the final state at once.
      const late = await collect(assessments.progress(world.org, runId, new AbortController().signal));
      expect(late).toHaveLength(1);
      expect(late[0]).toEqual(updates.at(-1));
    } finally {
      await worker.close(1_000);
    }
  }, 120_000);
});
