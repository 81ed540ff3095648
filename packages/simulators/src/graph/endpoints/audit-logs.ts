import { type Endpoint, selectContext } from '../endpoint.ts';
import { errors } from '../errors.ts';
import { DIRECTORY_PAGES, type PageSizes, page, SIGN_IN_PAGES } from '../paging.ts';
import { needs } from '../permissions.ts';
import { type ODataQuery, project, rejectExpand } from '../query.ts';
import type { EntraDirectory } from '../world/directory.ts';
import type { EventLog } from '../world/events.ts';

/** The supported `$filter`: `<field> ge <ISO date>`, the windowing Microsoft recommends for these logs. */
function since(q: ODataQuery, field: string): Date | undefined {
  if (q.filter === undefined) return undefined;
  const m = new RegExp(`^\\s*${field}\\s+ge\\s+'?([0-9T:.\\-]+Z)'?\\s*$`, 'i').exec(q.filter);
  const at = m ? new Date(m[1]!) : undefined;
  if (!at || Number.isNaN(at.getTime())) throw errors.badRequest(`Invalid filter clause: '${q.filter}'.`);
  return at;
}

function logEndpoint(
  path: string,
  context: string,
  field: string,
  sizes: PageSizes,
  log: (d: EntraDirectory) => EventLog<object>,
): Pick<Endpoint, 'path' | 'handle'> {
  return {
    path,
    handle({ tenant, url, origin, query }) {
      rejectExpand(query);
      const events = log(tenant.directory);
      const from = since(query, field);
      const count = from ? events.countSince(from) : events.count;
      return page(url, origin, selectContext(context, query.select), count, sizes, query, (k) =>
        project(events.at(k), query.select),
      );
    },
  };
}

/** `GET /auditLogs/signIns`: newest first, P1 needed, 1,000 a page at most. */
export const listSignIns: Endpoint = {
  api: 'graph',
  family: 'reports',
  permissions: needs.signIns,
  premium: true,
  ...logEndpoint('/v1.0/auditLogs/signIns', 'auditLogs/signIns', 'createdDateTime', SIGN_IN_PAGES, (d) => d.signIns),
};

/** `GET /auditLogs/directoryAudits`: newest first; available on every licence. */
export const listDirectoryAudits: Endpoint = {
  api: 'graph',
  family: 'reports',
  permissions: needs.auditLog,
  ...logEndpoint(
    '/v1.0/auditLogs/directoryAudits',
    'auditLogs/directoryAudits',
    'activityDateTime',
    DIRECTORY_PAGES,
    (d) => d.directoryAudits,
  ),
};
