import { startWorkspaceSimulator, type WorkspaceSimulator, workspacePreset } from '@evident/simulators/workspace';
import { afterEach, describe, expect, it } from 'vitest';
import { createGoogleWorkspaceConnector } from './connector.ts';
import { contextFor, FAST, NOW } from './contract.fixture.ts';
import { GOOGLE_WORKSPACE_SCOPES } from './index.ts';

const connector = createGoogleWorkspaceConnector(FAST);
let sim: WorkspaceSimulator | undefined;
afterEach(() => sim?.close());

async function start(change: (w: ReturnType<typeof workspacePreset>) => void = () => {}) {
  const world = workspacePreset('healthy', NOW);
  change(world);
  sim = await startWorkspaceSimulator(world);
  return sim;
}

describe('check', () => {
  it('grants every scope and privilege of a well set-up connection', async () => {
    const s = await start();
    const result = await connector.check(contextFor(s));
    expect(result.items.map((i) => i.status)).toEqual(Array(6).fill('granted'));
    expect(result.ok).toBe(true);
  });

  it('names the scope whose domain-wide delegation is missing (unauthorized_client)', async () => {
    const s = await start((w) => {
      w.delegatedScopes = w.delegatedScopes.filter((x) => x !== GOOGLE_WORKSPACE_SCOPES.reports);
    });
    const result = await connector.check(contextFor(s));
    expect(result.ok).toBe(false);
    const missing = result.items.filter((i) => i.status === 'missing');
    expect(missing.map((i) => i.name)).toEqual([`domain-wide delegation of ${GOOGLE_WORKSPACE_SCOPES.reports}`]);
    expect(missing[0]?.message).toContain('unauthorized_client');
    expect(result.items.filter((i) => i.status === 'granted')).toHaveLength(4);
  });

  it('says the key is refused (invalid_grant) and asks nothing more', async () => {
    const s = await start();
    const other = await startWorkspaceSimulator(workspacePreset('healthy', NOW));
    try {
      const ctx = contextFor(s);
      ctx.secret = { serviceAccountKey: { ...other.serviceAccountKey } };
      const result = await connector.check(ctx);
      expect(result.ok).toBe(false);
      expect(result.items).toEqual([expect.objectContaining({ name: 'service-account key', status: 'missing' })]);
      expect(result.items[0]?.message).toContain('invalid_grant');
      expect(s.requests.size).toBe(0);
    } finally {
      await other.close();
    }
  });

  it('names the admin privilege when the impersonated user is not an admin', async () => {
    const s = await start();
    const result = await connector.check(contextFor(s, { adminEmail: 'user5@example.org' }));
    expect(result.ok).toBe(false);
    const missing = result.items.filter((i) => i.status === 'missing').map((i) => i.name);
    expect(missing).toHaveLength(3);
    expect(missing[0]).toContain('Users → Read');
  });
});
