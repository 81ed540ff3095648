/**
 * # Where a Google Cloud audit log goes, and how long it is kept
 *
 * Every log entry written in a project, folder or organization passes through that resource's Log Router. Each
 * enabled sink whose filter matches the entry (and none of whose active exclusions match it) sends a copy to the
 * sink's destination. The sinks that apply to a resource are its own sinks plus the sinks of every ancestor folder
 * and organization that have `includeChildren` set (aggregated sinks). A disabled sink routes nothing. An aggregated
 * sink that also has `interceptChildren` set keeps what it matches from every sink of the resources below it except
 * `_Required` (their `_Default` sinks included); when an ancestor's sinks cannot be read, every route below it but
 * `_Required` is uncertain, and so `'unknown'`.
 *
 * Three audit logs are modelled, one `logSource` fact each per configured resource:
 * - `admin_audit` (Admin Activity) and `system_event` are always written, and the built-in `_Required` sink stores
 *   them in the resource's `_Required` bucket: 400 days, locked, fixed by Google. That bucket is their native store;
 *   its retention is read from the bucket list, and taken from Google's fixed terms when the list cannot be read.
 * - `data_access` is written only as the IAM audit configs of the resource and its ancestors enable it (their union);
 *   the `_Default` sink stores it in the `_Default` bucket (30 days unless changed), its native store, unless that
 *   sink is disabled, excludes it or is gone, in which case nothing is kept natively (0 days).
 *
 * Every other matching route is a destination. A log bucket's retention and lock are read from the bucket list of
 * the resource that owns it (listed for this purpose even when it is not configured), else they are `'unknown'`; a
 * bucket that is gone or being deleted keeps nothing (0 days). Cloud Storage, BigQuery, Pub/Sub and project-to-
 * project routes have `'unknown'` retention, since their own expiry is not read here. A destination owned by another
 * resource than the source is `separate` from the source's administrators; a Cloud Storage bucket, whose project its
 * name does not tell, has an `unknown` boundary.
 *
 * Filters are read in the Logging query language (see filter.ts). A route counts only when the filter selects the
 * whole log: a filter that also narrows on severity or resource selects only `some` entries, and is left out. A
 * filter that cannot be read still yields its destination, with `'unknown'` retention, so that it is neither
 * credited nor hidden. The effective retention of a log is then the longest of its native store and its
 * destinations (`effectiveRetention` in core): at least that many days, exact only when nothing was unknown.
 *
 * Nothing unread is guessed. A failed read leaves the values it feeds `'unknown'` (or, for a resource's own sinks,
 * leaves its logs out), and the collection yields a gap that names the read and covers every log it left incomplete.
 */
import type { Days, LogDestination, Tri } from '@evident/core';
import { andMatch, compileFilter, type EntryClass, type Match, notMatch, orMatch } from './filter.ts';
import type { Exclusion, Sink } from './model.ts';
import type { Snapshot } from './snapshot.ts';

export const GCP_CATEGORIES = ['admin_audit', 'data_access', 'system_event'] as const;
export type GcpCategory = (typeof GCP_CATEGORIES)[number];

const LOG_IDS: Record<GcpCategory, string> = {
  admin_audit: 'cloudaudit.googleapis.com%2Factivity',
  data_access: 'cloudaudit.googleapis.com%2Fdata_access',
  system_event: 'cloudaudit.googleapis.com%2Fsystem_event',
};

/** Google's fixed terms for `_Required`. */
export const REQUIRED_BUCKET = { retentionDays: 400, locked: true } as const;

export function logNameOf(scope: string, category: GcpCategory): string {
  return `${scope}/logs/${LOG_IDS[category]}`;
}

export interface Storage {
  retentionDays: Days;
  locked: Tri;
}

export interface Route {
  native: Storage;
  destinations: LogDestination[];
  /** Whether some sink stores the whole log: what it is kept nowhere is not logged, whatever the audit configs say. */
  kept: Tri;
  /** Every read the route was computed from. */
  used: Set<string>;
  /** The failed reads that left the route incomplete or a value unknown. */
  missing: Set<string>;
}

export interface Destination {
  kind: LogDestination['kind'];
  /** The resource that owns it (`projects/p`), when its name tells. */
  owner: string | null;
  /** The full name of a log bucket (`projects/p/locations/global/buckets/b`). */
  bucket: string | null;
}

const BUCKET =
  /^logging\.googleapis\.com\/((?:projects|folders|organizations)\/[^/]+)(\/locations\/[^/]+\/buckets\/[^/]+)$/;
const PROJECT_ROUTE = /^logging\.googleapis\.com\/(projects\/[^/]+)$/;
const IN_PROJECT = /^(bigquery|pubsub)\.googleapis\.com\/(projects\/[^/]+)\//;

