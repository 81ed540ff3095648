import { idSchema, type OrganizationId, type RunId, type TenantId } from '@evident/core';
import type { AssessmentRun, Store } from '@evident/db';
import { z } from 'zod';
import type { Assessment, Brand, PackInput } from './input.ts';
import { SUBJECTS_SHOWN } from './summary.ts';

/** A point in time (`to` alone: the latest assessment by then) or a period (`from`–`to`: every assessment in it). */
export const packRequest = z
  .object({
    organizationId: idSchema('org'),
    tenantId: idSchema('ten'),
    from: z.date().optional(),
    to: z.date().optional(),
    brand: z.object({ name: z.string().min(1).max(200), accent: z.string().optional() }).optional(),
  })
  .refine((r) => !r.from || !r.to || r.from <= r.to, { message: '`from` must not be after `to`' });
export type PackRequest = z.input<typeof packRequest>;

/** How far back a period reaches in runs; a six-hourly schedule makes about 125 a month. */
const MAX_RUNS = 1000;
/** Smaller pages than the store's defaults: less of a large tenant held at once while its rows become CSV and JSON. */
const FACT_PAGE = 500;
const SUBJECT_PAGE = 2000;

/** Reads what a pack needs from the store; facts stay a stream, read when the pack is written. */
export async function loadPackInput(store: Store, request: PackRequest, now: Date = new Date()): Promise<PackInput> {
  const r = packRequest.parse(request);
  const org = r.organizationId as OrganizationId;
  const tenantId = r.tenantId as TenantId;
  const to = r.to ?? now;
  const organization = await store.getOrganization(org);
  const tenant = await store.getTenant(org, tenantId);
  const runs = (await store.listRuns(org, tenantId, { limit: MAX_RUNS })).filter((run) => {
    const started = Date.parse(run.startedAt);
    return started <= to.getTime() && (!r.from || started >= r.from.getTime());
  });
  async function assessments(): Promise<Assessment[]> {
    const found: Assessment[] = [];
    for (const run of runs as AssessmentRun[]) {
      const heads = await store.runResultHeads(org, run.id, { keep: SUBJECTS_SHOWN });
      if (heads.length === 0) continue;
      const totals = Object.fromEntries(
        heads.map((h) => [h.result.controlId, { failing: h.failingCount, excepted: h.exceptedCount }]),
      );
      found.unshift({ run, results: heads.map((h) => h.result), totals });
      if (!r.from && found.length > 0) break;
    }
    return found;
  }
  const collections = await store.latestCollections(org, tenantId);
  const chain = await store.verifyAuditChain(org);
  return {
    organization: { id: organization.id, name: organization.name },
    tenant: { id: tenant.id, name: tenant.name },
    brand: (r.brand as Brand | undefined) ?? { name: organization.name },
    period: { from: r.from?.toISOString() ?? null, to: to.toISOString() },
    generatedAt: now.toISOString(),
    assessments,
    collections: collections.map((c) => ({ id: c.id, connectionId: c.connectionId, finishedAt: c.finishedAt })),
    async *facts() {
      for (const c of collections) yield* store.collectionFacts(org, c.id, { pageSize: FACT_PAGE });
    },
    subjects: (runId, controlId, list) =>
      store.resultSubjects(org, runId as RunId, controlId, list, { pageSize: SUBJECT_PAGE }),
    exceptions: await store.listExceptions(org, tenantId),
    auditChain: { head: chain.valid ? (chain.head ?? null) : null, events: chain.events, valid: chain.valid },
  };
}
