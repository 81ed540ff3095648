import {
  type ChangeEvent,
  type ChangeRead,
  type ChangeWatch,
  type ConnectorContext,
  redactProviderText,
} from '@evident/connector-kit';
import { z } from 'zod';
import { createClients } from './client.ts';
import type { EntraConfig, EntraSecret } from './config.ts';
import { classifyGraphError } from './errors.ts';
import type { EntraTuning } from './tuning.ts';

type Ctx = ConnectorContext<EntraConfig, EntraSecret>;

export const AUDITS_PATH = '/auditLogs/directoryAudits';
export const AUDIT_PERMISSION = 'AuditLog.Read.All';

/** The audit categories whose changes can move a verdict: policies, roles (PIM included), groups, users, apps. */
export const VERDICT_CATEGORIES: ReadonlySet<string> = new Set([
  'Policy',
  'RoleManagement',
  'GroupManagement',
  'UserManagement',
  'ApplicationManagement',
]);

/**
 * Microsoft gives 2–3 minutes as the audit log's usual latency and promises none; each read overlaps the previous
 * one by this much, and overlapping events are dropped by id.
 */
export const AUDIT_LAG_MS = 15 * 60_000;

/** Days the audit log keeps: 7 on Entra ID Free, 30 with P1 or P2. A cursor older than that cannot be caught up. */
const FREE_RETENTION_MS = 7 * 86_400_000;
/** An entry this large is not a directory audit anyone wrote by hand; it is skipped, not parsed. */
export const MAX_ENTRY_BYTES = 32_768;
/** A read never follows more pages than this: past it the trail is a flood, and the next assessment reads it all. */
const MAX_PAGES = 50;
const FUTURE_SLACK_MS = 5 * 60_000;

const text = (max: number) => z.string().max(max);
const name = text(1_024).nullish();

/** `microsoft.graph.directoryAudit`, the fields a change is told by; everything else is ignored. */
const directoryAudit = z.object({
  id: text(256).min(1),
  category: text(128),
  activityDateTime: z.iso.datetime({ offset: true }),
  activityDisplayName: text(1_024),
  result: z.enum(['success', 'failure', 'timeout', 'unknownFutureValue']).nullish(),
  initiatedBy: z.object({
    user: z.object({ userPrincipalName: name, displayName: name }).nullish(),
    app: z.object({ displayName: name, servicePrincipalName: name }).nullish(),
  }),
  targetResources: z
    .array(z.object({ displayName: name, userPrincipalName: name, type: text(128).nullish() }))
    .max(100)
    .nullish(),
  /** Not in v1.0's shape; an entry that names another tenant here is not this tenant's. */
  tenantId: text(256).optional(),
});

/** Where the next read starts (`readAt`), and the first read's time: nothing before it is ever reported. */
const cursorShape = z.object({ v: z.literal(1), readAt: z.iso.datetime(), floor: z.iso.datetime() });
type Cursor = z.infer<typeof cursorShape>;

function parseCursor(ctx: Ctx, cursor: string | null): Cursor | null {
  if (cursor === null) return null;
  try {
    return cursorShape.parse(JSON.parse(cursor));
  } catch {
    ctx.logger.warn('the stored cursor is unreadable; watching starts again from now', {
      cursor: cursor.slice(0, 200),
    });
    return null;
  }
}

const short = (s: string | null | undefined, max = 200) => (s ? redactProviderText(s, max) : null);

/** Who an entry names as its author: the user's UPN, else the app's name. */
function actorOf(e: z.infer<typeof directoryAudit>): string | null {
  const u = e.initiatedBy.user;
  const a = e.initiatedBy.app;
  return short(u?.userPrincipalName || u?.displayName || a?.displayName || a?.servicePrincipalName);
}

function targetOf(e: z.infer<typeof directoryAudit>): string | null {
  const names = (e.targetResources ?? [])
    .map((t) => t.displayName || t.userPrincipalName)
    .filter((n): n is string => !!n);
  return names.length > 0 ? short(names.join(', ')) : null;
}

export type Judged = { kind: 'event'; event: ChangeEvent } | { kind: 'ignored' } | { kind: 'skipped'; reason: string };

/**
 * One raw entry of the trail: a change that can move a verdict, one that cannot (another category, a failed
 * attempt, before watching began), or skipped with why (too large, wrong types, another tenant, from the future).
 */
