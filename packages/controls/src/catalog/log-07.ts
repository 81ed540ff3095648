import type { LogSourceFact } from '@evident/core';
import { z } from 'zod';
import { defineControl } from '../control.ts';
import { logName } from '../log-source.ts';
import { common } from '../params.ts';
import { type Grade, Tally } from '../tally.ts';
import { count, listOf } from '../words.ts';

const params = z.object(common).strict();

function grade(f: LogSourceFact): [Grade, string] {
  if (f.enabled === false) return ['failing', 'data-access logging is turned off, or stored nowhere'];
  if (f.enabled === 'unknown') return ['unknown', 'whether data-access logging is on and stored could not be read'];
  if (f.exemptions.length > 0) {
    const who = listOf([...f.exemptions].sort());
    return ['weak', `on, but ${count(f.exemptions.length, 'principal is', 'principals are')} exempted: ${who}`];
  }
  if (f.category === 'git' && f.destinations.length === 0) {
    return ['weak', 'git events are kept only briefly by the provider and are not streamed anywhere'];
  }
  return ['compliant', ''];
}

export const log07 = defineControl<z.infer<typeof params>>({
  id: 'LOG-07',
  title: 'Data-access logging enabled for sensitive data stores',
  requirement:
    'Reads and writes of customer data are logged (log sources of category data_access, and git events for source ' +
    'code), with no principals exempted; git events must also be streamed, because the provider keeps them only ' +
    'days. Every reported store counts as sensitive until stores can be declared. Pass: all logged. Partial: some, ' +
    'or with exemptions. Fail: none.',
  rationale:
    'Without data-access records nobody can say what an intruder read or changed, which is the first question a ' +
    'breach notification has to answer.',
  remediation:
    'Enable DATA_READ and DATA_WRITE audit logs for all services in the IAM audit configuration without exempted ' +
    'members; stream the GitHub audit log (Enterprise) to keep git events.',
  params,
  needs: ['logSource.data_access', 'logSource.git'],
  mappings: [
    { framework: 'cis-v8', ref: '8.5', note: 'Collect detailed audit logs for sensitive data.' },
    { framework: 'cis-v8', ref: '8.12', note: 'Collect service-provider logs of data creation and access.' },
    { framework: 'nist-800-53', ref: 'AU-2', note: 'Event logging includes data access.' },
    { framework: 'iso-27001', ref: 'A.8.15', note: 'Logging.' },
  ],
  rule: {
    accepts: ['logSource'],
    reducer(ctx) {
      const tally = new Tally(ctx, {
        one: 'data-access log',
        many: 'data-access logs',
        ok: 'fully on',
        weak: 'on with gaps',
        bad: 'off',
        none: 'no data-access log is reported',
      });
      return {
        add(f) {
          if (f.type !== 'logSource' || (f.category !== 'data_access' && f.category !== 'git')) return false;
          tally.add(f.subject, logName(f), ...grade(f));
          return true;
        },
        finish: () => tally.outcome('some'),
      };
    },
  },
});
