import {
  asConnectorError,
  type ChangeEvent,
  type ChangeRead,
  type ChangeWatch,
  CollectionSession,
  ConnectorError,
} from '@evident/connector-kit';
import { z } from 'zod';
import { gaxCallOptions, type Tuning, untilAborted } from './calls.ts';
import { createClients, type GcpClients } from './clients.ts';
import type { GcpLoggingConfig, GcpLoggingSecret } from './config.ts';
import { classifyGcpError } from './errors.ts';
import { Reader } from './read.ts';

type Ctx = Parameters<ChangeWatch<GcpLoggingConfig, GcpLoggingSecret>['read']>[0];

/** Cloud Logging makes most audit entries readable within a minute; ten leaves room for a slow ingestion. */
export const GCP_LAG_MS = 10 * 60_000;
/** Pages of one resource's log read per call at most; a watcher far behind catches up over several reads. */
export const MAX_PAGES = 10;
const PAGE_SIZE = 1000;
/** An AuditLog larger than this is not one Google writes for the config calls read here. */
const MAX_PAYLOAD_BYTES = 65_536;

const LOGGING = 'google.logging.v2.ConfigServiceV2.';
/** Calls that move a verdict: where logs go (sinks, exclusions), how long they are kept (buckets), audit configs. */
const LOGGING_METHODS = new Set(
  [
    'CreateSink',
    'UpdateSink',
    'DeleteSink',
    'CreateExclusion',
    'UpdateExclusion',
    'DeleteExclusion',
    'CreateBucket',
    'CreateBucketAsync',
    'UpdateBucket',
    'UpdateBucketAsync',
    'DeleteBucket',
    'UndeleteBucket',
    'UpdateSettings',
  ].map((m) => LOGGING + m),
);
/** Data Access audit configs live in Resource Manager's IAM policies only. */
const RESOURCE_MANAGER = 'cloudresourcemanager.googleapis.com';

export function isRelevant(serviceName: string, methodName: string): boolean {
  if (LOGGING_METHODS.has(methodName)) return true;
  return serviceName === RESOURCE_MANAGER && (methodName === 'SetIamPolicy' || methodName.endsWith('.SetIamPolicy'));
}

/** `google.cloud.audit.AuditLog`, the fields read; numbers as in Google's google/cloud/audit/audit_log.proto. */
const AUDIT_LOG_JSON = {
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
};
const AUDIT_LOG_TYPE_URL = 'type.googleapis.com/google.cloud.audit.AuditLog';

const name = z.string().max(1024);
const auditLog = z.object({
  serviceName: name.default(''),
  methodName: name.min(1),
  resourceName: name.default(''),
  authenticationInfo: z.object({ principalEmail: name.default('') }).nullish(),
});

/** The LogEntry fields read; `seconds` is an int64, which gax hands over as a number, string or Long. */
const entry = z.object({
  insertId: z.string().min(1).max(256),
  logName: z.string().max(1024),
  timestamp: z.object({
    seconds: z.union([z.number(), z.string(), z.object({ toString: z.function() })]).transform(Number),
    nanos: z.number().int().nullish(),
  }),
  protoPayload: z
    .object({
      type_url: z.string().optional(),
      typeUrl: z.string().optional(),
      value: z.instanceof(Uint8Array),
    })
    .nullish(),
});

/**
 * Where the next read starts (epoch ms, before the overlap is taken off), and for a resource whose read was cut short
 * the exact time to resume it at.
 */
const cursorSchema = z.object({
  v: z.literal(1),
  from: z.number().int().nonnegative(),
  resume: z.record(z.string(), z.number().int().nonnegative()).optional(),
});
type Cursor = z.infer<typeof cursorSchema>;

function parseCursor(cursor: string): Cursor {
  try {
    return cursorSchema.parse(JSON.parse(cursor));
  } catch (cause) {
    throw new ConnectorError(
      'provider_error',
      'The stored Admin Activity cursor is not one this connector wrote.',
      {},
      { cause },
    );
  }
}

type Decode = (bytes: Uint8Array) => unknown;
let decoder: Promise<Decode> | undefined;

/** The AuditLog decoder, built on first use from the protobuf runtime google-gax already loads. */
function auditLogDecoder(): Promise<Decode> {
  decoder ??= import('google-gax').then(({ protobuf }) => {
    const type = protobuf.Root.fromJSON(AUDIT_LOG_JSON).lookupType('AuditLog');
    return (bytes) => type.toObject(type.decode(bytes), { defaults: false });
  });
  return decoder;
}

type Verdict = { event: ChangeEvent; at: number } | { skip: string } | { noise: number };

