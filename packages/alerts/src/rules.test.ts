import { idSchema } from '@evident/core';
import { describe, expect, it } from 'vitest';
import { type AlertEvent, deriveEvents } from './events.ts';
import { type AlertRule, alertRuleInput, routeEvents, rulesFor } from './rules.ts';

const tenant = idSchema('ten').parse('ten_0000000000aaaaaaaaaaaaaaaa');
const other = 'ten_0000000000cccccccccccccccc';
const run = (n: number) => idSchema('run').parse(`run_000000000${n}bbbbbbbbbbbbbbbb`);

const events = (statuses: [string, 'pass' | 'fail', 'pass' | 'fail'][], at = '2026-12-01T10:00:00.000Z') =>
  deriveEvents({
    tenantId: tenant,
    runId: run(2),
    previousRunId: run(1),
    before: new Map(statuses.map(([c, b]) => [c, b])),
    after: statuses.map(([controlId, , status]) => ({ controlId, status, reason: 'r', evaluatedAt: at })),
  });

let n = 0;
const rule = (input: Parameters<typeof alertRuleInput.parse>[0]): AlertRule => ({
  id: `alr_${n++}`,
  ...alertRuleInput.parse(input),
});
const route = (evs: AlertEvent[], rules: AlertRule[], extra: { mutedUntil?: Date; last?: [string, string][] } = {}) =>
  routeEvents(evs, tenant, {
    rules,
    mutedUntil: extra.mutedUntil ?? null,
    lastAlerted: new Map((extra.last ?? []).map(([c, at]) => [c, new Date(at)])),
  });

describe('alert rules', () => {
  it('filters by event type, control and framework; an empty filter matches all', () => {
    const evs = events([
      ['MFA-01', 'pass', 'fail'],
      ['LOG-01', 'fail', 'pass'],
    ]);
    const rules = [
      rule({ channelId: 'all' }),
      rule({ channelId: 'regressions', eventTypes: ['control.regressed'] }),
      rule({ channelId: 'log-only', controlIds: ['LOG-01'] }),
      rule({ channelId: 'no-such-framework', frameworks: ['nist-nothing'] }),
      rule({ channelId: 'cis', frameworks: ['cis-v8'] }),
    ];
    const got = route(evs, rules).deliveries.map((d) => `${d.event.controlId}>${d.channelId}`);
    expect(got.sort()).toEqual(
      ['LOG-01>all', 'LOG-01>log-only', 'LOG-01>cis', 'MFA-01>all', 'MFA-01>regressions', 'MFA-01>cis'].sort(),
    );
  });

  it("lets a tenant's own rule for a channel replace the organization's default for that channel only", () => {
    const rules = [
      rule({ channelId: 'mail' }),
      rule({ channelId: 'slack' }),
      rule({ tenantId: tenant, channelId: 'mail', enabled: false }),
      rule({ tenantId: other, channelId: 'slack', enabled: false }),
    ];
    expect(rulesFor(rules, tenant).map((r) => r.channelId)).toEqual(['slack']);
    expect(rulesFor(rules, other).map((r) => r.channelId)).toEqual(['mail']);
  });

  it('sends nothing while the tenant is muted, and everything after', () => {
    const evs = events([['MFA-01', 'pass', 'fail']]);
    const rules = [rule({ channelId: 'all' })];
    expect(route(evs, rules, { mutedUntil: new Date('2026-12-01T11:00:00Z') })).toMatchObject({
      deliveries: [],
      suppressed: [{ why: 'muted' }],
    });
    expect(route(evs, rules, { mutedUntil: new Date('2026-12-01T09:00:00Z') }).deliveries).toHaveLength(1);
  });

  it('suppresses a control that alerted less than an hour ago, not one that alerted earlier', () => {
    const evs = events([['MFA-01', 'fail', 'pass']]);
    const rules = [rule({ channelId: 'a' }), rule({ channelId: 'b' })];
    const flapping = route(evs, rules, { last: [['MFA-01', '2026-12-01T09:20:00Z']] });
    expect(flapping).toMatchObject({ deliveries: [], alerted: [], suppressed: [{ why: 'flapping' }] });
    const settled = route(evs, rules, { last: [['MFA-01', '2026-12-01T08:59:59Z']] });
    expect(settled.deliveries.map((d) => d.channelId)).toEqual(['a', 'b']);
    expect(settled.alerted).toEqual([{ controlId: 'MFA-01', at: new Date('2026-12-01T10:00:00Z') }]);
  });

  it('refuses a rule with an unknown event type', () => {
    expect(() => alertRuleInput.parse({ channelId: 'x', eventTypes: ['control.exploded'] })).toThrow();
  });
});
