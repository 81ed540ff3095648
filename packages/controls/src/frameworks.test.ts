import { describe, expect, it } from 'vitest';
import { byFramework, groupByFrameworkRef } from './by-framework.ts';
import { CATALOG } from './catalog/index.ts';
import { evaluate } from './evaluate.ts';
import { FRAMEWORKS, isFrameworkId } from './frameworks.ts';
import { describeParams } from './params.ts';
import { logSource, NOW } from './testing/builders.ts';

describe('the catalog', () => {
  it('holds MFA-01…MFA-08 and LOG-01…LOG-10 at least, with unique ids', () => {
    const ids = CATALOG.map((c) => c.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (let i = 1; i <= 8; i++) expect(ids).toContain(`MFA-0${i}`);
    for (let i = 1; i <= 10; i++) expect(ids).toContain(`LOG-${String(i).padStart(2, '0')}`);
  });

  it.each(CATALOG.map((c) => [c.id, c] as const))('%s is described, parameterised and mapped', (_, c) => {
    for (const text of [c.title, c.requirement, c.rationale, c.remediation]) expect(text.length).toBeGreaterThan(20);
    expect(c.needs.length).toBeGreaterThan(0);
    expect(c.mappings.length).toBeGreaterThanOrEqual(2);
    for (const m of c.mappings) expect(isFrameworkId(m.framework)).toBe(true);
    const params = describeParams(c.params);
    expect(params.map((p) => p.name)).toEqual(expect.arrayContaining(['freshnessDays', 'unknownShareLimit']));
    for (const p of params) {
      expect(p.default).toBeDefined();
      expect(p.description.length).toBeGreaterThan(10);
    }
  });

  it('uses the thresholds the frameworks set', () => {
    const defaults = (id: string) => CATALOG.find((c) => c.id === id)!.params.parse({});
    expect(defaults('LOG-03')).toMatchObject({ minRetentionDays: 90, freshnessDays: 7, unknownShareLimit: 0.05 });
    expect(defaults('LOG-04')).toMatchObject({ minRetentionDays: 180, partialRetentionDays: 90 });
    expect(defaults('MFA-01')).toMatchObject({ partialBand: 0.9 });
  });
});

describe('frameworks', () => {
  it('are data with an id, name, version and url, each mapped by some control', () => {
    for (const f of FRAMEWORKS) {
      expect(f.url).toMatch(/^https:\/\//);
      expect(byFramework(f.id).controls.length).toBeGreaterThan(0);
    }
  });

  it('list the controls that map to one framework with their references', () => {
    const cis = byFramework('cis-v8');
    expect(cis.framework.name).toMatch(/CIS/);
    expect(cis.controls.find((c) => c.id === 'LOG-03')?.refs.map((r) => r.ref)).toEqual(['8.10']);
    expect(cis.controls.every((c) => c.refs.every((r) => r.framework === 'cis-v8'))).toBe(true);
  });

  it('group results by reference with the worst status, references in natural order', async () => {
    const results = await evaluate([logSource('a', { nativeRetentionDays: 120, destinations: [] })], { now: NOW });
    const groups = groupByFrameworkRef(results, 'cis-v8');
    const refs = groups.map((g) => g.ref);
    expect(refs.indexOf('8.2')).toBeLessThan(refs.indexOf('8.10'));
    const retention = groups.find((g) => g.ref === '8.10')!;
    expect(retention.results.map((r) => r.controlId)).toEqual(['LOG-03', 'LOG-04']);
    expect(retention.status).toBe('partial');
    expect(retention.evidence.length).toBe(2);
  });
});
