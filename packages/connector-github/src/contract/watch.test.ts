import { type ChangeRead, ConnectorError, createLimiter } from '@evident/connector-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { createGithubConnector } from '../connector.ts';
import { MAX_PAGES } from '../watch.ts';
import { FAST, NOW, type Simulation, simulate } from './sim.fixture.ts';

const ORG = 'contoso';
const world = (github: Record<string, unknown> = {}) => ({
  tenants: [{ name: 'contoso', github: { org: ORG, plan: 'enterprise' as const, members: 40, ...github } }],
});
const LAG = 5 * 60_000;
const SECOND = 1000;

let s: Simulation | undefined;
let clock = NOW.getTime();
afterEach(async () => {
  await s?.sim.close();
  s = undefined;
});

/** A simulator and a watcher sharing one clock that the test moves; `calls` counts the limiter's slots taken. */
async function watching(github: Record<string, unknown> = {}, requirementOnly = true) {
  clock = NOW.getTime();
  s = await simulate(world(github), { sim: { now: () => clock } });
  const base = createLimiter({ concurrency: 2 });
  const limiter = {
    calls: 0,
    schedule: <T>(fn: () => Promise<T>, signal?: AbortSignal) => {
      limiter.calls++;
      return base.schedule(fn, signal);
    },
  };
  const ctx = { ...s.context().ctx, limiter, now: () => new Date(clock) };
  const watch = createGithubConnector({ ...FAST, watchLagMs: LAG, watchRequirementOnly: requirementOnly }).watch!;
  return { sim: s.sim, limiter, read: (cursor: string | null) => watch.read(ctx, cursor) };
}

const ids = (r: ChangeRead) => r.events.map((e) => e.id);
const from = (r: ChangeRead) => (JSON.parse(r.cursor) as { from: number }).from;

