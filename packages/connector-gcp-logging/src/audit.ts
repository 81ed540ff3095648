import type { AuditConfig } from './model.ts';

/** Data Access audit logging of a resource: on for every service (reads and writes), on for some, or off. */
export type DataAccessState = 'all' | 'partial' | 'none';

export interface DataAccess {
  state: DataAccessState;
  /** Principals whose data access is not logged, as IAM names them (`user:a@example.com`). */
  exemptions: string[];
}

const DATA_TYPES = new Set(['ADMIN_READ', 'DATA_READ', 'DATA_WRITE']);

/**
 * The effective Data Access configuration of a resource. Audit configs are inherited, so `configs` holds those of
 * the resource and of all its ancestors; the effective set of log types per service is their union.
 */
export function dataAccess(configs: readonly AuditConfig[]): DataAccess {
  const types = new Map<string, Set<string>>();
  const exemptions = new Set<string>();
  for (const config of configs) {
    for (const log of config.auditLogConfigs) {
      if (!DATA_TYPES.has(log.logType)) continue;
      const set = types.get(config.service) ?? new Set<string>();
      set.add(log.logType);
      types.set(config.service, set);
      for (const member of log.exemptedMembers) exemptions.add(member);
    }
  }
  const everything = types.get('allServices');
  const state: DataAccessState =
    everything?.has('DATA_READ') && everything.has('DATA_WRITE') ? 'all' : types.size > 0 ? 'partial' : 'none';
  return { state, exemptions: [...exemptions].sort() };
}
