import type { CheckItem } from '@evident/connector-kit';
import { preset } from '@evident/simulators';
import { afterEach, describe, expect, it } from 'vitest';
import type { GithubConfig } from '../config.ts';
import { createGithubConnector } from '../connector.ts';
import { FAST, type Simulation, simulate } from './sim.fixture.ts';

let s: Simulation | undefined;
afterEach(async () => {
  await s?.sim.close();
  s = undefined;
});

async function check(sim: Simulation, config: Partial<GithubConfig> = {}, token?: string) {
  const result = await createGithubConnector(FAST).check(sim.context(config, token).ctx);
  const status = Object.fromEntries(result.items.map((i) => [i.name, i.status]));
  const byName = new Map<string, CheckItem>(result.items.map((i) => [i.name, i]));
  return { ok: result.ok, status, byName };
}

const NAMES = [
  'token',
  'read:org',
  'admin:org',
  'organization owner',
  'GitHub Enterprise Cloud',
  'read:audit_log',
  'admin:enterprise',
];

describe('check', () => {
  it('fails on a token GitHub does not know, says so, and grants nothing', async () => {
    s = await simulate(preset('healthy'));
    const r = await check(s, { enterprise: 'northwind' }, 'ghp_guessed0000000000000000000000000000');
    expect(r.ok).toBe(false);
    expect(r.byName.get('token')).toMatchObject({
      status: 'missing',
      message: expect.stringMatching(/Bad credentials/),
    });
    expect(Object.values(r.status).filter((v) => v === 'granted')).toEqual([]);
  });

  it('grants everything to an enterprise owner on Enterprise Cloud', async () => {
    s = await simulate(preset('healthy'));
    const r = await check(s, { enterprise: 'northwind' });
    expect(Object.keys(r.status)).toEqual(NAMES);
    expect(Object.values(r.status)).toEqual(NAMES.map(() => 'granted'));
    expect(r.ok).toBe(true);
    expect(r.byName.get('token')?.message).toMatch(/northwind-owner-1/);
  });

  it('names the missing plan on Team, and leaves what it cannot test unknown', async () => {
    s = await simulate(preset('admins-unenforced'));
    const r = await check(s);
    expect(r.status).toMatchObject({
      'read:org': 'granted',
      'organization owner': 'granted',
      'GitHub Enterprise Cloud': 'missing',
      'read:audit_log': 'unknown',
      'admin:enterprise': 'unknown',
    });
    expect(r.ok).toBe(true);
  });

  it('names the owner role a plain member lacks', async () => {
    s = await simulate(preset('github-non-owner'));
    const r = await check(s);
    expect(r.status).toMatchObject({
      token: 'granted',
      'read:org': 'granted',
      'organization owner': 'missing',
      'GitHub Enterprise Cloud': 'unknown',
    });
    expect(r.byName.get('organization owner')?.message).toMatch(/not an organization owner/);
  });

  it('stops at a refused token, with the rest unknown', async () => {
    s = await simulate(preset('healthy'));
    const r = await check(s, {}, 'ghp_nobody_owner');
    expect(r.ok).toBe(false);
    expect(r.status.token).toBe('missing');
    expect(r.byName.get('token')?.message).toMatch(/401/);
    expect(NAMES.slice(1).map((n) => r.status[n])).toEqual(NAMES.slice(1).map(() => 'unknown'));
  });

  it.each([
    ['members:read', 'read:org', /hid the organization members/],
    ['administration:read', 'read:audit_log', /Needs administration:read/],
    ['enterprise_administration:read', 'admin:enterprise', /Needs enterprise_administration:read/],
  ])('names %s when it is revoked', async (permission, item, message) => {
    s = await simulate(preset('healthy'), { faults: { revokePermission: { after: 0, permission } } });
    const r = await check(s, { enterprise: 'northwind' });
    expect(r.status[item]).toBe('missing');
    expect(r.byName.get(item)?.message).toMatch(message);
    expect(r.ok).toBe(item !== 'read:org');
  });

  it('says when the org is not there, or not visible', async () => {
    s = await simulate(preset('healthy'));
    const r = await check(s, { org: 'no-such-org' });
    expect(r.ok).toBe(false);
    expect(r.status['read:org']).toBe('missing');
    expect(r.byName.get('read:org')?.message).toMatch(/misspelled/);
  });

  it('says when the enterprise slug leads nowhere', async () => {
    s = await simulate(preset('healthy'));
    const r = await check(s, { enterprise: 'no-such-enterprise' });
    expect(r.status['admin:enterprise']).toBe('missing');
    expect(r.byName.get('admin:enterprise')?.message).toMatch(/enterprise was not found/);
  });
});
