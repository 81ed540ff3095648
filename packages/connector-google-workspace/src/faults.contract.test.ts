import type { WorkspaceSimulator } from '@evident/simulators/workspace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collect, identity, startPreset } from './contract.fixture.ts';
import { GOOGLE_WORKSPACE_SCOPES } from './index.ts';

describe('faults', () => {
  let sim: WorkspaceSimulator;
  beforeAll(async () => {
    sim = await startPreset('weak');
  });
  afterAll(() => sim.close());

  it('waits out 429 rateLimitExceeded and 503 answers, then reads everything', async () => {
    sim.faults.throttle = 2;
    sim.faults.serverErrors = 1;
    const run = await collect(sim);
    expect(run.identities).toHaveLength(sim.world.userCount);
    expect(run.logs).toHaveLength(2);
    expect(run.progress?.throttleWaits).toBe(2);
  });

  it('turns a quota that never lets up into a throttled gap covering what it would have read', async () => {
    sim.faults.throttle = 1_000;
    try {
      const run = await collect(sim);
      expect(run.identities).toHaveLength(0);
      const users = run.gaps.find((g) => g.covers.includes('identity'));
      expect(users?.code).toBe('throttled');
      expect(run.gaps.find((g) => g.covers.includes('logSource.sign_in'))?.code).toBe('throttled');
    } finally {
      sim.faults.throttle = 0;
    }
  });

  it('makes delegated admins privileged-unknown when roles cannot be read; super admins stay privileged', async () => {
    sim.faults.rolesForbidden = true;
    try {
      const run = await collect(sim);
      const gap = run.gaps.find((g) => g.covers.includes('identity.privileged'));
      expect(gap).toMatchObject({ code: 'permission_missing' });
      expect(gap?.remedy).toContain('Admin roles → Read');
      expect(identity(run, 'user2@example.org').privileged).toBe('unknown');
      expect(identity(run, 'user1@example.org').privileged).toBe(true);
      expect(identity(run, 'user5@example.org').privileged).toBe(false);
    } finally {
      sim.faults.rolesForbidden = false;
    }
  });

  it('names the missing delegation for one scope and still reads the others', async () => {
    const kept = sim.world.delegatedScopes;
    sim.world.delegatedScopes = kept.filter((s) => s !== GOOGLE_WORKSPACE_SCOPES.users);
    try {
      const run = await collect(sim);
      expect(run.identities).toHaveLength(0);
      const gap = run.gaps.find((g) => g.covers.includes('identity'));
      expect(gap).toMatchObject({
        code: 'permission_missing',
        permission: `domain-wide delegation of ${GOOGLE_WORKSPACE_SCOPES.users}`,
      });
      expect(run.logs).toHaveLength(2);
    } finally {
      sim.world.delegatedScopes = kept;
    }
  });

  it('after a refused key, every section is a gap and nothing else is asked', async () => {
    const run = await collect(sim, { adminEmail: 'nobody@example.org' });
    expect(run.identities).toHaveLength(0);
    expect(run.logs).toHaveLength(0);
    const refused = run.gaps.filter((g) => g.code === 'auth_failed');
    expect(refused.length).toBeGreaterThanOrEqual(3);
    expect(refused[0]?.message).toContain('Invalid email or User ID');
  });
});