/** One entry of the log: a change that can move a verdict, a reason to skip it, or noise (with its time). */
export function judge(raw: unknown, logName: string, decode: Decode): Verdict {
  const parsed = entry.safeParse(raw);
  if (!parsed.success) return { skip: `malformed entry: ${z.prettifyError(parsed.error).replaceAll('\n', ' ')}` };
  const e = parsed.data;
  if (e.logName !== logName) return { skip: `entry of another log (${e.logName.slice(0, 200)})` };
  const ms = e.timestamp.seconds * 1000 + Math.floor((e.timestamp.nanos ?? 0) / 1e6);
  if (!Number.isFinite(ms) || Number.isNaN(new Date(ms).getTime())) return { skip: 'timestamp out of range' };
  const payload = e.protoPayload;
  const typeUrl = payload?.type_url ?? payload?.typeUrl;
  if (!payload || typeUrl !== AUDIT_LOG_TYPE_URL) return { skip: `payload is not an AuditLog (${typeUrl ?? 'none'})` };
  if (payload.value.length > MAX_PAYLOAD_BYTES) {
    return { skip: `AuditLog of ${payload.value.length} bytes, more than ${MAX_PAYLOAD_BYTES}` };
  }
  let decoded: unknown;
  try {
    decoded = decode(payload.value);
  } catch (error) {
    return { skip: `AuditLog that does not decode (${error instanceof Error ? error.message : String(error)})` };
  }
  const log = auditLog.safeParse(decoded);
  if (!log.success) return { skip: `malformed AuditLog: ${z.prettifyError(log.error).replaceAll('\n', ' ')}` };
  const { serviceName, methodName, resourceName, authenticationInfo } = log.data;
  if (!isRelevant(serviceName, methodName)) return { noise: ms };
  return {
    at: ms,
    event: {
      id: e.insertId,
      at: new Date(ms).toISOString(),
      actor: authenticationInfo?.principalEmail || null,
      action: methodName,
      target: resourceName || null,
    },
  };
}

const activityLog = (resource: string) => `${resource}/logs/cloudaudit.googleapis.com%2Factivity`;

/** One resource's Admin Activity log from `from`, oldest first; `cutAt` is the last time read when pages ran out. */
async function readResource(
  ctx: Ctx,
  clients: GcpClients,
  tuning: Tuning,
  resource: string,
  from: number,
  out: ChangeRead,
): Promise<{ cutAt: number | null }> {
  const decode = await auditLogDecoder();
  const logName = activityLog(resource);
  const options = { ...gaxCallOptions(tuning), otherArgs: { headers: { ...clients.headers } }, autoPaginate: false };
  const at = { call: 'LoggingServiceV2.ListLogEntries', resource, permission: 'logging.logEntries.list' };
  let request: object | null = {
    resourceNames: [resource],
    filter: `logName="${logName}" AND timestamp>="${new Date(from).toISOString()}"`,
    orderBy: 'timestamp asc',
    pageSize: tuning.pageSize ?? PAGE_SIZE,
  };
  let newest = from;
  for (let page = 0; request; page++) {
    if (page === MAX_PAGES) return { cutAt: newest };
    const current: object = request;
    const [entries, next] = await ctx.limiter.schedule(
      () =>
        untilAborted(clients.entries.listLogEntries(current, options), ctx.signal).catch((error: unknown) => {
          throw classifyGcpError(error, at);
        }),
      ctx.signal,
    );
    for (const raw of entries) {
      const verdict = judge(raw, logName, decode);
      if ('skip' in verdict) {
        const id = (raw as { insertId?: unknown } | null)?.insertId;
        out.skipped.push({ id: typeof id === 'string' && id ? id.slice(0, 256) : null, reason: verdict.skip });
      } else if ('noise' in verdict) newest = Math.max(newest, verdict.noise);
      else {
        out.events.push(verdict.event);
        newest = Math.max(newest, verdict.at);
      }
    }
    request = next && typeof next === 'object' ? (next as object) : null;
  }
  return { cutAt: null };
}

/**
 * The configured resources and every folder and project under a configured folder or organization: a change to a
 * project's sink is written to that project's log only. A listing refused fails the read, never narrows it.
 */
async function scopesOf(ctx: Ctx, clients: GcpClients, tuning: Tuning): Promise<string[]> {
  const configured = ctx.config.resources;
  const roots = configured.filter((r) => !r.startsWith('projects/'));
  if (roots.length === 0) return configured;
  const reader = new Reader(clients, new CollectionSession(ctx, 'gcp-logging'), ctx.signal, tuning);
  const under = await Promise.all(roots.map((r) => reader.descendants(r)));
  const { children } = reader.snapshot;
  for (const read of [...children.folders.values(), ...children.projects.values()]) if (!read.ok) throw read.error;
  return [...new Set([...configured, ...under.flat()])];
}

/**
 * The Admin Activity log of each configured project, folder and organization and of those under them, from a
 * cursor, oldest first. Each read starts `lagMs` before the previous one began, so entries that showed late are
 * still found (callers deduplicate by id).
 */
export function gcpWatch(tuning: Tuning, lagMs = GCP_LAG_MS): ChangeWatch<GcpLoggingConfig, GcpLoggingSecret> {
  return {
    lagMs,
    async read(ctx, cursor) {
      const startedAt = ctx.now().getTime();
      const previous = cursor === null ? null : parseCursor(cursor);
      const from = previous === null ? startedAt - lagMs : Math.max(0, previous.from - lagMs);
      const clients = await createClients(ctx.config, ctx.secret, ctx.egress).catch((e: unknown) => {
        throw asConnectorError(e);
      });
      const out: ChangeRead = { events: [], cursor: '', skipped: [] };
      const resume: Record<string, number> = {};
      try {
        // Side by side: the limiter bounds how many logs are read at once.
        const scopes = await scopesOf(ctx, clients, tuning);
        await Promise.all(
          scopes.map(async (resource) => {
            const start = previous?.resume?.[resource] ?? from;
            const { cutAt } = await readResource(ctx, clients, tuning, resource, start, out);
            // Cut short: the next read resumes at the last entry seen, without the overlap taken off again.
            if (cutAt !== null) resume[resource] = cutAt;
          }),
        );
      } finally {
        await clients.close().catch(() => {});
      }
      out.events.sort((a, b) => a.at.localeCompare(b.at));
      const next: Cursor = { v: 1, from: startedAt, ...(Object.keys(resume).length > 0 ? { resume } : {}) };
      out.cursor = JSON.stringify(next);
      return out;
    },
  };
}
