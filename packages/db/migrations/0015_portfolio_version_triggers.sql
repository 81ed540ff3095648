-- The portfolio's fingerprint is the sum of its tenants' versions: the database raises a tenant's version whenever
-- what the portfolio shows of it changes, whichever code path made the change.
CREATE FUNCTION "tenants_raise_portfolio_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (NEW."name", NEW."kind", NEW."deleted_at") IS DISTINCT FROM (OLD."name", OLD."kind", OLD."deleted_at") THEN
    NEW."portfolio_version" := OLD."portfolio_version" + 1;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "tenants_portfolio_version" BEFORE UPDATE ON "tenants"
  FOR EACH ROW EXECUTE FUNCTION "tenants_raise_portfolio_version"();
--> statement-breakpoint
CREATE FUNCTION "raise_tenant_portfolio_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP <> 'INSERT' THEN
    UPDATE "tenants" SET "portfolio_version" = "portfolio_version" + 1
    WHERE "organization_id" = OLD."organization_id" AND "id" = OLD."tenant_id";
  END IF;
  IF TG_OP <> 'DELETE' THEN
    UPDATE "tenants" SET "portfolio_version" = "portfolio_version" + 1
    WHERE "organization_id" = NEW."organization_id" AND "id" = NEW."tenant_id";
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "assessment_runs_portfolio_version_insert" AFTER INSERT ON "assessment_runs"
  FOR EACH ROW WHEN (NEW."result_count" > 0) EXECUTE FUNCTION "raise_tenant_portfolio_version"();
--> statement-breakpoint
CREATE TRIGGER "assessment_runs_portfolio_version_update" AFTER UPDATE ON "assessment_runs"
  FOR EACH ROW WHEN (
    (NEW."tenant_id", NEW."started_at", NEW."result_count", NEW."passing_count", NEW."partial_count", NEW."applicable_count")
    IS DISTINCT FROM
    (OLD."tenant_id", OLD."started_at", OLD."result_count", OLD."passing_count", OLD."partial_count", OLD."applicable_count")
  ) EXECUTE FUNCTION "raise_tenant_portfolio_version"();
--> statement-breakpoint
CREATE TRIGGER "assessment_runs_portfolio_version_delete" AFTER DELETE ON "assessment_runs"
  FOR EACH ROW WHEN (OLD."result_count" > 0) EXECUTE FUNCTION "raise_tenant_portfolio_version"();
--> statement-breakpoint
CREATE TRIGGER "connections_portfolio_version" AFTER INSERT OR DELETE ON "connections"
  FOR EACH ROW EXECUTE FUNCTION "raise_tenant_portfolio_version"();
--> statement-breakpoint
CREATE TRIGGER "connections_portfolio_version_update" AFTER UPDATE ON "connections"
  FOR EACH ROW WHEN ((NEW."tenant_id", NEW."kind") IS DISTINCT FROM (OLD."tenant_id", OLD."kind"))
  EXECUTE FUNCTION "raise_tenant_portfolio_version"();
