import { type ControlStatus, idSchema } from '@evident/core';
import { describe, expect, it } from 'vitest';
import { deriveEvents } from './events.ts';

const tenantId = idSchema('ten').parse('ten_0000000000aaaaaaaaaaaaaaaa');
const runId = idSchema('run').parse('run_0000000001bbbbbbbbbbbbbbbb');
const previousRunId = idSchema('run').parse('run_0000000000bbbbbbbbbbbbbbbb');

const change = (before: Record<string, ControlStatus>, after: Record<string, ControlStatus>) =>
  deriveEvents({
    tenantId,
    runId,
    previousRunId,
    before: new Map(Object.entries(before)),
    after: Object.entries(after).map(([controlId, status]) => ({
      controlId,
      status,
      reason: `${controlId} is ${status}`,
      evaluatedAt: '2026-12-01T10:00:00.000Z',
    })),
  });

describe('alert events', () => {
  it('names each regression from pass, and a recovery, with a key of tenant, control, transition and run', () => {
    const events = change(
      { 'MFA-01': 'pass', 'MFA-02': 'pass', 'LOG-01': 'pass', 'LOG-02': 'fail', 'LOG-03': 'unknown' },
      { 'MFA-01': 'partial', 'MFA-02': 'fail', 'LOG-01': 'unknown', 'LOG-02': 'pass', 'LOG-03': 'pass' },
    );
    expect(events.map((e) => [e.controlId, e.type, e.transition])).toEqual([
      ['LOG-01', 'control.regressed', 'pass_to_unknown'],
      ['LOG-02', 'control.recovered', 'recovered_to_pass'],
      ['LOG-03', 'control.recovered', 'recovered_to_pass'],
      ['MFA-01', 'control.regressed', 'pass_to_partial'],
      ['MFA-02', 'control.regressed', 'pass_to_fail'],
    ]);
    expect(events[0]).toMatchObject({
      from: 'pass',
      to: 'unknown',
      reason: 'LOG-01 is unknown',
      dedupeKey: `${tenantId}:LOG-01:pass_to_unknown:${runId}`,
      previousRunId,
    });
  });

  it('raises nothing for unchanged, new, non-passing or not-applicable moves', () => {
    expect(
      change(
        { 'MFA-01': 'pass', 'MFA-02': 'fail', 'MFA-03': 'partial', 'MFA-04': 'pass' },
        { 'MFA-01': 'pass', 'MFA-02': 'unknown', 'MFA-03': 'fail', 'MFA-04': 'not_applicable', 'MFA-05': 'fail' },
      ),
    ).toEqual([]);
  });

  it('is deterministic: the same change gives the same events and keys', () => {
    const a = change({ 'MFA-01': 'pass' }, { 'MFA-01': 'fail' });
    expect(change({ 'MFA-01': 'pass' }, { 'MFA-01': 'fail' })).toEqual(a);
  });
});
