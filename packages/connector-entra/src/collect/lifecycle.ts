/** A lifecycle management rule as `managementPolicies/default` returns it; anything may be missing or new. */
export interface LifecycleRule {
  enabled?: boolean;
  name?: string;
  type?: string;
  definition?: {
    actions?: { baseBlob?: { delete?: Record<string, unknown> } & Record<string, unknown> } & Record<string, unknown>;
    filters?: { blobTypes?: string[]; prefixMatch?: string[]; blobIndexMatch?: unknown[] } & Record<string, unknown>;
  };
}

/** Azure Monitor writes diagnostic logs as append blobs (`…/PT1H.json`). */
const BLOB_TYPE = 'appendBlob';
const AGES = ['daysAfterModificationGreaterThan', 'daysAfterCreationGreaterThan', 'daysAfterLastAccessTimeGreaterThan'];
const FILTERS = new Set(['blobTypes', 'prefixMatch', 'blobIndexMatch']);

type Applies = 'yes' | 'no' | 'unknown';

/**
 * Whether a rule reaches a container's log blobs. A prefix is `container/blob-prefix`: one the container starts
 * with reaches all of it, one inside the container reaches some of it, which is enough to delete logs early.
 * Blob index tags, and any filter this does not know, cannot be told from here.
 */
export function ruleApplies(rule: LifecycleRule, container: string): Applies {
  if (rule.enabled === false) return 'no';
  if ((rule.type ?? 'Lifecycle') !== 'Lifecycle') return 'unknown';
  const filters = rule.definition?.filters;
  if (!filters) return 'yes';
  if (Object.keys(filters).some((k) => !FILTERS.has(k))) return 'unknown';
  if (!Array.isArray(filters.blobTypes)) return 'unknown';
  if (!filters.blobTypes.includes(BLOB_TYPE)) return 'no';
  const prefixes = filters.prefixMatch ?? [];
  const reaches = (p: string) => container.startsWith(p.toLowerCase()) || p.toLowerCase().startsWith(`${container}/`);
  if (prefixes.length > 0 && !prefixes.some(reaches)) return 'no';
  if ((filters.blobIndexMatch ?? []).length > 0) return 'unknown';
  return 'yes';
}

/** After how many days a rule deletes base blobs: undefined when it deletes none, unknown when the age is unreadable. */
export function deleteDays(rule: LifecycleRule): number | 'unknown' | undefined {
  const del = rule.definition?.actions?.baseBlob?.delete;
  if (del === undefined) return undefined;
  const ages = Object.entries(del);
  if (ages.length === 0 || ages.some(([k, v]) => !AGES.includes(k) || typeof v !== 'number')) return 'unknown';
  return Math.min(...ages.map(([, v]) => v as number));
}

/**
 * How long a container's log blobs live under the account's lifecycle rules: the shortest delete that reaches them
 * (tiering deletes nothing). A rule that may reach them, or whose age is unreadable, and that could delete sooner
 * makes it unknown; so does no delete at all, since nothing then expires the logs but nothing keeps them either.
 */
export function lifecycleDays(rules: LifecycleRule[], container: string): number | 'unknown' {
  let known: number | undefined;
  const doubtful: (number | 'unknown')[] = [];
  for (const rule of rules) {
    const days = deleteDays(rule);
    if (days === undefined) continue;
    const applies = ruleApplies(rule, container);
    if (applies === 'no') continue;
    if (applies === 'yes' && days !== 'unknown') known = known === undefined ? days : Math.min(known, days);
    else doubtful.push(days);
  }
  if (known === undefined) return 'unknown';
  return doubtful.some((d) => d === 'unknown' || d < known!) ? 'unknown' : known;
}