describe('GitHub change watch over the org audit log, through Octokit', () => {
  it('finds the 2FA requirement turned off once GitHub shows it, and again in the overlapping read', async () => {
    const w = await watching();
    const first = await w.read(null);
    // The generated history is hours old: the first read looks back only `lagMs`.
    expect(first.events).toEqual([]);
    expect(first.skipped).toEqual([]);
    expect(w.limiter.calls).toBeGreaterThan(0);

    clock += 30 * SECOND;
    w.sim.trail.delayMs = 90 * SECOND;
    const change = w.sim.trail.disableTwoFactorRequirement(ORG);
    clock += 10 * SECOND;
    const early = await w.read(first.cursor);
    expect(early.events).toEqual([]);
    expect(from(early)).toBeGreaterThan(from(first));

    clock += 90 * SECOND;
    const seen = await w.read(early.cursor);
    expect(seen.events).toEqual([
      {
        id: change._document_id,
        at: new Date(change['@timestamp']).toISOString(),
        actor: change.actor,
        action: 'org.disable_two_factor_requirement',
        target: ORG,
      },
    ]);
    expect(from(seen)).toBe(clock);

    clock += SECOND;
    const again = await w.read(seen.cursor);
    expect(ids(again)).toEqual([change._document_id]);
    expect(from(again)).toBeGreaterThan(from(seen));

    // The world changed too: the org now answers that 2FA is not required.
    const org = await fetch(`${w.sim.url}/orgs/${ORG}`, { headers: { authorization: `token ghp_${ORG}_owner` } });
    expect(((await org.json()) as { two_factor_requirement_enabled: boolean }).two_factor_requirement_enabled).toBe(
      false,
    );

    // Once a read has started more than the overlap after it, the next one does not read it again.
    clock += LAG + SECOND;
    const later = await w.read(again.cursor);
    clock += SECOND;
    expect((await w.read(later.cursor)).events).toEqual([]);
  });

  it('reports only the actions that move a verdict, oldest first', async () => {
    const w = await watching();
    const first = await w.read(null);
    const t = w.sim.trail;
    clock += SECOND;
    const added = t.record(ORG, 'org.add_member', { user: 'mallory', user_id: 9 });
    clock += SECOND;
    t.record(ORG, 'repo.create', { repo: `${ORG}/x` });
    clock += SECOND;
    const role = t.record(ORG, 'organization_role.assign', { user: 'mallory' });
    clock += SECOND;
    const stream = t.record(ORG, 'audit_log_streaming.destroy');
    clock += SECOND;
    const read = await w.read(first.cursor);
    expect(ids(read)).toEqual([added._document_id, role._document_id, stream._document_id]);
    expect(read.events.map((e) => e.target)).toEqual(['mallory', 'mallory', null]);
    expect(read.skipped).toEqual([]);
  });

  it('skips malformed, huge and foreign events with the reason, and reads on', async () => {
    const w = await watching();
    const first = await w.read(null);
    const t = w.sim.trail;
    const base = { '@timestamp': clock, created_at: clock, action: 'org.update_member', actor: 'eve', org: ORG };
    t.inject(ORG, { ...base, _document_id: 'huge', user: 'x'.repeat(40_000) });
    t.inject(ORG, { ...base, _document_id: 'typed', action: { evil: true } });
    t.inject(ORG, { ...base, _document_id: 'foreign', org: 'fabrikam' });
    t.inject(ORG, { ...base, _document_id: 42 });
    t.inject(ORG, { ...base, _document_id: 'late', '@timestamp': 'yesterday' });
    const good = t.record(ORG, 'org.update_member', { user: 'bob' });
    clock += SECOND;
    const read = await w.read(first.cursor);
    expect(ids(read)).toEqual([good._document_id]);
    const reasons = Object.fromEntries(read.skipped.map((k) => [String(k.id), k.reason]));
    expect(Object.keys(reasons).sort()).toEqual(['foreign', 'huge', 'late', 'null', 'typed']);
    expect(reasons.huge).toMatch(/bytes, more than/);
    expect(reasons.typed).toMatch(/malformed event.*action/);
    expect(reasons.foreign).toMatch(/another organization \(fabrikam\)/);
    expect(reasons.null).toMatch(/malformed event.*_document_id/);
    expect(reasons.late).toMatch(/malformed event.*@timestamp/);
  });

  it('follows the Link pages, and a read cut short resumes where it stopped', async () => {
    const w = await watching();
    const first = await w.read(null);
    const written: { id: string; at: number }[] = [];
    for (let i = 0; i < MAX_PAGES * 100 + 150; i++) {
      clock += 10;
      const e = w.sim.trail.record(ORG, 'org.add_member', { user: `u${i}` });
      written.push({ id: e._document_id, at: e['@timestamp'] });
    }
    const one = await w.read(first.cursor);
    expect(ids(one)).toEqual(written.slice(0, MAX_PAGES * 100).map((e) => e.id));
    const last = written[MAX_PAGES * 100 - 1]!.at;
    expect(from(one) - LAG).toBe(last);
    const two = await w.read(one.cursor);
    // It resumes in the second of the last event read (GitHub's search counts seconds): those come again.
    const again = written.filter((e) => e.at >= Math.floor(last / 1000) * 1000);
    expect(ids(two)).toEqual(again.map((e) => e.id));
    expect(again.length).toBeGreaterThan(150);
    expect(w.sim.accounting.total({ endpoint: 'GET /orgs/{org}/audit-log' })).toBeGreaterThan(MAX_PAGES + 2);
  });

  it('an org without Enterprise Cloud has no audit-log API: licence_required, in words', async () => {
    const w = await watching({ plan: 'team' }, false);
    const error = await w.read(null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).code).toBe('licence_required');
    expect((error as ConnectorError).message).toMatch(/Enterprise Cloud only.*404/);
    expect((error as ConnectorError).details.licence).toBe('GitHub Enterprise Cloud');
  });

  it('without the audit-log API it still sees the 2FA requirement change, between two reads', async () => {
    const w = await watching({ plan: 'team' });
    const first = await w.read(null);
    expect(first.events).toEqual([]);
    expect(JSON.parse(first.cursor)).toMatchObject({ twoFactor: true });
    clock += SECOND;
    expect((await w.read(first.cursor)).events).toEqual([]);
    w.sim.trail.disableTwoFactorRequirement(ORG);
    clock += SECOND;
    const seen = await w.read(first.cursor);
    expect(seen.events).toEqual([
      {
        id: `two-factor-requirement:${ORG}:off:${clock}`,
        at: new Date(clock).toISOString(),
        actor: null,
        action: 'org.disable_two_factor_requirement',
        target: ORG,
      },
    ]);
    clock += SECOND;
    expect((await w.read(seen.cursor)).events).toEqual([]);
  });

  it('without the audit-log API, a token that cannot see the requirement gets the plan refusal', async () => {
    const w = await watching({ plan: 'team', tokenIsOwner: false });
    await expect(w.read(null)).rejects.toMatchObject({ code: 'licence_required' });
  });

  it('a token without read:audit_log is refused: permission_missing naming the scope', async () => {
    const w = await watching({ tokenScopes: ['admin:org', 'read:org'] });
    const error = await w.read(null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect((error as ConnectorError).code).toBe('permission_missing');
    expect((error as ConnectorError).details.permission).toBe('read:audit_log');
  });

  it('a cursor it did not write is refused, not taken as "no changes"', async () => {
    const w = await watching();
    await expect(w.read('{"from":"soon"}')).rejects.toMatchObject({ code: 'provider_error' });
  });
});
