-- Row security for the sign-in, share and evidence tables, as for every customer table (0003).
SELECT "evident_isolate"('staff_sessions');
--> statement-breakpoint
SELECT "evident_isolate"('recovery_codes');
--> statement-breakpoint
SELECT "evident_isolate"('invitations');
--> statement-breakpoint
SELECT "evident_isolate"('shares');
--> statement-breakpoint
SELECT "evident_isolate"('share_accesses');
--> statement-breakpoint
SELECT "evident_isolate"('branding');
--> statement-breakpoint
SELECT "evident_isolate"('result_subjects');
--> statement-breakpoint
REVOKE UPDATE, DELETE, TRUNCATE ON "share_accesses" FROM "evident_runtime";
--> statement-breakpoint
-- Recovery codes are replaced as a set, and a successful sign-in clears its failure count.
GRANT DELETE ON "recovery_codes", "sign_in_failures" TO "evident_runtime";
--> statement-breakpoint
-- The few reads that cannot know the organization yet (a credential arrives before its organization is known, and
-- the reaper and the audit anchor work across organizations). Each runs as the owner and answers with ids only;
-- the caller then reads the rows under that organization's setting like any other query.
CREATE FUNCTION "evident_staff_accounts"(text) RETURNS TABLE ("organization_id" text, "id" text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT "organization_id", "id" FROM "staff_users" WHERE "email" = $1 ORDER BY "created_at"
$$;
--> statement-breakpoint
CREATE FUNCTION "evident_session_organization"(text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT "organization_id" FROM "staff_sessions" WHERE "id_hash" = $1
$$;
--> statement-breakpoint
CREATE FUNCTION "evident_share_organization"(text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT "organization_id" FROM "shares" WHERE "token_hash" = $1
$$;
--> statement-breakpoint
CREATE FUNCTION "evident_invitation_organization"(text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT "organization_id" FROM "invitations" WHERE "token_hash" = $1
$$;
--> statement-breakpoint
CREATE FUNCTION "evident_stale_runs"(timestamptz, integer) RETURNS TABLE ("organization_id" text, "id" text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT "organization_id", "id" FROM "assessment_runs"
  WHERE "status" = 'running' AND "started_at" < $1 ORDER BY "started_at", "id" LIMIT $2
$$;
--> statement-breakpoint
CREATE FUNCTION "evident_organization_ids"() RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT "id" FROM "organizations" ORDER BY "id"
$$;
