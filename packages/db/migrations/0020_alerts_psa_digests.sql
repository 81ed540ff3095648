ALTER TYPE "public"."alert_channel_kind" ADD VALUE 'connectwise';--> statement-breakpoint
ALTER TYPE "public"."alert_channel_kind" ADD VALUE 'autotask';--> statement-breakpoint
ALTER TYPE "public"."alert_channel_kind" ADD VALUE 'halopsa';--> statement-breakpoint
CREATE TABLE "alert_digest_items" (
	"organization_id" text NOT NULL,
	"rule_id" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"tenant_id" text NOT NULL,
	"event" jsonb NOT NULL,
	"digest_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_digest_items_pkey" PRIMARY KEY("organization_id","rule_id","dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "alert_digests" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"rule_id" text NOT NULL,
	"channel_id" text NOT NULL,
	"period_end" timestamp with time zone NOT NULL,
	"items" integer NOT NULL,
	"status" "alert_delivery_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"lease_until" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone,
	CONSTRAINT "alert_digests_period_key" UNIQUE("organization_id","rule_id","period_end")
);
--> statement-breakpoint
CREATE TABLE "alert_psa_companies" (
	"organization_id" text NOT NULL,
	"channel_id" text NOT NULL,
	"tenant_id" text NOT NULL,
	"company_id" text NOT NULL,
	"company_name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_psa_companies_pkey" PRIMARY KEY("organization_id","channel_id","tenant_id")
);
--> statement-breakpoint
CREATE TABLE "alert_psa_tickets" (
	"organization_id" text NOT NULL,
	"channel_id" text NOT NULL,
	"ticket_id" text NOT NULL,
	"tenant_id" text NOT NULL,
	"control_id" text NOT NULL,
	"ref" text NOT NULL,
	"opened_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	CONSTRAINT "alert_psa_tickets_pkey" PRIMARY KEY("organization_id","channel_id","ticket_id")
);
--> statement-breakpoint
ALTER TABLE "alert_rules" ADD COLUMN "digest" jsonb;--> statement-breakpoint
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_organization_id_key" UNIQUE("organization_id","id");--> statement-breakpoint
ALTER TABLE "alert_digest_items" ADD CONSTRAINT "alert_digest_items_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_digest_items" ADD CONSTRAINT "alert_digest_items_rule_fk" FOREIGN KEY ("organization_id","rule_id") REFERENCES "public"."alert_rules"("organization_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_digests" ADD CONSTRAINT "alert_digests_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_digests" ADD CONSTRAINT "alert_digests_rule_fk" FOREIGN KEY ("organization_id","rule_id") REFERENCES "public"."alert_rules"("organization_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_psa_companies" ADD CONSTRAINT "alert_psa_companies_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_psa_companies" ADD CONSTRAINT "alert_psa_companies_channel_fk" FOREIGN KEY ("organization_id","channel_id") REFERENCES "public"."alert_channels"("organization_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_psa_companies" ADD CONSTRAINT "alert_psa_companies_tenant_fk" FOREIGN KEY ("organization_id","tenant_id") REFERENCES "public"."tenants"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_psa_tickets" ADD CONSTRAINT "alert_psa_tickets_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_psa_tickets" ADD CONSTRAINT "alert_psa_tickets_channel_fk" FOREIGN KEY ("organization_id","channel_id") REFERENCES "public"."alert_channels"("organization_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_psa_tickets" ADD CONSTRAINT "alert_psa_tickets_tenant_fk" FOREIGN KEY ("organization_id","tenant_id") REFERENCES "public"."tenants"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_digest_items_waiting_idx" ON "alert_digest_items" USING btree ("organization_id","rule_id") WHERE digest_id is null;--> statement-breakpoint
CREATE INDEX "alert_digests_pending_idx" ON "alert_digests" USING btree ("created_at") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "alert_psa_tickets_tenant_idx" ON "alert_psa_tickets" USING btree ("organization_id","tenant_id","control_id");--> statement-breakpoint
-- Row security for the new alert tables, as for every customer table (0003).
SELECT "evident_isolate"('alert_psa_companies');
--> statement-breakpoint
SELECT "evident_isolate"('alert_psa_tickets');
--> statement-breakpoint
SELECT "evident_isolate"('alert_digest_items');
--> statement-breakpoint
SELECT "evident_isolate"('alert_digests');
--> statement-breakpoint
-- A tenant's company is unmapped by deleting the row.
GRANT DELETE ON "alert_psa_companies" TO "evident_runtime";
--> statement-breakpoint
-- The digest sweeper works across organizations: digest rules with waiting events, and digests not yet sent, as ids
-- only (like 0017's pending alerts).
CREATE FUNCTION "evident_digest_work"(timestamptz, integer) RETURNS TABLE ("organization_id" text, "rule_id" text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT DISTINCT "organization_id", "rule_id" FROM (
    SELECT "organization_id", "rule_id" FROM "alert_digest_items" WHERE "digest_id" IS NULL
    UNION ALL
    SELECT "organization_id", "rule_id" FROM "alert_digests"
    WHERE "status" = 'pending' AND ("lease_until" IS NULL OR "lease_until" < $1)
  ) AS work ORDER BY 1, 2 LIMIT $2
$$;
