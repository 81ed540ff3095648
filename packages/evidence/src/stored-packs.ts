import type { OrganizationId, TenantId } from '@evident/core';
import {
  enqueueExport,
  getExportSchedule,
  type JobsConnection,
  queueReady,
  removeExportSchedule,
  upsertExportSchedule,
} from '@evident/jobs';
import type { PackStorage } from './storage/storage.ts';

/**
 * Evidence packs as the dashboard sees them: stored packs, export now, the tenant's export schedule. What needs the
 * queue gives up within a second when Redis is down (`QueueUnavailableError`) rather than hang the request.
 */
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
    async exportNow(org: OrganizationId, tenant: TenantId) {
      await queueReady(jobs.connection);
      return enqueueExport(jobs, { organizationId: org, tenantId: tenant }, now());
    },
    async schedule(org: OrganizationId, tenant: TenantId, cron: { pattern: string; tz: string } | null) {
      await queueReady(jobs.connection);
      if (cron) await upsertExportSchedule(jobs, { organizationId: org, tenantId: tenant }, cron);
      else await removeExportSchedule(jobs, tenant);
    },
    async currentSchedule(_org: OrganizationId, tenant: TenantId) {
      await queueReady(jobs.connection);
      return getExportSchedule(jobs, tenant);
    },
  };
}
