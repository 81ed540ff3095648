CREATE TYPE "public"."staff_role" AS ENUM('owner', 'admin', 'analyst', 'viewer');--> statement-breakpoint
CREATE TYPE "public"."control_status" AS ENUM('pass', 'partial', 'fail', 'not_applicable', 'unknown');--> statement-breakpoint
CREATE TYPE "public"."collection_status" AS ENUM('succeeded', 'partial', 'failed');--> statement-breakpoint
CREATE TYPE "public"."run_status" AS ENUM('running', 'succeeded', 'failed');--> statement-breakpoint
CREATE TYPE "public"."run_trigger" AS ENUM('schedule', 'manual');--> statement-breakpoint
CREATE TYPE "public"."connection_status" AS ENUM('ok', 'needs_attention', 'disabled');--> statement-breakpoint
CREATE TYPE "public"."tenant_kind" AS ENUM('customer', 'internal');--> statement-breakpoint
CREATE TABLE "audit_events" (
	"organization_id" text NOT NULL,
	"seq" bigint NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"target" text,
	"data" jsonb NOT NULL,
	"prev_hash" text NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "audit_events_pkey" PRIMARY KEY("organization_id","seq")
);
--> statement-breakpoint
CREATE TABLE "exceptions" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"tenant_id" text NOT NULL,
	"control_id" text NOT NULL,
	"subject" text NOT NULL,
	"connection" text,
	"reason" text NOT NULL,
	"approver" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "exceptions_organization_id_key" UNIQUE("organization_id","id")
);
--> statement-breakpoint
CREATE TABLE "facts" (
	"organization_id" text NOT NULL,
	"collection_id" text NOT NULL,
	"seq" integer NOT NULL,
	"type" text NOT NULL,
	"subject" text,
	"body" jsonb NOT NULL,
	CONSTRAINT "facts_pkey" PRIMARY KEY("collection_id","seq")
);
--> statement-breakpoint
CREATE TABLE "organizations" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_users" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"email" text NOT NULL,
	"role" "staff_role" NOT NULL,
	"password_hash" text,
	"totp_ciphertext" "bytea",
	"totp_iv" "bytea",
	"totp_tag" "bytea",
	"totp_key_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "staff_users_organization_email_key" UNIQUE("organization_id","email"),
	CONSTRAINT "staff_users_totp_sealed_whole" CHECK (num_nulls("staff_users"."totp_ciphertext", "staff_users"."totp_iv", "staff_users"."totp_tag", "staff_users"."totp_key_id") in (0, 4))
);
--> statement-breakpoint
CREATE TABLE "control_results" (
	"organization_id" text NOT NULL,
	"run_id" text NOT NULL,
	"tenant_id" text NOT NULL,
	"control_id" text NOT NULL,
	"status" "control_status" NOT NULL,
	"coverage_numerator" integer NOT NULL,
	"coverage_denominator" integer NOT NULL,
	"reason" text NOT NULL,
	"failing" jsonb NOT NULL,
	"excepted" jsonb NOT NULL,
	"evidence" jsonb NOT NULL,
	"facts_as_of" timestamp with time zone,
	"evaluated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "control_results_pkey" PRIMARY KEY("run_id","control_id")
);
--> statement-breakpoint
CREATE TABLE "drift_events" (
	"organization_id" text NOT NULL,
	"tenant_id" text NOT NULL,
	"control_id" text NOT NULL,
	"run_id" text NOT NULL,
	"previous_run_id" text NOT NULL,
	"from_status" "control_status" NOT NULL,
	"to_status" "control_status" NOT NULL,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "drift_events_pkey" PRIMARY KEY("run_id","control_id")
);
--> statement-breakpoint
CREATE TABLE "assessment_runs" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"tenant_id" text NOT NULL,
	"trigger" "run_trigger" NOT NULL,
	"status" "run_status" DEFAULT 'running' NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"error" text,
	CONSTRAINT "assessment_runs_organization_id_key" UNIQUE("organization_id","id")
);
--> statement-breakpoint
CREATE TABLE "collections" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"run_id" text NOT NULL,
	"connection_id" text NOT NULL,
	"status" "collection_status" NOT NULL,
	"fact_count" integer NOT NULL,
	"gap_count" integer NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone NOT NULL,
	"error" text,
	CONSTRAINT "collections_organization_id_key" UNIQUE("organization_id","id"),
	CONSTRAINT "collections_run_connection_key" UNIQUE("run_id","connection_id")
);
--> statement-breakpoint
CREATE TABLE "connections" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"tenant_id" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"config" jsonb NOT NULL,
	"secret_ciphertext" "bytea" NOT NULL,
	"secret_iv" "bytea" NOT NULL,
	"secret_tag" "bytea" NOT NULL,
	"secret_key_id" text NOT NULL,
	"status" "connection_status" DEFAULT 'ok' NOT NULL,
	"status_reason" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "connections_organization_id_key" UNIQUE("organization_id","id")
);
--> statement-breakpoint
CREATE TABLE "tenants" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"name" text NOT NULL,
	"kind" "tenant_kind" NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenants_organization_id_key" UNIQUE("organization_id","id")
);
--> statement-breakpoint
ALTER TABLE "audit_events" ADD CONSTRAINT "audit_events_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exceptions" ADD CONSTRAINT "exceptions_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exceptions" ADD CONSTRAINT "exceptions_tenant_fk" FOREIGN KEY ("organization_id","tenant_id") REFERENCES "public"."tenants"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "facts" ADD CONSTRAINT "facts_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "facts" ADD CONSTRAINT "facts_collection_fk" FOREIGN KEY ("organization_id","collection_id") REFERENCES "public"."collections"("organization_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_users" ADD CONSTRAINT "staff_users_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "control_results" ADD CONSTRAINT "control_results_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "control_results" ADD CONSTRAINT "control_results_run_fk" FOREIGN KEY ("organization_id","run_id") REFERENCES "public"."assessment_runs"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "control_results" ADD CONSTRAINT "control_results_tenant_fk" FOREIGN KEY ("organization_id","tenant_id") REFERENCES "public"."tenants"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drift_events" ADD CONSTRAINT "drift_events_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drift_events" ADD CONSTRAINT "drift_events_run_fk" FOREIGN KEY ("organization_id","run_id") REFERENCES "public"."assessment_runs"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drift_events" ADD CONSTRAINT "drift_events_previous_run_fk" FOREIGN KEY ("organization_id","previous_run_id") REFERENCES "public"."assessment_runs"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "drift_events" ADD CONSTRAINT "drift_events_tenant_fk" FOREIGN KEY ("organization_id","tenant_id") REFERENCES "public"."tenants"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessment_runs" ADD CONSTRAINT "assessment_runs_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessment_runs" ADD CONSTRAINT "assessment_runs_tenant_fk" FOREIGN KEY ("organization_id","tenant_id") REFERENCES "public"."tenants"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collections" ADD CONSTRAINT "collections_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collections" ADD CONSTRAINT "collections_run_fk" FOREIGN KEY ("organization_id","run_id") REFERENCES "public"."assessment_runs"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "collections" ADD CONSTRAINT "collections_connection_fk" FOREIGN KEY ("organization_id","connection_id") REFERENCES "public"."connections"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "connections" ADD CONSTRAINT "connections_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "connections" ADD CONSTRAINT "connections_tenant_fk" FOREIGN KEY ("organization_id","tenant_id") REFERENCES "public"."tenants"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "exceptions_tenant_idx" ON "exceptions" USING btree ("organization_id","tenant_id","expires_at");--> statement-breakpoint
CREATE INDEX "control_results_history_idx" ON "control_results" USING btree ("organization_id","tenant_id","control_id","evaluated_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "drift_events_tenant_idx" ON "drift_events" USING btree ("organization_id","tenant_id","at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "assessment_runs_tenant_idx" ON "assessment_runs" USING btree ("organization_id","tenant_id","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "collections_connection_idx" ON "collections" USING btree ("organization_id","connection_id","finished_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "connections_tenant_idx" ON "connections" USING btree ("organization_id","tenant_id");