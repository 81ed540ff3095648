import { type ChangeEvent, type ChangeRead, type ChangeWatch, ConnectorError } from '@evident/connector-kit';
import { z } from 'zod';
import { type ClientTuning, clientFor, type GithubClient } from './client.ts';
import type { GithubConfig, GithubContext, GithubSecret } from './config.ts';
import { ENTERPRISE_CLOUD, toConnectorError } from './errors.ts';
import { requirementRead } from './watch-requirement.ts';

/** GitHub documents no bound on how late an event shows in the audit log; minutes in practice. */
export const GITHUB_LAG_MS = 5 * 60_000;
/** Pages read per call at most: a watcher far behind catches up over several reads instead of one huge one. */
export const MAX_PAGES = 20;
/** An event larger than this (serialised) is not one GitHub writes for the actions read here. */
const MAX_EVENT_BYTES = 16_384;

/** The actions that can move a verdict: the 2FA requirement, who is in the org and who administers it, streaming. */
const ACTIONS = new Set([
  'org.disable_two_factor_requirement',
  'org.enable_two_factor_requirement',
  'org.add_member',
  'org.remove_member',
  'org.update_member',
  'org.add_billing_manager',
  'org.remove_billing_manager',
]);
const PREFIXES = ['organization_role.', 'audit_log_streaming.'];
export const isRelevant = (action: string) => ACTIONS.has(action) || PREFIXES.some((p) => action.startsWith(p));

const text = z.string().min(1).max(256);
/** `audit-log-event` of GitHub's OpenAPI description, the fields read here. */
const auditEvent = z.object({
  _document_id: text,
  '@timestamp': z.number().int().nonnegative(),
  action: text,
  actor: text.nullish(),
  org: text.nullish(),
  user: text.nullish(),
});

/**
 * The cursor: where the next read starts (epoch ms, before the overlap is taken off), and, where the plan has no
 * audit log, the org's 2FA requirement as last seen.
 */
const cursorSchema = z.object({
  v: z.literal(1),
  from: z.number().int().nonnegative(),
  twoFactor: z.boolean().optional(),
});
export type Cursor = z.infer<typeof cursorSchema>;

function parseCursor(cursor: string): Cursor {
  try {
    return cursorSchema.parse(JSON.parse(cursor));
  } catch (cause) {
    throw new ConnectorError(
      'provider_error',
      'The stored audit-log cursor is not one this connector wrote.',
      {},
      { cause },
    );
  }
}

/** GitHub's search takes a date with an optional `THH:MM:SS+00:00`; a bound rounded down only widens the overlap. */
export const phraseAt = (ms: number) =>
  `created:>=${new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '+00:00')}`;

const idOf = (raw: unknown): string | null => {
  const id = (raw as { _document_id?: unknown } | null)?._document_id;
  return typeof id === 'string' && id.length > 0 ? id.slice(0, 256) : null;
};

type Verdict = { event: ChangeEvent; at: number } | { skip: string } | null;

/** One event of the log: a relevant change, a reason to skip it, or null when it cannot move a verdict. */
export function judge(raw: unknown, org: string): Verdict {
  const size = Buffer.byteLength(JSON.stringify(raw) ?? '');
  if (size > MAX_EVENT_BYTES) return { skip: `event of ${size} bytes, more than ${MAX_EVENT_BYTES}` };
  const parsed = auditEvent.safeParse(raw);
  if (!parsed.success) return { skip: `malformed event: ${z.prettifyError(parsed.error).replaceAll('\n', ' ')}` };
  const e = parsed.data;
  if (e.org && e.org.toLowerCase() !== org.toLowerCase()) return { skip: `event of another organization (${e.org})` };
  if (!isRelevant(e.action)) return null;
  const at = new Date(e['@timestamp']);
  if (Number.isNaN(at.getTime())) return { skip: 'timestamp out of range' };
  return {
    at: e['@timestamp'],
    event: {
      id: e._document_id,
      at: at.toISOString(),
      actor: e.actor ?? null,
      action: e.action,
      target: e.user ?? (e.action.startsWith('org.') ? (e.org ?? org) : null),
    },
  };
}

