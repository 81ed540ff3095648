import type { LifecycleRule } from '@aws-sdk/client-s3';

/** What a store that nothing deletes from keeps: a century stands for "until someone deletes it". */
export const NEVER_EXPIRES_DAYS = 36_500;
const DAY_MS = 86_400_000;

/** The rule's key prefix, as S3 reads it: `Filter.Prefix`, `Filter.And.Prefix`, or the legacy `Prefix`. */
function prefixOf(rule: LifecycleRule): string {
  return rule.Filter?.Prefix ?? rule.Filter?.And?.Prefix ?? rule.Prefix ?? '';
}

/** CloudTrail writes its objects untagged: a rule that filters on a tag never selects them. */
function filtersOnTags(rule: LifecycleRule): boolean {
  return rule.Filter?.Tag !== undefined || (rule.Filter?.And?.Tags?.length ?? 0) > 0;
}

function expiryDays(rule: LifecycleRule, now: Date): number | undefined {
  const e = rule.Expiration;
  if (!e) return undefined;
  if (e.Days !== undefined) return e.Days;
  if (e.Date) return Math.max(0, Math.ceil((new Date(e.Date).getTime() - now.getTime()) / DAY_MS));
  return undefined;
}

/**
 * How long a bucket keeps the objects under `logPrefix` (e.g. `ct/AWSLogs/111122223333/CloudTrail/`): the shortest
 * expiration of the enabled rules that select some of them. A rule selects some when its prefix and the log's overlap
 * (either starts with the other): one narrowed to a region still deletes that region's logs. Disabled rules, rules on
 * tags and rules that only clean up delete markers or noncurrent versions delete no current log.
 */
export function lifecycleDays(rules: readonly LifecycleRule[] | null, logPrefix: string, now: Date): number {
  let days = NEVER_EXPIRES_DAYS;
  for (const rule of rules ?? []) {
    if (rule.Status !== 'Enabled' || filtersOnTags(rule)) continue;
    const prefix = prefixOf(rule);
    if (!prefix.startsWith(logPrefix) && !logPrefix.startsWith(prefix)) continue;
    const d = expiryDays(rule, now);
    if (d !== undefined) days = Math.min(days, d);
  }
  return days;
}

/** Where a trail writes this account's logs: `<S3KeyPrefix>/AWSLogs/<account>/CloudTrail/`, or for an organization trail `…/AWSLogs/` (its organization id is not read). */
export function trailLogPrefix(keyPrefix: string | undefined, account: string, organization: boolean): string {
  const base = keyPrefix ? `${keyPrefix.replace(/\/+$/, '')}/AWSLogs/` : 'AWSLogs/';
  return organization ? base : `${base}${account}/CloudTrail/`;
}
