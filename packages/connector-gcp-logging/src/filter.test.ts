import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { andMatch, compileFilter, type Match, notMatch, orMatch } from './filter.ts';
import { type GcpCategory, logNameOf } from './routing.ts';

const P = 'projects/acme-prod';
const entry = (category: GcpCategory, scope = P) => ({ logName: logNameOf(scope, category) });

/** What a filter selects of each audit log of `projects/acme-prod`. */
function selects(filter: string, scope = P): Record<GcpCategory, Match> {
  const f = compileFilter(filter);
  return {
    admin_audit: f(entry('admin_audit', scope)),
    data_access: f(entry('data_access', scope)),
    system_event: f(entry('system_event', scope)),
  };
}

const DEFAULT_SINK_FILTER = ['activity', 'system_event', 'access_transparency']
  .map((l) => `NOT LOG_ID("cloudaudit.googleapis.com/${l}")`)
  .join(' AND ');

describe('compileFilter', () => {
  it.each([
    ['', { admin_audit: 'all', data_access: 'all', system_event: 'all' }],
    ['logName:"cloudaudit.googleapis.com"', { admin_audit: 'all', data_access: 'all', system_event: 'all' }],
    [
      'logName:"cloudaudit.googleapis.com%2Factivity"',
      { admin_audit: 'all', data_access: 'none', system_event: 'none' },
    ],
    ['logName:"cloudaudit.googleapis.com/activity"', { admin_audit: 'all', data_access: 'none', system_event: 'none' }],
    ['logName:"data_access"', { admin_audit: 'none', data_access: 'all', system_event: 'none' }],
    [
      'LOG_ID("cloudaudit.googleapis.com/system_event")',
      { admin_audit: 'none', data_access: 'none', system_event: 'all' },
    ],
    [DEFAULT_SINK_FILTER, { admin_audit: 'none', data_access: 'all', system_event: 'none' }],
    [
      `logName="${P}/logs/cloudaudit.googleapis.com%2Factivity"`,
      { admin_audit: 'all', data_access: 'none', system_event: 'none' },
    ],
    [
      'logName!="projects/acme-prod/logs/cloudaudit.googleapis.com%2Fdata_access"',
      { admin_audit: 'all', data_access: 'none', system_event: 'all' },
    ],
    ['-logName:"data_access"', { admin_audit: 'all', data_access: 'none', system_event: 'all' }],
    [
      'logName:"cloudaudit.googleapis.com" AND NOT logName:"data_access"',
      { admin_audit: 'all', data_access: 'none', system_event: 'all' },
    ],
    ['logName=~"(activity|system_event)$"', { admin_audit: 'all', data_access: 'none', system_event: 'all' }],
    [
      'protoPayload."@type"="type.googleapis.com/google.cloud.audit.AuditLog"',
      { admin_audit: 'all', data_access: 'all', system_event: 'all' },
    ],
    ['severity>=ERROR', { admin_audit: 'some', data_access: 'some', system_event: 'some' }],
    [
      'logName:"activity" AND resource.type="gce_instance"',
      { admin_audit: 'some', data_access: 'none', system_event: 'none' },
    ],
    ['logName:"activity" OR severity>=ERROR', { admin_audit: 'all', data_access: 'some', system_event: 'some' }],
    ['sample(insertId, 0.1)', { admin_audit: 'some', data_access: 'some', system_event: 'some' }],
    ['"denied"', { admin_audit: 'some', data_access: 'some', system_event: 'some' }],
  ] as const)('%j', (filter, expected) => {
    expect(selects(filter)).toEqual(expected);
  });

  it('reads OR as binding tighter than AND, as the Logging query language does', () => {
    // a AND b OR c = a AND (b OR c): only Admin Activity and System Event are in both halves.
    expect(selects('logName:"cloudaudit" logName:"activity" OR logName:"system_event"')).toEqual({
      admin_audit: 'all',
      data_access: 'none',
      system_event: 'all',
    });
  });

  it('matches a list of values, and only the projects a log-name filter names', () => {
    const filter = 'logName:("projects/acme-prod/" OR "projects/acme-web/") AND logName:"cloudaudit"';
    expect(selects(filter).admin_audit).toBe('all');
    expect(selects(filter, 'projects/acme-dev').admin_audit).toBe('none');
    expect(selects('logName:("activity" AND "cloudaudit")').admin_audit).toBe('all');
  });

  it.each(['logName:(', 'logName:"unterminated', '(logName:"a"', 'source("folders/1")', 'logName>"a"'])(
    'cannot read %s, so it selects an unknown share',
    (filter) => {
      expect(selects(filter).admin_audit).toBe('unknown');
    },
  );
});

describe('match algebra', () => {
  const match = fc.constantFrom<Match>('all', 'none', 'some', 'unknown');

  it('is commutative, with all and none as identities and absorbing elements', () => {
    fc.assert(
      fc.property(match, match, (a, b) => {
        expect(andMatch(a, b)).toBe(andMatch(b, a));
        expect(orMatch(a, b)).toBe(orMatch(b, a));
        expect(andMatch(a, 'all')).toBe(a);
        expect(orMatch(a, 'none')).toBe(a);
        expect(andMatch(a, 'none')).toBe('none');
        expect(orMatch(a, 'all')).toBe('all');
        expect(notMatch(notMatch(a))).toBe(a);
      }),
    );
  });

  it('never turns a partial or unreadable selection into a whole one', () => {
    expect(andMatch('some', 'unknown')).toBe('some');
    expect(orMatch('some', 'unknown')).toBe('unknown');
    expect(notMatch('some')).toBe('some');
  });
});
