ALTER TYPE "public"."run_trigger" ADD VALUE 'change';--> statement-breakpoint
CREATE TABLE "connection_watches" (
	"organization_id" text NOT NULL,
	"connection_id" text NOT NULL,
	"tenant_id" text NOT NULL,
	"cursor" text,
	"last_read_at" timestamp with time zone,
	"last_change_at" timestamp with time zone,
	"error_code" text,
	"error" text,
	"error_at" timestamp with time zone,
	"recent_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"pending" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"skipped" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"collection_requests" integer,
	"read_requests" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "connection_watches_pkey" PRIMARY KEY("organization_id","connection_id")
);
--> statement-breakpoint
ALTER TABLE "assessment_runs" ADD COLUMN "changes" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "connection_watches" ADD CONSTRAINT "connection_watches_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "connection_watches" ADD CONSTRAINT "connection_watches_connection_fk" FOREIGN KEY ("organization_id","connection_id") REFERENCES "public"."connections"("organization_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "connection_watches_tenant_idx" ON "connection_watches" USING btree ("organization_id","tenant_id");
--> statement-breakpoint
SELECT "evident_isolate"('connection_watches');
--> statement-breakpoint
-- The watch scheduler keeps one repeat per live connection of every organization: it learns which exist through
-- this owner's lookup, ids and kinds only.
CREATE FUNCTION "evident_watch_targets"() RETURNS TABLE ("organization_id" text, "tenant_id" text, "connection_id" text, "kind" text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT c."organization_id", c."tenant_id", c."id", c."kind" FROM "connections" c
  JOIN "tenants" t ON t."organization_id" = c."organization_id" AND t."id" = c."tenant_id"
  WHERE c."status" <> 'disabled' AND t."deleted_at" IS NULL
  ORDER BY c."organization_id", c."id"
$$;