/** A 404 (or a 403 naming the plan) is the plan; another 403 a permission the token lacks. */
function refusal(error: unknown, org: string): ConnectorError {
  const classified = toConnectorError(error, 'audit_log');
  const { status, message } = (error ?? {}) as { status?: unknown; message?: unknown };
  // Octokit appends the documentation URL, which names Enterprise Cloud whatever the cause.
  const said = typeof message === 'string' ? message.split(' - https://')[0]! : '';
  const planned = status === 404 || (status === 403 && /\b(plan|upgrade|enterprise)\b/i.test(said));
  if (!planned) return classified;
  return new ConnectorError(
    'licence_required',
    `Change detection reads the audit log of ${org}, which GitHub offers through its API on Enterprise Cloud only (or hides from a token that is not an owner's): ${classified.message}`,
    {
      licence: ENTERPRISE_CLOUD,
      remedy:
        'Move the org to GitHub Enterprise Cloud (with an owner’s token or an App with Administration: read); until then changes are found at the next scheduled assessment.',
    },
    { cause: error },
  );
}

/**
 * The org audit log from a cursor, oldest first. Each read starts `lagMs` before where the previous one ended, so
 * events that showed late are still found (and some are read twice: callers deduplicate by id).
 */
export function githubWatch(
  tuning: ClientTuning,
  lagMs = GITHUB_LAG_MS,
  fallback = true,
): ChangeWatch<GithubConfig, GithubSecret> {
  return {
    lagMs,
    async read(ctx: GithubContext, cursor: string | null): Promise<ChangeRead> {
      const startedAt = ctx.now().getTime();
      const previous = cursor === null ? null : parseCursor(cursor);
      const from = previous === null ? startedAt - lagMs : Math.max(0, previous.from - lagMs);
      const octokit = clientFor(ctx, tuning, () => {});
      try {
        return await readAuditLog(ctx, octokit, from, startedAt, lagMs);
      } catch (error) {
        if (!fallback || !(error instanceof ConnectorError) || error.code !== 'licence_required') throw error;
        return requirementRead(ctx, octokit, previous, startedAt, error);
      }
    },
  };
}

async function readAuditLog(
  ctx: GithubContext,
  octokit: GithubClient,
  from: number,
  startedAt: number,
  lagMs: number,
): Promise<ChangeRead> {
  const { org } = ctx.config;
  const pages = octokit.paginate.iterator('GET /orgs/{org}/audit-log', {
    org,
    phrase: phraseAt(from),
    order: 'asc',
    include: 'web',
    per_page: 100,
  });
  const it = pages[Symbol.asyncIterator]();
  const events: ChangeEvent[] = [];
  const skipped: ChangeRead['skipped'] = [];
  let newest = from;
  let next = startedAt;
  for (let page = 0; ; page++) {
    if (page === MAX_PAGES) {
      // Cut short: the next read resumes at the last event seen, without the overlap taken off again.
      next = newest + lagMs;
      break;
    }
    const result = await ctx.limiter.schedule(async () => {
      try {
        return await it.next();
      } catch (error) {
        throw refusal(error, org);
      }
    }, ctx.signal);
    if (result.done) break;
    const body: unknown = result.value.data;
    if (!Array.isArray(body))
      throw new ConnectorError(
        'provider_error',
        `GitHub answered the audit log of ${org} with something other than a list of events.`,
      );
    for (const raw of body) {
      const verdict = judge(raw, org);
      if (verdict === null) {
        const at = (raw as { '@timestamp'?: unknown })['@timestamp'];
        if (typeof at === 'number' && Number.isFinite(at)) newest = Math.max(newest, at);
      } else if ('skip' in verdict) skipped.push({ id: idOf(raw), reason: verdict.skip });
      else {
        events.push(verdict.event);
        newest = Math.max(newest, verdict.at);
      }
    }
  }
  events.sort((a, b) => a.at.localeCompare(b.at));
  return { events, cursor: JSON.stringify({ v: 1, from: next } satisfies Cursor), skipped };
}
