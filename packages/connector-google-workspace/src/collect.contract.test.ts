import { egressPolicy } from '@evident/connector-kit';
import { fact } from '@evident/core';
import type { WorkspaceSimulator } from '@evident/simulators/workspace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { googleWorkspaceConfig, googleWorkspaceSecret } from './config.ts';
import { collect, identity, startPreset } from './contract.fixture.ts';
import { AUDIT_RETENTION_DAYS } from './map.ts';

describe('collect against the healthy preset', () => {
  let sim: WorkspaceSimulator;
  beforeAll(async () => {
    sim = await startPreset('healthy');
  });
  afterAll(() => sim.close());

  it('reads every user, with enforcement computed from isEnforcedIn2Sv and enrolment', async () => {
    const run = await collect(sim);
    for (const f of run.all) expect(() => fact.parse(f)).not.toThrow();
    expect(run.identities).toHaveLength(sim.world.userCount);
    const superAdmin = identity(run, 'user1@example.org');
    expect(superAdmin).toMatchObject({
      provider: 'google-workspace',
      kind: 'human',
      enabled: true,
      privileged: true,
      roles: ['Super Admin'],
      mfaRegistered: true,
      mfaEnforced: true,
      enforcementSource: 'policy',
      enforcementReason: 'enforced_policy',
      phishingResistantRegistered: 'unknown',
    });
    expect(identity(run, 'user2@example.org')).toMatchObject({ privileged: true, roles: ['User Management Admin'] });
    // The impersonated reader holds a role that only reads.
    expect(identity(run, 'reader@example.org')).toMatchObject({ privileged: false, roles: ['Evident reader'] });
    expect(identity(run, 'user5@example.org')).toMatchObject({ privileged: false, roles: [] });
    expect(identity(run, 'user6@example.org').lastSignIn).toBeNull();
  });

  it('reports the login and admin audit logs with Google’s fixed retention and their newest event', async () => {
    const run = await collect(sim);
    const byCategory = new Map(run.logs.map((l) => [l.category, l]));
    expect(byCategory.get('sign_in')).toMatchObject({
      scope: 'example.org',
      important: true,
      enabled: true,
      nativeRetentionDays: AUDIT_RETENTION_DAYS,
      locked: true,
      lastEventAt: sim.world.newest.login,
    });
    expect(byCategory.get('sign_in')?.source).toContain('fixed by Google');
    expect(byCategory.get('admin_audit')?.lastEventAt).toBe(sim.world.newest.admin);
    // Export is not readable: a gap says so, never an empty list taken as "not exported".
    const exported = run.gaps.find((g) => g.covers.includes('logSource.destinations'));
    expect(exported).toMatchObject({ code: 'not_supported' });
    expect(exported?.message).toContain('BigQuery');
    const methods = run.gaps.find((g) => g.covers.includes('identity.phishingResistantRegistered'));
    expect(methods?.code).toBe('not_supported');
    expect(run.gaps).toHaveLength(3);
  });
});

describe('collect against the weak preset', () => {
  let sim: WorkspaceSimulator;
  beforeAll(async () => {
    sim = await startPreset('weak');
  });
  afterAll(() => sim.close());

  it('never counts enrolment as enforcement, and keeps a suspended super admin out of sign-in scope', async () => {
    const run = await collect(sim);
    expect(identity(run, 'user1@example.org')).toMatchObject({
      privileged: true,
      mfaRegistered: true,
      mfaEnforced: false,
      enforcementSource: 'none',
      enforcementReason: 'registered_not_enforced',
    });
    expect(identity(run, 'user2@example.org')).toMatchObject({ privileged: true, mfaEnforced: false });
    expect(identity(run, 'user3@example.org')).toMatchObject({
      enabled: false,
      privileged: true,
      mfaRegistered: false,
      mfaEnforced: false,
      enforcementReason: 'not_registered',
    });
  });

  it('declares break-glass and MSP accounts as configured', async () => {
    const run = await collect(sim, { breakGlass: ['user5@example.org'], mspAccounts: ['user7@example.org'] });
    expect(identity(run, 'user5@example.org').kind).toBe('break_glass');
    expect(identity(run, 'user7@example.org').mspPrincipal).toBe(true);
    expect(identity(run, 'user8@example.org').mspPrincipal).toBe(false);
    const undeclared = await collect(sim);
    expect(identity(undeclared, 'user8@example.org').mspPrincipal).toBe('unknown');
  });
});

describe('a connection as the simulators hand it out', () => {
  it('parses with the connector’s schemas and collects', async () => {
    const { startSimulators } = await import('@evident/simulators');
    const sims = await startSimulators({
      tenants: [{ name: 'acme', workspace: { preset: 'weak', domain: 'acme.example' } }],
    });
    try {
      const [c] = sims.connections('acme');
      const config = googleWorkspaceConfig.parse(c!.config);
      googleWorkspaceSecret.parse(c!.secret);
      const run = await collect(sims.workspace.acme!, config);
      expect(run.identities).toHaveLength(20);
      expect(run.logs.map((l) => l.scope)).toEqual(['acme.example', 'acme.example']);
    } finally {
      await sims.close();
    }
  });

  it('refuses an endpoint override the deployment does not allow', async () => {
    const { contextFor } = await import('./contract.fixture.ts');
    const sim = await startPreset('healthy');
    try {
      expect(() => contextFor(sim, {}, { egress: egressPolicy(undefined) })).toThrow(
        expect.objectContaining({ issues: [expect.objectContaining({ path: 'endpoints.api' })] }),
      );
    } finally {
      await sim.close();
    }
  });
});
