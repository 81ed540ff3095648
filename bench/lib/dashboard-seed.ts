import { randomBytes } from 'node:crypto';
import { hashPassword } from '@evident/api/testing';
import { CATALOG } from '@evident/controls';
import type { ControlResult, OrganizationId, RunId, TenantId } from '@evident/core';
import { createDatabase, createStore, type Database, generateSecretKey, migrate, type Store } from '@evident/db';
import pg from 'pg';

export interface DashboardSize {
  tenants: number;
  days: number;
  /** Failing subjects of the huge tenant's one failing control. */
  hugeSubjects: number;
}

export interface Seeded {
  url: string;
  key: { id: string; key: string };
  org: OrganizationId;
  email: string;
  password: string;
  totpSecret: string;
  /** A tenant of the portfolio, with its 90 days of history. */
  tenant: TenantId;
  huge: { tenant: TenantId; run: RunId; controlId: string };
  size: DashboardSize;
  database: Database;
  store: Store;
  drop(): Promise<void>;
}

const PASSWORD = 'correct horse battery staple';
const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

async function admin(server: string, statement: string) {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** The huge tenant's failing subjects, as the evaluator writes them: `why` is a reason code. */
export const hugeSubject = (i: number) => ({
  connection: 'entra',
  subject: `u${String(i).padStart(7, '0')}`,
  name: `user${i}@contoso.example`,
  why: i % 3 === 0 ? 'mfa_not_registered' : 'mfa_not_enforced',
});

/**
 * A fresh database on the server, migrated, with one organization: `tenants` tenants × every control × `days` daily
 * runs (results, their subject rows and drift, in the shapes the store writes), and one huge tenant whose latest run
 * was written through the store itself.
 */
export async function seedDashboard(server: string, size: DashboardSize, now: Date): Promise<Seeded> {
  const name = `evident_bench_dash_${randomBytes(5).toString('hex')}`;
  await admin(server, `create database ${name}`);
  const url = server.replace(/\/[^/]*$/, `/${name}`);
  const drop = () => admin(server, `drop database if exists ${name} with (force)`);
  try {
    const database = await createDatabase({ url, maxConnections: 4 });
    await migrate(database);
    const key = { id: 'bench-1', key: generateSecretKey() };
    const store = createStore(database, { secrets: { current: key } });
    if (database.driver !== 'pg') throw new Error('the dashboard bench seeds PostgreSQL');
    const q = (text: string, values: unknown[] = []) => database.pool.query(text, values);

    const org = `org_${randomBytes(13).toString('hex').slice(0, 26)}` as OrganizationId;
    await store.createOrganization(org, { name: 'Bench MSP' });
    const email = 'owner@bench.example';
    const user = await store.createUser(org, { email, role: 'owner', passwordHash: await hashPassword(PASSWORD) });
    await store.setTotpSecret(org, user.id, TOTP_SECRET);
    await store.confirmTotp(org, user.id);

    const controls = CATALOG.map((c) => c.id);
    const tenantId = (i: string) => `'ten_' || lpad(to_hex(${i}), 26, '0')`;
    await q(
      `insert into tenants (id, organization_id, name, kind, created_at)
       select ${tenantId('i')}, $1, 'Tenant ' || lpad(i::text, 5, '0'), 'customer', $2::timestamptz - interval '120 days'
       from generate_series(1, $3::int) i`,
      [org, now, size.tenants],
    );
    // One scheduled run a day per tenant, newest today.
    await q(
      `insert into assessment_runs (id, organization_id, tenant_id, trigger, status, started_at, finished_at)
       select 'run_' || lpad(to_hex(i::bigint * 1000 + d), 26, '0'), $1, ${tenantId('i')}, 'schedule', 'succeeded',
              $2::timestamptz - make_interval(days => d, mins => 5), $2::timestamptz - make_interval(days => d)
       from generate_series(1, $3::int) i, generate_series(0, $4::int - 1) d`,
      [org, now, size.tenants, size.days],
    );
    // Each (tenant, control) keeps a status for about two weeks, then moves on; fail and partial name a subject. A run's
    // results are written together, so they lie together.
    await q(
      `insert into control_results (organization_id, run_id, tenant_id, control_id, status, coverage_numerator,
         coverage_denominator, reason, failing, excepted, evidence, facts_as_of, evaluated_at)
       select r.organization_id, r.id, r.tenant_id, c.id, s.status::control_status,
              case s.status when 'pass' then 40 when 'partial' then 30 when 'fail' then 12 else 0 end,
              case s.status when 'not_applicable' then 0 else 40 end,
              case s.status when 'pass' then 'every subject meets the control'
                            when 'partial' then 'some subjects meet it only in part'
                            when 'fail' then 'subjects fail the control'
                            when 'unknown' then 'no evidence: the connection lacks a permission'
                            else 'no subject this control applies to' end,
              case when s.status in ('fail', 'partial') then jsonb_build_array(jsonb_build_object(
                     'connection', 'entra', 'subject', 'u' || lpad((abs(s.h) % 1000)::text, 7, '0'),
                     'name', 'user' || (abs(s.h) % 1000) || '@tenant.example', 'why', 'mfa_not_registered'))
                   else '[]'::jsonb end,
              '[]'::jsonb,
              jsonb_build_array(jsonb_build_object('connection', 'entra', 'source', 'GET /users',
                'observedAt', to_char(r.started_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'facts', 40)),
              r.started_at, r.finished_at
       from assessment_runs r
       cross join unnest($2::text[]) as c(id)
       cross join lateral (
         select h, (array['pass','pass','pass','pass','pass','partial','fail','fail','unknown','not_applicable'])
                   [1 + abs(h + (extract(epoch from r.started_at)::bigint / 86400 / 14)::int) % 10] as status
         from (select hashtext(r.tenant_id || c.id) as h) x
       ) s
       where r.organization_id = $1
       order by r.id, c.id`,
      [org, controls],
    );
    // What the store writes on the run with its results (repos/results.ts writeResults).
    await q(
      `update assessment_runs r
       set result_count = s.results, passing_count = s.passing, partial_count = s.partial, applicable_count = s.applicable
       from (select run_id, count(*)::int as results, (count(*) filter (where status = 'pass'))::int as passing,
                    (count(*) filter (where status = 'partial'))::int as partial,
                    (count(*) filter (where status <> 'not_applicable'))::int as applicable
             from control_results where organization_id = $1 group by run_id) s
       where r.id = s.run_id`,
      [org],
    );
    // The rows the store unpacks from each result (repos/evidence.ts writeResultSubjects), for every run at once.
    await q(
      `insert into result_subjects
         (organization_id, run_id, control_id, kind, ord, connection, subject, name, detail, approver, expires_at, search)
       select r.organization_id, r.run_id, r.control_id, 'failing'::result_subject_kind, e.ord, e.s->>'connection',
              e.s->>'subject', e.s->>'name', e.s->>'why', null, null, lower(concat_ws(' ', e.s->>'subject', e.s->>'name'))
       from control_results r, jsonb_array_elements(r.failing) with ordinality as e(s, ord)
       where r.organization_id = $1`,
      [org],
    );
    // Drift as the store records it: one event per control whose status changed since the tenant's previous run.
    await q(
      `insert into drift_events (organization_id, tenant_id, control_id, run_id, previous_run_id, from_status, to_status, at)
       select organization_id, tenant_id, control_id, run_id, previous_run, previous_status, status, evaluated_at
       from (select c.organization_id, c.tenant_id, c.control_id, c.run_id, c.status, c.evaluated_at,
                    lag(c.run_id) over w as previous_run, lag(c.status) over w as previous_status
             from control_results c where c.organization_id = $1
             window w as (partition by c.tenant_id, c.control_id order by c.evaluated_at)) x
       where previous_status is not null and previous_status <> status`,
      [org],
    );

    const huge = await store.createTenant(org, { name: 'Huge Corp', kind: 'customer' });
    const run = await store.createRun(org, {
      tenantId: huge.id,
      trigger: 'manual',
      startedAt: new Date(now.getTime() - 600_000),
    });
    const controlId = controls[0]!;
    const at = new Date(now.getTime() - 60_000).toISOString();
    const results: ControlResult[] = controls.map((id) => ({
      controlId: id,
      status: id === controlId ? 'fail' : 'pass',
      coverage: { numerator: id === controlId ? 0 : size.hugeSubjects, denominator: size.hugeSubjects },
      reason: id === controlId ? `${size.hugeSubjects} identities fail the control` : 'every subject meets the control',
      failing: id === controlId ? Array.from({ length: size.hugeSubjects }, (_, i) => hugeSubject(i)) : [],
      excepted: [],
      evidence: [{ connection: 'entra', source: 'GET /users', observedAt: at, facts: size.hugeSubjects }],
      factsAsOf: at,
      evaluatedAt: at,
    }));
    await store.writeResults(org, run.id, results);
    await store.finishRun(org, run.id, { status: 'succeeded' });
    await q('vacuum analyze');

    return {
      url,
      key,
      org,
      email,
      password: PASSWORD,
      totpSecret: TOTP_SECRET,
      tenant: (await q(`select ${tenantId('1')} as id`)).rows[0].id as TenantId,
      huge: { tenant: huge.id, run: run.id, controlId },
      size,
      database,
      store,
      drop: async () => {
        await database.close();
        await drop();
      },
    };
  } catch (err) {
    await drop();
    throw err;
  }
}
