import { describe, expect, it } from 'vitest';
import { isFactRule } from '../control.ts';
import { at, daysBefore, exception, gap } from '../testing/builders.ts';
import { check, evaluateOne } from '../testing/check.ts';
import { SPECS } from '../testing/specs.ts';
import { CATALOG, controlById } from './index.ts';

describe.each(SPECS)('$id, the rules every control keeps', (spec) => {
  const control = controlById(spec.id)!;
  const { bad } = spec;
  const connection = spec.pass[0]!.connection;

  it('passes on compliant facts', () =>
    check(spec.id, { name: 'pass', facts: spec.pass, status: 'pass', failing: [] }));

  it('lists the bad subject with a specific why', async () => {
    const r = await check(spec.id, { name: 'bad', facts: bad.facts, status: bad.status, failing: [bad.subject] });
    expect(r.failing[0]!.connection).toBe(connection);
    expect(r.failing[0]!.why.length).toBeGreaterThan(5);
  });

  it.each(control.needs)('is unknown when a gap covers its need %s, naming the gap', async (need) => {
    const g = gap([need], { connection });
    const r = await check(spec.id, { name: 'gap', facts: [...spec.pass, g], status: 'unknown' });
    for (const part of [g.code, connection, g.message, g.remedy]) expect(r.reason).toContain(part);
    expect(r.evidence.some((e) => e.source === g.source)).toBe(true);
  });

  it('ignores a gap that covers none of its needs, or another kind of evidence', () =>
    check(spec.id, {
      name: 'other gap',
      facts: [...spec.pass, gap(['alertRule.other'], { connection })],
      status: 'pass',
    }));

  it('is unknown when its evidence is older than the freshness window', () =>
    check(spec.id, {
      name: 'stale',
      facts: at(daysBefore(10), spec.pass),
      status: 'unknown',
      reason: new RegExp(`evidence from ${connection} is 10 days old`, 'i'),
    }));

  it('accepts older evidence when the freshness window is widened', () =>
    check(spec.id, {
      name: 'wide',
      facts: at(daysBefore(10), spec.pass),
      status: 'pass',
      params: { freshnessDays: 11 },
    }));

  it('excuses an excepted subject: listed, neither failing nor covered, and said in the reason', async () => {
    const r = await check(spec.id, {
      name: 'excepted',
      facts: bad.facts,
      exceptions: [exception(spec.id, bad.subject)],
      status: bad.exceptedStatus,
      failing: [],
      excepted: [bad.subject],
      reason: /excepted/,
    });
    expect(r.excepted[0]).toMatchObject({ approver: 'ciso@contoso.example', exceptionId: `exc-${bad.subject}` });
  });

  it('excuses through a wildcard exception', () =>
    check(spec.id, {
      name: 'wildcard',
      facts: bad.facts,
      exceptions: [exception('*', bad.subject)],
      status: bad.exceptedStatus,
      excepted: [bad.subject],
    }));

  it('no longer excuses with an expired exception, and says it expired', () =>
    check(spec.id, {
      name: 'expired',
      facts: bad.facts,
      exceptions: [exception(spec.id, bad.subject, { expiresAt: daysBefore(1) })],
      status: bad.status,
      failing: [bad.subject],
      excepted: [],
      why: /expired/,
    }));

  it('ignores an exception for another control or another connection', () =>
    check(spec.id, {
      name: 'elsewhere',
      facts: bad.facts,
      exceptions: [exception('XYZ-01', bad.subject), exception(spec.id, bad.subject, { connection: 'elsewhere' })],
      status: bad.status,
      failing: [bad.subject],
    }));

  it('is not applicable when nothing it rests on was collected', () =>
    check(spec.id, {
      name: 'empty',
      facts: [],
      status: 'not_applicable',
      coverage: [0, 0],
      reason: /nothing is in scope/,
    }));

  it('records evidence per connection and source, and the oldest observation', async () => {
    const old = { ...spec.pass[0]!, observedAt: daysBefore(2) };
    const r = await evaluateOne(spec.id, [old, ...spec.pass.slice(1)]);
    expect(r.factsAsOf).toBe(old.observedAt);
    expect(r.evidence.length).toBeGreaterThan(0);
    for (const e of r.evidence) expect(e.facts).toBeGreaterThan(0);
  });
});

describe('the catalog', () => {
  it('has a spec for every control with facts to rest on', () => {
    const factControls = CATALOG.filter((c) => isFactRule(c.rule)).map((c) => c.id);
    expect(SPECS.map((s) => s.id).sort()).toEqual(factControls.sort());
  });
});
