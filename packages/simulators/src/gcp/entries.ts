import type { GcpNewestEntries } from '../scenario/schema.ts';
import type { Timestamp } from './world-view.ts';

/** `google.logging.v2.LogEntry`, as far as an audit log's newest entries need it. */
export interface LogEntry {
  logName: string;
  resource: { type: string; labels: Record<string, string> };
  timestamp: Timestamp;
  receiveTimestamp: Timestamp;
  severity: 'NOTICE' | 'INFO';
  insertId: string;
}

const LOG_IDS = {
  activity: 'cloudaudit.googleapis.com%2Factivity',
  system_event: 'cloudaudit.googleapis.com%2Fsystem_event',
  data_access: 'cloudaudit.googleapis.com%2Fdata_access',
} as const;

/** Older entries behind the newest one, so that a reader that does not ask for newest first gets an old one. */
const OLDER_BY_HOURS = [0, 7, 31];
const HOUR_MS = 3_600_000;

const at = (ms: number): Timestamp => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 });

/**
 * A few entries of each audit log of a resource, the newest `hours` before `now`; none for a log whose newest is
 * `null`. Data Access defaults to an hour ago where its logging is on (`dataAccessOn`), else to none.
 */
export function auditEntries(
  name: string,
  resourceType: string,
  newest: GcpNewestEntries,
  dataAccessOn: boolean,
  now: number,
): LogEntry[] {
  const [kind, id] = name.split('/') as [string, string];
  const label = kind === 'projects' ? 'project_id' : kind === 'folders' ? 'folder_id' : 'organization_id';
  const hours = {
    ...newest,
    data_access: newest.data_access === undefined ? (dataAccessOn ? 1 : null) : newest.data_access,
  };
  const entries: LogEntry[] = [];
  for (const log of Object.keys(LOG_IDS) as (keyof typeof LOG_IDS)[]) {
    const newestHours = hours[log];
    if (newestHours === null) continue;
    for (const [i, older] of OLDER_BY_HOURS.entries()) {
      const written = now - (newestHours + older) * HOUR_MS;
      entries.push({
        logName: `${name}/logs/${LOG_IDS[log]}`,
        resource: { type: resourceType, labels: { [label]: id } },
        timestamp: at(written),
        receiveTimestamp: at(written + 1_500),
        severity: log === 'activity' ? 'NOTICE' : 'INFO',
        insertId: `${log}-${id}-${i}`.replaceAll('_', ''),
      });
    }
  }
  return entries;
}
