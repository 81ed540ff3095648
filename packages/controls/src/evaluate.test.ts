import { ConflictError, type Fact, InvalidInputError } from '@evident/core';
import { describe, expect, it } from 'vitest';
import { CATALOG } from './catalog/index.ts';
import { evaluate, startEvaluation } from './evaluate.ts';
import {
  admin,
  daysBefore,
  ENTRA,
  exception,
  GITHUB,
  gap,
  identity,
  logSource,
  NOW,
  OBSERVED,
  on,
  unenforced,
} from './testing/builders.ts';
import { evaluateOne } from './testing/check.ts';

const facts: Fact[] = [
  identity('u1'),
  unenforced('u2'),
  admin('a1'),
  logSource('l1'),
  ...on(GITHUB, [identity('octo', { provider: 'github', source: 'GET /orgs/acme/members' })]),
];

describe('evaluate', () => {
  it('returns one result per control, in catalog order, stamped with the evaluation time', async () => {
    const results = await evaluate(facts, { now: NOW });
    expect(results.map((r) => r.controlId)).toEqual(CATALOG.map((c) => c.id));
    for (const r of results) expect(r.evaluatedAt).toBe(NOW.toISOString());
  });

  it('evaluates only the controls asked for', async () => {
    const results = await evaluate(facts, { now: NOW, controls: ['LOG-03', 'MFA-01'] });
    expect(results.map((r) => r.controlId)).toEqual(['MFA-01', 'LOG-03']);
  });

  it('aggregates evidence per connection and source, with counts and the newest observation', async () => {
    const newer = identity('u3', { observedAt: '2026-11-01T18:00:00Z' });
    const r = await evaluateOne('MFA-01', [...facts, newer, identity('u4', { observedAt: daysBefore(3) })]);
    expect(r.evidence).toEqual([
      { connection: ENTRA, source: newer.source, observedAt: newer.observedAt, facts: 5 },
      { connection: GITHUB, source: 'GET /orgs/acme/members', observedAt: OBSERVED, facts: 1 },
    ]);
    expect(r.factsAsOf).toBe(daysBefore(3));
  });

  it('matches a gap only to the controls whose needs it covers', async () => {
    const results = await evaluate([...facts, gap(['identity.privileged'])], { now: NOW });
    const status = Object.fromEntries(results.map((r) => [r.controlId, r.status]));
    expect(status['MFA-02']).toBe('unknown');
    expect(status['MFA-05']).toBe('unknown');
    expect(status['MFA-01']).toBe('fail');
    expect(status['LOG-03']).toBe('pass');
  });

  it('lets a broad gap cover every narrower need', async () => {
    const r = await evaluateOne('LOG-04', [logSource('l1'), gap(['logSource'], { connection: 'gcp-prod' })]);
    expect(r.status).toBe('unknown');
  });

  it('says why when a connection yielded nothing but a gap', async () => {
    const r = await evaluateOne('MFA-01', [
      gap(['identity'], { connection: 'gcp-prod' }),
      ...on(GITHUB, [identity('octo')]),
    ]);
    expect(r.status).toBe('unknown');
    expect(r.reason).toMatch(/permission_missing on gcp-prod/);
  });

  it('keeps a known failure on one connection above missing evidence on another', async () => {
    const r = await evaluateOne('MFA-01', [identity('u1'), gap(['identity']), ...on(GITHUB, [unenforced('octo')])]);
    expect(r.status).toBe('fail');
    expect(r.reason).toMatch(/permission_missing on entra-contoso/);
    expect(r.failing.map((f) => f.subject)).toEqual(['octo']);
  });

  it('still lists what is known to fail when evidence is missing', async () => {
    const r = await evaluateOne('MFA-01', [unenforced('u2'), gap(['identity'])]);
    expect(r.status).toBe('unknown');
    expect(r.failing.map((f) => f.subject)).toEqual(['u2']);
    expect(r.reason).toMatch(/what was collected says 0 of 1 human user is forced through MFA/);
  });

  it('measures staleness from each connection’s oldest fact used', async () => {
    const stale = await evaluateOne('MFA-01', [identity('u1'), identity('old', { observedAt: daysBefore(8) })]);
    expect(stale.status).toBe('unknown');
    expect(stale.reason).toMatch(/^Evidence from entra-contoso is 8 days old/);
    const unused = await evaluateOne('MFA-01', [identity('u1'), logSource('old', { observedAt: daysBefore(30) })]);
    expect(unused.status).toBe('pass');
  });

  it('prefers the later-expiring of several matching exceptions', async () => {
    const r = await evaluateOne('MFA-01', [identity('u1'), unenforced('u2')], {
      exceptions: [
        exception('MFA-01', 'u2', { id: 'soon', expiresAt: daysBefore(-2) }),
        exception('MFA-01', 'u2', { id: 'later', expiresAt: daysBefore(-9) }),
      ],
    });
    expect(r.excepted.map((e) => e.exceptionId)).toEqual(['later']);
  });

  it('applies an exception for every subject (`*`) to each subject of its control, and to no other control', async () => {
    const facts = [identity('u1'), unenforced('u2'), unenforced('u3')];
    const r = await evaluateOne('MFA-01', facts, { exceptions: [exception('MFA-01', '*')] });
    expect(r.failing).toEqual([]);
    // Each excepted entry names the real subject, as a named exception's would, never `*`.
    expect(r.excepted.map((e) => e.subject).sort()).toEqual(['u1', 'u2', 'u3']);
    expect(r.status).not.toBe('fail');
    const other = await evaluateOne('MFA-01', facts, { exceptions: [exception('MFA-02', '*')] });
    expect(other.failing.map((f) => f.subject)).toEqual(['u2', 'u3']);
  });

  it('applies an exception naming a connection only there', async () => {
    const r = await evaluateOne('MFA-01', [unenforced('u2'), ...on(GITHUB, [unenforced('u2')])], {
      exceptions: [exception('MFA-01', 'u2', { connection: GITHUB })],
    });
    expect(r.excepted.map((e) => e.connection)).toEqual([GITHUB]);
    expect(r.failing.map((f) => f.connection)).toEqual([ENTRA]);
  });

  it('rejects unknown controls, parameters for unknown controls, bad parameter values and a bad date', () => {
    expect(() => startEvaluation({ now: NOW, controls: ['MFA-99'] })).toThrow(InvalidInputError);
    expect(() => startEvaluation({ now: NOW, params: { 'MFA-99': {} } })).toThrow(InvalidInputError);
    expect(() => startEvaluation({ now: new Date('nope') })).toThrow(InvalidInputError);
    try {
      startEvaluation({ now: NOW, params: { 'MFA-01': { partialBand: 2, typo: 1 } } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidInputError);
      expect((e as InvalidInputError).issues.map((i) => i.path)).toEqual(['MFA-01.partialBand', 'MFA-01']);
    }
  });

  it('takes facts pushed from several sources into one pass, and refuses facts after finishing', async () => {
    const run = startEvaluation({ now: NOW });
    for (const f of facts.slice(0, 2)) run.add(f);
    for (const f of facts.slice(2)) run.add(f);
    const pushed = run.finish();
    expect(pushed).toEqual(await evaluate(facts, { now: NOW }));
    expect(() => run.add(facts[0]!)).toThrow(ConflictError);
  });

  it('keeps only what the result needs while streaming many facts', async () => {
    async function* stream() {
      for (let i = 0; i < 50_000; i++) yield identity(`u${i}`, { name: `u${i}@contoso.example` });
    }
    const [r] = await evaluate(stream(), { now: NOW, controls: ['MFA-01'] });
    expect(r).toMatchObject({ status: 'pass', coverage: { numerator: 50_000, denominator: 50_000 }, failing: [] });
    expect(r!.evidence).toHaveLength(1);
  });
});
