import type { WorkspaceSimulator } from '@evident/simulators/workspace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, startPreset } from './contract.fixture.ts';

describe('a 50,000-user Workspace', () => {
  let sim: WorkspaceSimulator;
  beforeAll(async () => {
    sim = await startPreset('huge');
  });
  afterAll(() => sim.close());

  it('is read page by page at 500 users a page, every user once', async () => {
    const run = await collect(sim);
    expect(run.identities).toHaveLength(50_000);
    expect(new Set(run.identities.map((f) => f.subject)).size).toBe(50_000);
    expect(sim.requests.get('/admin/directory/v1/users')).toBe(100);
    expect(run.identities.filter((f) => f.privileged === true)).toHaveLength(39);
    expect(run.identities.filter((f) => !f.enabled).length).toBeGreaterThan(0);
  }, 120_000);
});