export function parseDestination(destination: string): Destination {
  const bucket = BUCKET.exec(destination);
  if (bucket) return { kind: 'log_bucket', owner: bucket[1]!, bucket: `${bucket[1]}${bucket[2]}` };
  const project = PROJECT_ROUTE.exec(destination);
  if (project) return { kind: 'log_bucket', owner: project[1]!, bucket: null };
  const inProject = IN_PROJECT.exec(destination);
  if (inProject)
    return { kind: inProject[1] === 'bigquery' ? 'bigquery' : 'pubsub', owner: inProject[2]!, bucket: null };
  if (destination.startsWith('storage.googleapis.com/')) return { kind: 'storage', owner: null, bucket: null };
  return { kind: 'stream', owner: null, bucket: null };
}

/** How much of the entry class a sink sends to its destination. */
export function sinkMatch(sink: Sink, entry: EntryClass): Match {
  if (sink.disabled) return 'none';
  return andMatch(compileFilter(sink.filter)(entry), notMatch(excludes(sink.exclusions, entry)));
}

/** How much of the entry class the active exclusions remove; a disabled exclusion removes nothing. */
function excludes(exclusions: readonly Exclusion[], entry: EntryClass): Match {
  return exclusions
    .filter((e) => !e.disabled)
    .map((e) => compileFilter(e.filter)(entry))
    .reduce<Match>(orMatch, 'none');
}

const UNKNOWN: Storage = { retentionDays: 'unknown', locked: 'unknown' };
const NOTHING: Storage = { retentionDays: 0, locked: false };

/** Where both are unknown-aware: true when either is, false only when both are. */
function orTri(a: Tri, b: Tri): Tri {
  if (a === true || b === true) return true;
  return a === 'unknown' || b === 'unknown' ? 'unknown' : false;
}

/**
 * Whether a route stores the log. Only a route that takes all of it counts; a bucket keeps it when it exists (its
 * retention known and above 0), Cloud Storage and BigQuery are stores; Pub/Sub, a project-to-project route or a
 * third-party stream only forward it, so whether it is stored is not told.
 */
function keeps(match: Match, target: Destination, storage: Storage): Tri {
  if (match === 'unknown') return 'unknown';
  if (match !== 'all') return false;
  if (storage.retentionDays === 0) return false;
  if (target.kind === 'storage' || target.kind === 'bigquery') return true;
  return target.bucket && storage.retentionDays !== 'unknown' ? true : 'unknown';
}

function bucketStorage(snapshot: Snapshot, name: string, route: Route): Storage {
  const owner = name.slice(0, name.indexOf('/locations/'));
  const read = snapshot.bucketsOf(owner);
  if (!read) return UNKNOWN;
  route.used.add(read.key);
  if (!read.ok) {
    route.missing.add(read.key);
    return UNKNOWN;
  }
  const rest = name.slice(owner.length);
  const canonical = snapshot.canonical(owner);
  const bucket = read.value.find((b) => b.name.endsWith(rest) && snapshot.canonical(b.owner) === canonical);
  if (!bucket || bucket.deleted) return NOTHING;
  return { retentionDays: bucket.retentionDays, locked: bucket.locked };
}

/** A sink and how much of the entry the intercepting sinks above its resource leave it. */
interface Applying {
  sink: Sink;
  /** `all` when nothing above intercepts the entry; `unknown` when the sinks above could not all be read. */
  left: Match;
}

/**
 * The sinks that see the scope's entries: its own, then its ancestors' aggregated ones. An intercepting sink takes
 * what it matches away from every sink of the resources below it but `_Required`, so each level keeps only what the
 * intercepting sinks of the levels above leave; an ancestor whose sinks were not read might intercept anything.
 */
function applyingSinks(
  snapshot: Snapshot,
  scope: string,
  entry: EntryClass,
  route: Route,
): { own: Applying[] | null; inherited: Applying[] } {
  const sinksOf = (resource: string) => {
    const read = snapshot.sinks.get(resource);
    if (!read) throw new Error(`the sinks of ${resource} were not read`);
    route.used.add(read.key);
    if (read.ok) return read.value;
    route.missing.add(read.key);
    return null;
  };
  const ancestors = snapshot.ancestors(scope);
  if (!ancestors.ok) route.missing.add(ancestors.key);
  const levels = (ancestors.ok ? ancestors.value : []).map(sinksOf);
  // What is left after interception above level i (levels nearest first), from the organization down.
  const left: Match[] = new Array(levels.length + 1);
  left[levels.length] = ancestors.ok ? 'all' : 'unknown';
  for (let i = levels.length - 1; i >= 0; i--) {
    const sinks = levels[i];
    const taken = sinks
      ? sinks.filter((s) => s.interceptChildren).reduce<Match>((m, s) => orMatch(m, sinkMatch(s, entry)), 'none')
      : 'unknown';
    left[i] = andMatch(left[i + 1]!, notMatch(taken));
  }
  const inherited = levels.flatMap((sinks, i) =>
    (sinks ?? []).filter((s) => s.includeChildren).map((sink) => ({ sink, left: left[i + 1]! })),
  );
  const own = sinksOf(scope)?.map((sink) => ({ sink, left: left[0]! })) ?? null;
  return { own, inherited };
}