export function judgeEntry(raw: unknown, tenantId: string, floor: number, now: number): Judged {
  let size: number;
  try {
    size = JSON.stringify(raw)?.length ?? 0;
  } catch {
    return { kind: 'skipped', reason: 'the entry cannot be serialized' };
  }
  if (size > MAX_ENTRY_BYTES) return { kind: 'skipped', reason: `the entry is ${size} bytes, over ${MAX_ENTRY_BYTES}` };
  const parsed = directoryAudit.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.map(String).join('.') || '(root)';
    return { kind: 'skipped', reason: `not a directory audit: ${where}: ${issue?.message ?? 'invalid'}` };
  }
  const e = parsed.data;
  if (e.tenantId !== undefined && e.tenantId.toLowerCase() !== tenantId.toLowerCase())
    return { kind: 'skipped', reason: 'the entry names another tenant' };
  const at = Date.parse(e.activityDateTime);
  if (at > now + FUTURE_SLACK_MS) return { kind: 'skipped', reason: 'the entry is dated in the future' };
  if (!VERDICT_CATEGORIES.has(e.category) || (e.result && e.result !== 'success') || at < floor)
    return { kind: 'ignored' };
  return {
    kind: 'event',
    event: {
      id: e.id,
      at: new Date(at).toISOString(),
      actor: actorOf(e),
      action: short(e.activityDisplayName) ?? '',
      target: targetOf(e),
    },
  };
}

const idOf = (raw: unknown): string | null => {
  const id = (raw as { id?: unknown } | null)?.id;
  return typeof id === 'string' && id.length <= 256 ? id : null;
};

interface AuditPage {
  value?: unknown;
  '@odata.nextLink'?: unknown;
}

/**
 * Reads the directory audit log since the cursor (less the lag) through the connection's limiter, newest first as
 * Graph serves it, and returns the changes oldest first. The first read only proves the trail can be read.
 */
export async function readDirectoryAudits(ctx: Ctx, cursor: string | null, tuning: EntraTuning): Promise<ChangeRead> {
  const now = ctx.now();
  const previous = parseCursor(ctx, cursor);
  const floor = previous ? Date.parse(previous.floor) : now.getTime();
  const from = previous ? Math.max(Date.parse(previous.readAt) - AUDIT_LAG_MS, floor) : now.getTime() - AUDIT_LAG_MS;
  const next = JSON.stringify({ v: 1, readAt: now.toISOString(), floor: new Date(floor).toISOString() });
  const skipped: ChangeRead['skipped'] = [];
  if (now.getTime() - from > FREE_RETENTION_MS)
    skipped.push({
      id: null,
      reason: `the trail is read from ${new Date(from).toISOString()}; a tenant on Entra ID Free keeps 7 days, so earlier changes may be missing`,
    });

  const clients = createClients(ctx.config, ctx.secret, ctx.signal, tuning, ctx.egress, ctx.limiter.concurrency);
  const get = (path: string, query: Record<string, string>) =>
    ctx.limiter.schedule(async () => {
      try {
        return (await clients.graph.client.api(path).query(query).get()) as AuditPage;
      } catch (error) {
        throw classifyGraphError(error, AUDIT_PERMISSION);
      }
    }, ctx.signal);
  const events = new Map<string, ChangeEvent>();
  try {
    const filter = { $filter: `activityDateTime ge ${new Date(from).toISOString()}` };
    let page = await get(AUDITS_PATH, previous ? { ...filter, $top: '999' } : { ...filter, $top: '1' });
    if (!previous) return { events: [], cursor: next, skipped };
    for (let pages = 1; ; pages++) {
      const value = Array.isArray(page.value) ? page.value : [];
      if (!Array.isArray(page.value)) skipped.push({ id: null, reason: 'a page of the trail had no list of entries' });
      for (const raw of value) {
        const judged = judgeEntry(raw, ctx.config.tenantId, floor, now.getTime());
        if (judged.kind === 'skipped') {
          const id = idOf(raw);
          ctx.logger.warn('directory audit entry skipped', { id, reason: judged.reason });
          skipped.push({ id, reason: judged.reason });
        } else if (judged.kind === 'event') events.set(judged.event.id, judged.event);
      }
      const link = page['@odata.nextLink'];
      if (typeof link !== 'string') break;
      if (pages >= MAX_PAGES) {
        skipped.push({
          id: null,
          reason: `the trail had more than ${MAX_PAGES} pages since the cursor; the rest was not read`,
        });
        break;
      }
      page = await get(link, {});
    }
  } finally {
    await clients.close();
  }
  const ordered = [...events.values()].sort((a, b) => a.at.localeCompare(b.at) || a.id.localeCompare(b.id));
  return { events: ordered, cursor: next, skipped };
}

export function entraWatch(tuning: EntraTuning): ChangeWatch<EntraConfig, EntraSecret> {
  return { lagMs: AUDIT_LAG_MS, read: (ctx, cursor) => readDirectoryAudits(ctx, cursor, tuning) };
}
