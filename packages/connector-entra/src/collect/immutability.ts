import type { Tri } from '@evident/core';

interface Policy {
  immutabilityPeriodSinceCreationInDays?: number;
  state?: string;
}

/** `GET …/storageAccounts/{name}`: version-level immutability and the account's default policy. */
export interface StorageAccount {
  properties?: { immutableStorageWithVersioning?: { enabled?: boolean; immutabilityPolicy?: Policy } };
}

/** `GET …/blobServices/default/containers/{name}` (`BlobContainer`). */
export interface BlobContainer {
  properties?: {
    hasImmutabilityPolicy?: boolean;
    immutabilityPolicy?: { properties?: Policy };
    hasLegalHold?: boolean;
    legalHold?: { hasLegalHold?: boolean };
  };
}

/** What protects a container's blobs from deletion: a legal hold, or a time-based policy for so many days. */
export interface Protection {
  /** Days since creation no blob can be deleted (locked or not); 0 when no policy holds them. */
  floorDays: number | 'unknown';
  /** A legal hold or a locked policy: nobody, the tenant's admins included, can shorten it. */
  locked: Tri;
  /** How long a locked time-based policy holds; undefined when a legal hold holds them for as long as it stands. */
  lockedDays?: number;
}

const UNKNOWN: Protection = { floorDays: 'unknown', locked: 'unknown' };

function period(p: Policy): number | undefined {
  const days = p.immutabilityPeriodSinceCreationInDays;
  return typeof days === 'number' && days >= 0 ? days : undefined;
}

/**
 * The protection Azure applies to a log container: its own time-based policy, else the account's default under
 * version-level immutability, plus any legal hold. An unlocked policy still keeps blobs while it stands, so it
 * bounds retention from below, but it does not lock them. Unreadable parts leave the answer unknown.
 * `container` is null when the container does not exist yet: the account's default will cover it.
 */
export function protectionOf(
  account: StorageAccount | 'unknown',
  container: BlobContainer | null | 'unknown',
): Protection {
  if (container === 'unknown') return UNKNOWN;
  const c = container?.properties ?? {};
  const hold = c.hasLegalHold === true || c.legalHold?.hasLegalHold === true;
  const own = c.hasImmutabilityPolicy === true || c.immutabilityPolicy !== undefined;
  let policy: Policy | undefined;
  if (own) policy = c.immutabilityPolicy?.properties ?? {};
  else {
    if (account === 'unknown') return hold ? { floorDays: 'unknown', locked: true } : UNKNOWN;
    const versioning = account.properties?.immutableStorageWithVersioning;
    if (versioning?.enabled === true) policy = versioning.immutabilityPolicy ?? {};
  }
  if (!policy || policy.state === 'Disabled') return { floorDays: 0, locked: hold };
  const days = period(policy);
  if (days === undefined || !['Locked', 'Unlocked'].includes(policy.state ?? ''))
    return { floorDays: 'unknown', locked: hold ? true : 'unknown' };
  if (hold) return { floorDays: days, locked: true };
  return policy.state === 'Locked'
    ? { floorDays: days, locked: true, lockedDays: days }
    : { floorDays: days, locked: false };
}
