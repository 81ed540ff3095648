import { liveAudits } from '../changes.ts';
import { type Endpoint, selectContext } from '../endpoint.ts';
import { errors } from '../errors.ts';
import { DIRECTORY_PAGES, page } from '../paging.ts';
import { needs } from '../permissions.ts';
import { type ODataQuery, project, rejectExpand } from '../query.ts';

/** `activityDateTime ge <ISO date>`, the windowing Microsoft recommends for the audit log. */
function since(q: ODataQuery): Date | undefined {
  if (q.filter === undefined) return undefined;
  const m = /^\s*activityDateTime\s+ge\s+'?([0-9T:.-]+Z)'?\s*$/i.exec(q.filter);
  const at = m ? new Date(m[1]!) : undefined;
  if (!at || Number.isNaN(at.getTime())) throw errors.badRequest(`Invalid filter clause: '${q.filter}'.`);
  return at;
}

/**
 * `GET /auditLogs/directoryAudits`, newest first, on every licence: the entries the change API wrote once they are
 * readable (they happened last), then the tenant's generated history.
 */
export const listDirectoryAudits: Endpoint = {
  api: 'graph',
  family: 'reports',
  permissions: needs.auditLog,
  path: '/v1.0/auditLogs/directoryAudits',
  handle({ tenant, url, origin, query }) {
    rejectExpand(query);
    const history = tenant.directory.directoryAudits;
    const from = since(query);
    const live = liveAudits(tenant.directory).readable(Date.now(), from?.getTime());
    const older = from ? history.countSince(from) : history.count;
    const context = selectContext('auditLogs/directoryAudits', query.select);
    return page(url, origin, context, live.length + older, DIRECTORY_PAGES, query, (k) =>
      project(k < live.length ? live[k]! : history.at(k - live.length), query.select),
    );
  },
};
