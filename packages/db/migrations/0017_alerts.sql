CREATE TYPE "public"."alert_channel_kind" AS ENUM('webhook', 'slack', 'teams', 'email');--> statement-breakpoint
CREATE TYPE "public"."alert_delivery_status" AS ENUM('pending', 'delivered', 'dead');--> statement-breakpoint
CREATE TABLE "alert_channels" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"kind" "alert_channel_kind" NOT NULL,
	"name" text NOT NULL,
	"config" jsonb NOT NULL,
	"secret_ciphertext" "bytea" NOT NULL,
	"secret_iv" "bytea" NOT NULL,
	"secret_tag" "bytea" NOT NULL,
	"secret_key_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "alert_channels_organization_id_key" UNIQUE("organization_id","id")
);
--> statement-breakpoint
CREATE TABLE "alert_flaps" (
	"organization_id" text NOT NULL,
	"tenant_id" text NOT NULL,
	"control_id" text NOT NULL,
	"last_alerted_at" timestamp with time zone NOT NULL,
	"suppressed" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "alert_flaps_pkey" PRIMARY KEY("organization_id","tenant_id","control_id")
);
--> statement-breakpoint
CREATE TABLE "alert_mutes" (
	"organization_id" text NOT NULL,
	"tenant_id" text NOT NULL,
	"until" timestamp with time zone NOT NULL,
	CONSTRAINT "alert_mutes_pkey" PRIMARY KEY("organization_id","tenant_id")
);
--> statement-breakpoint
CREATE TABLE "alert_outbox" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"tenant_id" text NOT NULL,
	"channel_id" text NOT NULL,
	"run_id" text NOT NULL,
	"dedupe_key" text NOT NULL,
	"event" jsonb NOT NULL,
	"status" "alert_delivery_status" DEFAULT 'pending' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"round" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"delivered_at" timestamp with time zone,
	CONSTRAINT "alert_outbox_once_key" UNIQUE("organization_id","channel_id","dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "alert_rules" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"tenant_id" text,
	"channel_id" text NOT NULL,
	"enabled" boolean NOT NULL,
	"event_types" jsonb NOT NULL,
	"control_ids" jsonb NOT NULL,
	"frameworks" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "alert_channels" ADD CONSTRAINT "alert_channels_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_flaps" ADD CONSTRAINT "alert_flaps_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_flaps" ADD CONSTRAINT "alert_flaps_tenant_fk" FOREIGN KEY ("organization_id","tenant_id") REFERENCES "public"."tenants"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_mutes" ADD CONSTRAINT "alert_mutes_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_mutes" ADD CONSTRAINT "alert_mutes_tenant_fk" FOREIGN KEY ("organization_id","tenant_id") REFERENCES "public"."tenants"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_outbox" ADD CONSTRAINT "alert_outbox_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_outbox" ADD CONSTRAINT "alert_outbox_channel_fk" FOREIGN KEY ("organization_id","channel_id") REFERENCES "public"."alert_channels"("organization_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_outbox" ADD CONSTRAINT "alert_outbox_run_fk" FOREIGN KEY ("organization_id","run_id") REFERENCES "public"."assessment_runs"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_outbox" ADD CONSTRAINT "alert_outbox_tenant_fk" FOREIGN KEY ("organization_id","tenant_id") REFERENCES "public"."tenants"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_channel_fk" FOREIGN KEY ("organization_id","channel_id") REFERENCES "public"."alert_channels"("organization_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_tenant_fk" FOREIGN KEY ("organization_id","tenant_id") REFERENCES "public"."tenants"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "alert_outbox_pending_idx" ON "alert_outbox" USING btree ("created_at") WHERE status = 'pending';--> statement-breakpoint
CREATE INDEX "alert_outbox_tenant_idx" ON "alert_outbox" USING btree ("organization_id","tenant_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "alert_rules_organization_idx" ON "alert_rules" USING btree ("organization_id");--> statement-breakpoint
-- Row security for the alert tables, as for every customer table (0003).
SELECT "evident_isolate"('alert_channels');
--> statement-breakpoint
SELECT "evident_isolate"('alert_rules');
--> statement-breakpoint
SELECT "evident_isolate"('alert_mutes');
--> statement-breakpoint
SELECT "evident_isolate"('alert_flaps');
--> statement-breakpoint
SELECT "evident_isolate"('alert_outbox');
--> statement-breakpoint
-- A rule is removed and a mute lifted by deleting the row.
GRANT DELETE ON "alert_rules", "alert_mutes" TO "evident_runtime";
--> statement-breakpoint
-- The sweeper works across organizations: undelivered rows older than a moment, as ids only (like 0006's lookups).
CREATE FUNCTION "evident_pending_alerts"(timestamptz, integer) RETURNS TABLE ("organization_id" text, "id" text, "round" integer)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT "organization_id", "id", "round" FROM "alert_outbox"
  WHERE "status" = 'pending' AND "created_at" < $1 ORDER BY "created_at", "id" LIMIT $2
$$;
