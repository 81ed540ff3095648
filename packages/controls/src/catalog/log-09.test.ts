import { describe, expect, it } from 'vitest';
import { GCP, hoursBefore, logSource, on } from '../testing/builders.ts';
import { type Case, check, evaluateOne } from '../testing/check.ts';

/** An Admin Activity log as the Google Cloud connector reports it: its newest entry, exports with no delivery time. */
const gcpAdmin = (subject: string, over: Parameters<typeof logSource>[1] = {}) =>
  logSource(subject, {
    connection: GCP,
    provider: 'gcp-logging',
    category: 'admin_audit',
    lastEventAt: hoursBefore(2),
    destinations: [],
    ...over,
  });
const sinkTo = (name: string) => ({
  kind: 'log_bucket' as const,
  name,
  boundary: 'separate' as const,
  retentionDays: 400,
  locked: true,
});

const CASES: Case[] = [
  { name: 'pass when the newest entry is recent and nothing is exported', facts: [gcpAdmin('p')], status: 'pass' },
  {
    name: 'unknown, not pass, when an export’s deliveries are not measured',
    facts: [gcpAdmin('p', { destinations: [sinkTo('central')] })],
    status: 'unknown',
    reason: /could not be determined/,
    why: /log_bucket central last received anything is not measured/,
  },
  {
    name: 'fail when silent past the limit, whatever the exports',
    facts: [gcpAdmin('p', { lastEventAt: hoursBefore(100), destinations: [sinkTo('central')] })],
    status: 'fail',
    why: /the last event was 4 days before collection/,
  },
  {
    name: 'fail when no entry is retained at all',
    facts: [gcpAdmin('p', { lastEventAt: null })],
    status: 'fail',
    why: /no event has ever been recorded/,
  },
  {
    name: 'partial when quiet for more than a day, nothing exported',
    facts: [gcpAdmin('p', { lastEventAt: hoursBefore(30) })],
    status: 'partial',
  },
  {
    name: 'unknown when the newest entry could not be read',
    facts: [gcpAdmin('p', { lastEventAt: 'unknown' })],
    status: 'unknown',
  },
  {
    name: 'judges only the important logs: a silent Data Access log does not fail it',
    facts: [gcpAdmin('p'), gcpAdmin('d', { category: 'data_access', important: false, lastEventAt: null })],
    status: 'pass',
  },
];

describe('LOG-09 on Google Cloud audit logs', () => {
  it.each(CASES)('$name', (c) => check('LOG-09', c).then(() => undefined));

  it('names the silent project among fresh ones, and fails the tenant for it', async () => {
    const facts = on(GCP, [gcpAdmin('fresh'), gcpAdmin('silent', { lastEventAt: hoursBefore(100) })]);
    const r = await evaluateOne('LOG-09', facts);
    expect([r.status, r.failing.map((f) => f.subject)]).toEqual(['fail', ['silent']]);
  });
});
