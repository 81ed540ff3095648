import type { LogSourceFact } from '@evident/core';
import { z } from 'zod';
import { defineControl } from '../control.ts';
import { logName } from '../log-source.ts';
import { common } from '../params.ts';
import { type Grade, tallyRule } from '../tally.ts';

const params = z.object(common).strict();

function grade(f: LogSourceFact): [Grade, string] {
  if (f.enabled === true) return ['compliant', ''];
  if (f.enabled === false) return ['failing', 'admin audit logging is turned off'];
  return ['unknown', 'whether admin audit logging is on could not be read'];
}

export const log01 = defineControl<z.infer<typeof params>>({
  id: 'LOG-01',
  title: 'Admin and activity audit logging enabled everywhere',
  requirement:
    'Control-plane and admin audit logging (log sources of category admin_audit) is on in every connected tenant, ' +
    'organization and project. Pass: all on. Partial: on in some scopes of a connection. Fail: on nowhere. Whether ' +
    'events keep arriving is judged by LOG-09.',
  rationale:
    'Without admin audit logs there is no record of who changed a policy, added an admin or turned logging off: ' +
    'the first thing an intruder with admin rights does.',
  remediation:
    'Turn on the unified audit log (Microsoft 365), keep Admin Activity audit logs (always on in Google Cloud), and ' +
    'make sure the GitHub organization audit log is available to the connector; AWS CloudTrail event history is ' +
    'always on.',
  params,
  needs: ['logSource.admin_audit'],
  mappings: [
    { framework: 'cis-v8', ref: '8.2', note: 'Collect audit logs.' },
    { framework: 'nist-800-53', ref: 'AU-2', note: 'Event logging.' },
    { framework: 'nist-800-53', ref: 'AU-12', note: 'Audit record generation.' },
    { framework: 'iso-27001', ref: 'A.8.15', note: 'Logging.' },
    { framework: 'aa22-131a', ref: 'Area 2', note: 'Enable or improve monitoring and logging.' },
  ],
  rule: tallyRule<LogSourceFact, z.infer<typeof params>>({
    type: 'logSource',
    words: {
      one: 'admin audit log',
      many: 'admin audit logs',
      ok: 'on',
      bad: 'off',
      none: 'no admin audit log is reported',
    },
    relevant: (f) => f.category === 'admin_audit',
    name: logName,
    grade,
    mode: 'some',
  }),
});
