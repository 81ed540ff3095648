import type { SettingFact, Tri } from '@evident/core';
import { compareTimes } from './connection-run.ts';

/** Setting keys connectors emit, by what they mean. */
export const SETTING = {
  securityDefaults: 'entra.security_defaults',
  githubTwoFactor: 'github.two_factor_requirement',
  licence: 'entra.licence',
  weakMethods: 'entra.weak_methods',
  methodsMigration: 'entra.methods_policy_migration',
} as const;

/** A boolean setting; null (unreadable) or any other type is unknown. */
function settingTri(f: SettingFact): Tri {
  return typeof f.value === 'boolean' ? f.value : 'unknown';
}

/**
 * The latest value of each setting key on one connection. When a key is reported twice the newest observation wins
 * (equal times: a fixed order of the values), so the result does not depend on the order facts arrive in.
 */
export class LatestSettings {
  private readonly byKey = new Map<string, SettingFact>();

  constructor(private readonly keys: readonly string[]) {}

  /** True when the fact is one of the keys kept. */
  add(f: SettingFact): boolean {
    if (!this.keys.includes(f.subject)) return false;
    const kept = this.byKey.get(f.subject);
    const order = kept
      ? compareTimes(f.observedAt, kept.observedAt) || String(f.value).localeCompare(String(kept.value))
      : 1;
    if (order > 0) this.byKey.set(f.subject, f);
    return true;
  }

  get(key: string): SettingFact | undefined {
    return this.byKey.get(key);
  }

  /** A boolean setting's value: undefined when it was not reported at all. */
  tri(key: string): Tri | undefined {
    const f = this.byKey.get(key);
    return f ? settingTri(f) : undefined;
  }
}
