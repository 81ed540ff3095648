-- The role the server and workers run as (`evident migrate --runtime-user` gives a login role its membership).
-- It may read and write customer data but only INSERT and SELECT on the audit tables, and owns nothing, so it
-- cannot disable triggers or row security. Roles are cluster-wide: another database may have created it already.
DO $$
BEGIN
  CREATE ROLE "evident_runtime" NOLOGIN;
EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO "evident_runtime";
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO "evident_runtime";
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON "audit_events", "audit_alerts" FROM "evident_runtime";
--> statement-breakpoint
-- Tables the owner creates later get the same grants; their row security is one line in their migration.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE ON TABLES TO "evident_runtime";
--> statement-breakpoint
-- Row-level security keyed by the transaction's organization (`evident.organization_id`, set by the store for
-- every repository call): a query that forgot its organization filter sees nothing of another organization.
-- Not FORCEd: the owner (migrations, `evident rotate-secrets`) works across organizations.
CREATE FUNCTION "evident_isolate"("tbl" regclass, "col" text DEFAULT 'organization_id') RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
  EXECUTE format('DROP POLICY IF EXISTS "organization_isolation" ON %s', tbl);
  EXECUTE format(
    'CREATE POLICY "organization_isolation" ON %s USING (%I = current_setting(''evident.organization_id'', true)) '
    'WITH CHECK (%I = current_setting(''evident.organization_id'', true))', tbl, col, col);
END
$$;
--> statement-breakpoint
SELECT "evident_isolate"('organizations', 'id');
--> statement-breakpoint
SELECT "evident_isolate"('staff_users');
--> statement-breakpoint
SELECT "evident_isolate"('tenants');
--> statement-breakpoint
SELECT "evident_isolate"('connections');
--> statement-breakpoint
SELECT "evident_isolate"('assessment_runs');
--> statement-breakpoint
SELECT "evident_isolate"('collections');
--> statement-breakpoint
SELECT "evident_isolate"('facts');
--> statement-breakpoint
SELECT "evident_isolate"('control_results');
--> statement-breakpoint
SELECT "evident_isolate"('drift_events');
--> statement-breakpoint
SELECT "evident_isolate"('exceptions');
--> statement-breakpoint
SELECT "evident_isolate"('audit_events');
--> statement-breakpoint
SELECT "evident_isolate"('audit_alerts');
