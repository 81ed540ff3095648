import type { LogDestination } from '@evident/core';
import { STORAGE_READER } from '../permissions.ts';
import { armRead, type Refusal, type Session } from './arm.ts';
import { type BlobContainer, protectionOf, type StorageAccount } from './immutability.ts';
import { type LifecycleRule, lifecycleDays } from './lifecycle.ts';
import type { Run } from './state.ts';

const VERSION = 'api-version=2023-05-01';

type Kept = Pick<LogDestination, 'retentionDays' | 'retentionAtLeast' | 'locked' | 'lockedDays'>;

/** One collection's reads of storage accounts: each account's policy and properties are read once. */
export class StorageReads {
  private readonly rules = new Map<string, Promise<LifecycleRule[] | 'unknown'>>();
  private readonly accounts = new Map<string, Promise<StorageAccount | 'unknown'>>();
  readonly refusals: Refusal[] = [];

  constructor(
    private readonly run: Run,
    private readonly session: Session,
  ) {}

  private read<T, A>(path: string, absent: A) {
    return armRead<T, A>(this.run, this.session, path, STORAGE_READER, this.refusals, absent);
  }

  private rulesOf(accountId: string) {
    let found = this.rules.get(accountId);
    if (!found) {
      type Policy = { properties?: { policy?: { rules?: LifecycleRule[] } } };
      // An account without a lifecycle policy answers 404: no rule deletes anything.
      found = this.read<Policy, null>(`${accountId}/managementPolicies/default?${VERSION}`, null).then((p) =>
        p === 'unknown' ? p : (p?.properties?.policy?.rules ?? []),
      );
      this.rules.set(accountId, found);
    }
    return found;
  }

  private accountOf(accountId: string) {
    let found = this.accounts.get(accountId);
    if (!found) {
      found = this.read<StorageAccount, 'unknown'>(`${accountId}?${VERSION}`, 'unknown');
      this.accounts.set(accountId, found);
    }
    return found;
  }

  /**
   * How long an account keeps one category's container (`insights-logs-<category>`), and whether it is locked:
   * the lifecycle rules' shortest delete, held back by any immutability policy for as long as that holds.
   */
  async keep(accountId: string, category: string): Promise<Kept> {
    const container = `insights-logs-${category.toLowerCase()}`;
    const [rules, account, blobs] = await Promise.all([
      this.rulesOf(accountId),
      this.accountOf(accountId),
      this.read<BlobContainer, null>(`${accountId}/blobServices/default/containers/${container}?${VERSION}`, null),
    ]);
    const lifecycle = rules === 'unknown' ? 'unknown' : lifecycleDays(rules, container);
    const protection = protectionOf(account, blobs);
    const lock = {
      locked: protection.locked,
      ...(protection.lockedDays === undefined ? {} : { lockedDays: protection.lockedDays }),
    };
    // An unread policy might keep the blobs past their delete: what the rules say is then only a floor.
    if (protection.floorDays === 'unknown')
      return { retentionDays: lifecycle, ...(lifecycle === 'unknown' ? {} : { retentionAtLeast: true }), ...lock };
    const floor = protection.floorDays;
    if (floor === 0) return { retentionDays: lifecycle, ...lock };
    if (lifecycle === 'unknown') return { retentionDays: floor, retentionAtLeast: true, ...lock };
    return { retentionDays: Math.max(lifecycle, floor), ...lock };
  }
}
