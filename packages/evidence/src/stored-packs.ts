import type { OrganizationId, TenantId } from '@evident/core';
import {
  enqueueExport,
  getExportSchedule,
  type JobsConnection,
  removeExportSchedule,
  upsertExportSchedule,
} from '@evident/jobs';
import type { PackStorage } from './storage/storage.ts';

/** Evidence packs as the dashboard sees them: stored packs, export now, the tenant's export schedule. */
export function storedPacks(storage: PackStorage, jobs: JobsConnection, now: () => Date) {
  return {
    async list(org: OrganizationId, tenant: TenantId) {
      const stored = await storage.list(`${org}/${tenant}/`);
      return stored.map((o) => ({
        key: o.key,
        name: o.key.slice(o.key.lastIndexOf('/') + 1),
        size: o.size,
        storedAt: o.modifiedAt,
      }));
    },
    exportNow: (org: OrganizationId, tenant: TenantId) =>
      enqueueExport(jobs, { organizationId: org, tenantId: tenant }, now()),
    async schedule(org: OrganizationId, tenant: TenantId, cron: { pattern: string; tz: string } | null) {
      if (cron) await upsertExportSchedule(jobs, { organizationId: org, tenantId: tenant }, cron);
      else await removeExportSchedule(jobs, tenant);
    },
    currentSchedule: (_org: OrganizationId, tenant: TenantId) => getExportSchedule(jobs, tenant),
  };
}
