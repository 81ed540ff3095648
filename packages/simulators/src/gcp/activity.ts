import protobuf from 'protobufjs';
import type { LogEntry } from './entries.ts';
import { type GrpcFailure, invalidArgument } from './errors.ts';
import type { GcpResource, Timestamp } from './world-view.ts';

/**
 * `google.cloud.audit.AuditLog`, the fields an Admin Activity entry carries here; numbers as in Google's
 * google/cloud/audit/audit_log.proto (the Logging client ships no copy: it hands `protoPayload` over as Any).
 */
export const AUDIT_LOG_PROTO_JSON: protobuf.INamespace = {
  nested: {
    google: {
      nested: {
        cloud: {
          nested: {
            audit: {
              nested: {
                AuditLog: {
                  fields: {
                    serviceName: { type: 'string', id: 7 },
                    methodName: { type: 'string', id: 8 },
                    resourceName: { type: 'string', id: 11 },
                    authenticationInfo: { type: 'AuthenticationInfo', id: 3 },
                  },
                },
                AuthenticationInfo: { fields: { principalEmail: { type: 'string', id: 1 } } },
              },
            },
          },
        },
      },
    },
  },
};
export const AUDIT_LOG_TYPE_URL = 'type.googleapis.com/google.cloud.audit.AuditLog';
const AUDIT_LOG = protobuf.Root.fromJSON(AUDIT_LOG_PROTO_JSON).lookupType('google.cloud.audit.AuditLog');

export interface AuditLogPayload {
  serviceName: string;
  methodName: string;
  resourceName: string;
  authenticationInfo: { principalEmail: string };
}

/** An Admin Activity entry: a LogEntry whose `protoPayload` is an `AuditLog` packed in `google.protobuf.Any` (whose
 * fields keep their proto names, as the bundled protos spell them). */
export type ActivityEntry = LogEntry & { protoPayload: { type_url: string; value: Buffer } };

export function packAuditLog(payload: AuditLogPayload): ActivityEntry['protoPayload'] {
  return { type_url: AUDIT_LOG_TYPE_URL, value: Buffer.from(AUDIT_LOG.encode(AUDIT_LOG.fromObject(payload)).finish()) };
}

interface Written {
  entry: LogEntry;
  visibleAt: number;
}

const at = (ms: number): Timestamp => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 });
const msOf = (t: Timestamp) => t.seconds * 1000 + Math.floor(t.nanos / 1_000_000);
const ACTIVITY = 'cloudaudit.googleapis.com%2Factivity';

/** The entries each resource's trail has written, kept apart from the generated ones. */
const trails = new WeakMap<GcpResource, { clock: () => number; written: Written[] }>();

/**
 * A resource's Admin Activity log as changes write it: a change made through the test API (a sink deleted) mutates
 * the world and writes the entry Google would, readable `delayMs` later, as Cloud Logging's ingestion lags.
 */
export class GcpTrail {
  delayMs = 0;
  private sequence = 0;

  constructor(
    private readonly resources: (name: string) => GcpResource | undefined,
    private readonly clock: () => number,
  ) {}

  /** Deletes a sink of a project, folder or organization, and logs `DeleteSink`. */
  deleteSink(resource: string, sinkId: string, principal = 'admin@example.com'): ActivityEntry {
    const r = this.resource(resource);
    const index = r.sinks.findIndex((s) => s.name === sinkId);
    if (index < 0) throw new Error(`${resource} has no sink ${sinkId}`);
    r.sinks.splice(index, 1);
    return this.record(
      resource,
      'google.logging.v2.ConfigServiceV2.DeleteSink',
      `${resource}/sinks/${sinkId}`,
      principal,
    );
  }

  /** Logs a call of any method on the resource's Admin Activity log, without changing the world otherwise. */
  record(
    resource: string,
    methodName: string,
    resourceName: string,
    principal = 'admin@example.com',
    serviceName = methodName.startsWith('google.logging.')
      ? 'logging.googleapis.com'
      : 'cloudresourcemanager.googleapis.com',
  ): ActivityEntry {
    const r = this.resource(resource);
    const now = this.clock();
    const [kind, id] = r.name.split('/') as [string, string];
    const label = kind === 'projects' ? 'project_id' : kind === 'folders' ? 'folder_id' : 'organization_id';
    const entry: ActivityEntry = {
      logName: `${r.name}/logs/${ACTIVITY}`,
      resource: { type: 'audited_resource', labels: { [label]: id, service: serviceName, method: methodName } },
      timestamp: at(now),
      receiveTimestamp: at(now + this.delayMs),
      severity: 'NOTICE',
      insertId: `trail${++this.sequence}x${now.toString(36)}`,
      protoPayload: packAuditLog({
        serviceName,
        methodName,
        resourceName,
        authenticationInfo: { principalEmail: principal },
      }),
    };
    this.write(r, entry);
    return entry;
  }

  /** Writes an entry of any shape (a foreign payload, another project's log name, huge) on the resource's log. */
  inject(resource: string, entry: Record<string, unknown> & { timestamp: Timestamp }): void {
    this.write(this.resource(resource), entry as unknown as LogEntry);
  }

  private resource(name: string): GcpResource {
    const r = this.resources(name);
    if (!r) throw new Error(`no GCP resource ${name} in the scenario`);
    return r;
  }

  private write(r: GcpResource, entry: LogEntry): void {
    let trail = trails.get(r);
    if (!trail) {
      trail = { clock: this.clock, written: [] };
      trails.set(r, trail);
    }
    trail.written.push({ entry, visibleAt: this.clock() + this.delayMs });
  }
}

const LOG_NAME = /^\s*logName\s*=\s*"([^"]+)"\s*$/;
const LOG_NAME_SINCE = /^\s*logName\s*=\s*"([^"]+)"\s+AND\s+timestamp\s*(>=|>)\s*"([^"]+)"\s*$/;

/**
 * The entries `entries.list` sees under a filter: every one, one log's (`logName="…"`), or one log's since a time
 * (`logName="…" AND timestamp>="…"`), generated and written alike, oldest first.
 */
export function logEntries(r: GcpResource, filter: string): LogEntry[] | GrpcFailure {
  const trail = trails.get(r);
  const now = trail?.clock() ?? 0;
  const all = [...r.entries, ...(trail?.written.filter((w) => w.visibleAt <= now).map((w) => w.entry) ?? [])];
  let keep: (e: LogEntry) => boolean = () => true;
  if (filter !== '') {
    const since = LOG_NAME_SINCE.exec(filter);
    const only = since ?? LOG_NAME.exec(filter);
    if (!only) return invalidArgument(`Unsupported filter: ${filter}`);
    const bound = since ? Date.parse(since[3]!) : Number.NEGATIVE_INFINITY;
    if (Number.isNaN(bound)) return invalidArgument(`Invalid timestamp in filter: ${since![3]}`);
    const after = since?.[2] === '>';
    keep = (e) => e.logName === only[1] && (after ? msOf(e.timestamp) > bound : msOf(e.timestamp) >= bound);
  }
  return all.filter(keep).sort((a, b) => msOf(a.timestamp) - msOf(b.timestamp));
}
