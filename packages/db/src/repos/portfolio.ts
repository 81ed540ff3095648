import type { ControlStatus, EvidenceRef, OrganizationId, RunId, TenantId } from '@evident/core';
import { sql } from 'drizzle-orm';
import { type RepoContext, rowsOf } from './boundary.ts';

export interface PortfolioCell {
  tenantId: TenantId;
  runId: RunId;
  controlId: string;
  status: ControlStatus;
  numerator: number;
  denominator: number;
  evaluatedAt: string;
}

export interface ResultSummary {
  runId: RunId;
  controlId: string;
  status: ControlStatus;
  numerator: number;
  denominator: number;
  reason: string;
  failingCount: number;
  exceptedCount: number;
  evidence: EvidenceRef[];
  factsAsOf: string | null;
  evaluatedAt: string;
}

export interface TrendPoint {
  tenantId: TenantId;
  day: string;
  passing: number;
  partial: number;
  applicable: number;
}

/** An instant as the ISO text `toISOString` gives, made by the database: thousands of rows skip three parses each. */
const ISO_UTC = (column: string) => sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`);

export function portfolioRepo({ db }: RepoContext) {
  return {
    /** The tenant's latest verdicts with the sizes of their subject lists, not the lists (paged by `evidencePage`). */
    async latestResultSummaries(org: OrganizationId, tenantId: TenantId): Promise<ResultSummary[]> {
      const rows = rowsOf(
        await db.execute(sql`
          with latest as (
            select r.id from assessment_runs r
            where r.organization_id = ${org} and r.tenant_id = ${tenantId} and r.result_count > 0
            order by r.started_at desc, r.id desc limit 1
          )
          select c.run_id, c.control_id, c.status, c.coverage_numerator, c.coverage_denominator, c.reason,
                 c.failing_count, c.excepted_count,
                 c.evidence, c.facts_as_of, c.evaluated_at
          from latest l join control_results c on c.organization_id = ${org} and c.run_id = l.id
          order by c.control_id`),
      );
      return rows.map((r) => ({
        runId: r.run_id as RunId,
        controlId: String(r.control_id),
        status: r.status as ControlStatus,
        numerator: Number(r.coverage_numerator),
        denominator: Number(r.coverage_denominator),
        reason: String(r.reason),
        failingCount: Number(r.failing_count),
        exceptedCount: Number(r.excepted_count),
        evidence: (typeof r.evidence === 'string' ? JSON.parse(r.evidence) : r.evidence) as EvidenceRef[],
        factsAsOf: r.facts_as_of === null ? null : new Date(String(r.facts_as_of)).toISOString(),
        evaluatedAt: new Date(String(r.evaluated_at)).toISOString(),
      }));
    },

    /** Each live tenant's newest run with results, its verdicts without their subject lists (those can be huge). */
    async portfolioCells(org: OrganizationId): Promise<PortfolioCell[]> {
      const rows = rowsOf(
        await db.execute(sql`
        select c.tenant_id, c.run_id, c.control_id, c.status, c.coverage_numerator, c.coverage_denominator,
               ${ISO_UTC('c.evaluated_at')} as evaluated_at
        from tenants t
        cross join lateral (
          select r.id from assessment_runs r
          where r.organization_id = t.organization_id and r.tenant_id = t.id and r.result_count > 0
          order by r.started_at desc, r.id desc limit 1
        ) l
        join control_results c on c.organization_id = t.organization_id and c.run_id = l.id
        where t.organization_id = ${org} and t.deleted_at is null
        order by c.tenant_id, c.control_id`),
      );
      return rows.map((r) => ({
        tenantId: r.tenant_id as TenantId,
        runId: r.run_id as RunId,
        controlId: String(r.control_id),
        status: r.status as ControlStatus,
        numerator: Number(r.coverage_numerator),
        denominator: Number(r.coverage_denominator),
        evaluatedAt: String(r.evaluated_at),
      }));
    },

    /**
     * A fingerprint of everything the portfolio is built from: the database raises a tenant's `portfolio_version` on
     * every change the portfolio shows (migration 0015), so the count and sum of its tenants' versions change with it.
     * Equal fingerprints mean an equal portfolio on the same day.
     */
    async portfolioStamp(org: OrganizationId): Promise<string> {
      const [row] = rowsOf(
        await db.execute(sql`
        select count(*) || '/' || coalesce(sum(t.portfolio_version), 0) as stamp
        from tenants t where t.organization_id = ${org}`),
      );
      return String(row!.stamp);
    },

    /** Per tenant and day since `since`: the verdicts of the day's last run, counted. */
    async portfolioTrend(org: OrganizationId, since: Date): Promise<TrendPoint[]> {
      const rows = rowsOf(
        await db.execute(sql`
        select distinct on (r.tenant_id, date_trunc('day', r.started_at, 'UTC')) r.tenant_id,
               to_char(date_trunc('day', r.started_at, 'UTC') at time zone 'UTC', 'YYYY-MM-DD') as day, r.passing_count as passing, r.partial_count as partial,
               r.applicable_count as applicable
        from assessment_runs r
        where r.organization_id = ${org} and r.started_at >= ${since.toISOString()}::timestamptz and r.result_count > 0
        order by r.tenant_id, date_trunc('day', r.started_at, 'UTC'), r.started_at desc, r.id desc`),
      );
      return rows.map((r) => ({
        tenantId: r.tenant_id as TenantId,
        day: String(r.day),
        passing: Number(r.passing),
        partial: Number(r.partial),
        applicable: Number(r.applicable),
      }));
    },
  };
}
