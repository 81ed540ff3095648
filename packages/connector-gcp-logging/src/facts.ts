import type { LogSourceFact, SettingFact, Tri } from '@evident/core';
import { type DataAccessState, dataAccess } from './audit.ts';
import type { AuditConfig } from './model.ts';
import { GCP_CATEGORIES, logNameOf, route } from './routing.ts';
import { describeRead, type Snapshot } from './snapshot.ts';

export const DATA_ACCESS_SETTING = 'gcp.data_access_audit';

export interface FactBase {
  connection: string;
  observedAt: string;
}

export interface Assembly {
  facts: (LogSourceFact | SettingFact)[];
  /** For each failed read, the evidence (gap vocabulary) it left missing or incomplete. */
  covers: Map<string, Set<string>>;
}

interface EffectiveDataAccess {
  /** `null` when a policy on the way up could not be read and what was read does not already say `all`. */
  state: DataAccessState | null;
  exemptions: string[];
  used: Set<string>;
  missing: Set<string>;
}

function effectiveDataAccess(snapshot: Snapshot, resource: string): EffectiveDataAccess {
  const used = new Set<string>();
  const missing = new Set<string>();
  const ancestors = snapshot.ancestors(resource);
  if (!ancestors.ok) missing.add(ancestors.key);
  const configs: AuditConfig[] = [];
  for (const node of [resource, ...(ancestors.ok ? ancestors.value : [])]) {
    const read = snapshot.policies.get(node);
    if (!read) throw new Error(`the IAM policy of ${node} was not read`);
    used.add(read.key);
    if (read.ok) configs.push(...read.value);
    else missing.add(read.key);
  }
  const { state, exemptions } = dataAccess(configs);
  return { state: missing.size === 0 || state === 'all' ? state : null, exemptions, used, missing };
}

/**
 * Data Access is logged when the audit configs turn it on for everything and some sink stores all of it: written
 * and then excluded, or routed nowhere, it is logged nowhere. Either part unknown leaves the answer unknown.
 */
function dataAccessLogged(state: DataAccessState | null, kept: Tri): Tri {
  if (state !== null && state !== 'all') return false;
  if (kept === false) return false;
  return state === 'all' && kept === true ? true : 'unknown';
}

/**
 * When the newest retained entry of a log was written. `null` (none) is a fact for Admin Activity and System Event,
 * which `_Required` keeps 400 days whatever the sinks do; a Data Access log may be kept only elsewhere (or its entries
 * be hidden from a reader without the private-logs permission), so finding none there says nothing: `'unknown'`.
 */
function lastEvent(
  snapshot: Snapshot,
  logName: string,
): { at: string | null | 'unknown'; used: string[]; missing: string[] } {
  const read = snapshot.newest.get(logName);
  if (!read) return { at: 'unknown', used: [], missing: [] };
  return read.ok
    ? { at: read.value, used: [read.key], missing: [] }
    : { at: 'unknown', used: [read.key], missing: [read.key] };
}

/**
 * Per configured resource, one `logSource` per audit log and the `gcp.data_access_audit` setting. Only Admin Activity
 * is "most important"; Data Access (off by default, voluminous) is not, and counts as enabled only when it is on for
 * all services, reads and writes. Controls that want Data Access can require it by category.
 */
export function assemble(snapshot: Snapshot, resources: readonly string[], base: FactBase): Assembly {
  const facts: Assembly['facts'] = [];
  const covers = new Map<string, Set<string>>();
  const note = (keys: Iterable<string>, cover: string) => {
    for (const key of keys) covers.set(key, (covers.get(key) ?? new Set()).add(cover));
  };
  const common = { ...base, provider: 'gcp-logging' as const };
  for (const resource of resources) {
    const scope = snapshot.canonical(resource);
    const access = effectiveDataAccess(snapshot, resource);
    // Without its own sinks nothing about a resource's routing is known; the failed read's gap covers its logs.
    const own = snapshot.sinks.get(resource);
    if (own && !own.ok) note([own.key], 'logSource');
    const categories = own?.ok ? GCP_CATEGORIES : [];
    for (const category of categories) {
      const r = route(snapshot, resource, category);
      const isData = category === 'data_access';
      const last = lastEvent(snapshot, logNameOf(scope, category));
      const used = [...r.used, ...(isData ? access.used : []), ...last.used];
      note(r.missing, `logSource.${category}`);
      note(last.missing, `logSource.${category}.lastEventAt`);
      if (isData) note(access.missing, `logSource.${category}`);
      facts.push({
        type: 'logSource',
        ...common,
        source: [...new Set(used)].map(describeRead).join('; '),
        subject: logNameOf(scope, category),
        scope,
        category,
        important: category === 'admin_audit',
        enabled: isData ? dataAccessLogged(access.state, r.kept) : true,
        nativeRetentionDays: r.native.retentionDays,
        locked: r.native.locked,
        destinations: r.destinations,
        exemptions: isData ? access.exemptions : [],
        lastEventAt: isData && last.at === null ? 'unknown' : last.at,
      });
    }
    note(access.missing, `setting.${DATA_ACCESS_SETTING}`);
    facts.push({
      type: 'setting',
      ...common,
      source: [...access.used].map(describeRead).join('; '),
      subject: DATA_ACCESS_SETTING,
      scope,
      value: access.state,
    });
  }
  return { facts, covers };
}

/** What a failed read leaves missing when no fact depended on it (its own kind of evidence). */
export function fallbackCover(key: string): string[] {
  const kind = key.slice(0, key.indexOf(':'));
  if (kind === 'policy') return [`setting.${DATA_ACCESS_SETTING}`];
  if (kind === 'newest') return ['logSource.lastEventAt'];
  if (kind === 'buckets' || kind === 'exclusions') return ['logSource.data_access'];
  // An unlisted folder or organization hides whole resources: their logs and their settings.
  if (kind === 'projectsUnder' || kind === 'foldersUnder') return ['logSource', `setting.${DATA_ACCESS_SETTING}`];
  return ['logSource'];
}