function nativeStorage(
  snapshot: Snapshot,
  scope: string,
  category: GcpCategory,
  own: Applying[] | null,
  route: Route,
): { storage: Storage; kept: Tri; sink?: string } {
  if (category !== 'data_access') {
    const read = snapshot.bucketsOf(scope);
    if (read) route.used.add(read.key);
    const listed = read?.ok ? read.value.find((b) => b.id === '_Required') : undefined;
    const storage = listed ? { retentionDays: listed.retentionDays, locked: listed.locked } : REQUIRED_BUCKET;
    return { storage, kept: true };
  }
  if (own === null) return { storage: UNKNOWN, kept: 'unknown' };
  const home = snapshot.canonical(scope);
  const found = own.find((s) => idOf(s.sink.name) === '_Default');
  const sink = found?.sink;
  const target = sink ? parseDestination(sink.destination) : undefined;
  const toOwnDefault =
    target?.bucket && target.owner && snapshot.canonical(target.owner) === home && idOf(target.bucket) === '_Default';
  if (!found || !sink || !target?.bucket || !toOwnDefault) return { storage: NOTHING, kept: false };
  const entry = { logName: logNameOf(home, category) };
  const match = andMatch(
    andMatch(sinkMatch(sink, entry), found.left),
    notMatch(listedExclusions(snapshot, scope, entry, route)),
  );
  const storage =
    match === 'all' ? bucketStorage(snapshot, target.bucket, route) : match === 'unknown' ? UNKNOWN : NOTHING;
  return { storage, kept: keeps(match, target, storage), sink: sink.name };
}

/**
 * What the exclusions API lists for a resource excludes from its `_Default` sink; unread, it might exclude anything.
 * (Google keeps these and the sink's own `exclusions` alike; both are read, and either one excludes.)
 */
function listedExclusions(snapshot: Snapshot, scope: string, entry: EntryClass, route: Route): Match {
  const read = snapshot.exclusions.get(scope);
  if (!read) return 'unknown';
  route.used.add(read.key);
  if (!read.ok) {
    route.missing.add(read.key);
    return 'unknown';
  }
  return excludes(read.value, entry);
}

const idOf = (name: string) => name.slice(name.lastIndexOf('/') + 1);

/** The native store and the destinations of one audit log of one configured resource. */
export function route(snapshot: Snapshot, scope: string, category: GcpCategory): Route {
  const result: Route = { native: UNKNOWN, destinations: [], kept: false, used: new Set(), missing: new Set() };
  const home = snapshot.canonical(scope);
  const entry = { logName: logNameOf(home, category) };
  const { own, inherited } = applyingSinks(snapshot, scope, entry, result);
  const native = nativeStorage(snapshot, scope, category, own, result);
  result.native = native.storage;
  result.kept = native.kept;
  const byName = new Map<string, LogDestination>();
  const candidates = [...(own ?? []).filter((s) => !isBuiltIn(s.sink, native.sink)), ...inherited];
  for (const { sink, left } of candidates) {
    const match = andMatch(sinkMatch(sink, entry), left);
    if (match === 'none' || match === 'some') continue;
    const target = parseDestination(sink.destination);
    const storage = match === 'all' && target.bucket ? bucketStorage(snapshot, target.bucket, result) : UNKNOWN;
    result.kept = orTri(result.kept, keeps(match, target, storage));
    const boundary =
      target.owner === null ? 'unknown' : snapshot.canonical(target.owner) === home ? 'same_admin_domain' : 'separate';
    const destination = { kind: target.kind, name: sink.destination, boundary, ...storage } as const;
    const seen = byName.get(sink.destination);
    if (!seen || seen.retentionDays === 'unknown') byName.set(sink.destination, destination);
  }
  result.destinations = [...byName.values()];
  return result;
}

/** `_Required` is the native route of the logs it carries (and carries no other); `_Default` is when found above. */
function isBuiltIn(sink: Sink, nativeDefault: string | undefined): boolean {
  return idOf(sink.name) === '_Required' || sink.name === nativeDefault;
}
