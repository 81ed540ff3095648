ALTER TABLE "staff_users" ADD CONSTRAINT "staff_users_organization_id_key" UNIQUE("organization_id","id");--> statement-breakpoint
CREATE TYPE "public"."result_subject_kind" AS ENUM('failing', 'excepted');--> statement-breakpoint
CREATE TABLE "invitations" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"email" text NOT NULL,
	"role" "staff_role" NOT NULL,
	"token_hash" text NOT NULL,
	"invited_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "invitations_token_hash_key" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "recovery_codes" (
	"organization_id" text NOT NULL,
	"user_id" text NOT NULL,
	"code_hash" text NOT NULL,
	"used_at" timestamp with time zone,
	CONSTRAINT "recovery_codes_pkey" PRIMARY KEY("user_id","code_hash")
);
--> statement-breakpoint
CREATE TABLE "sign_in_failures" (
	"key" text PRIMARY KEY NOT NULL,
	"failures" integer NOT NULL,
	"last_failure_at" timestamp with time zone NOT NULL,
	"locked_until" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "staff_sessions" (
	"id_hash" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"user_id" text NOT NULL,
	"totp_passed" boolean DEFAULT false NOT NULL,
	"credentials_version" integer NOT NULL,
	"address" text,
	"user_agent" text,
	"created_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "result_subjects" (
	"organization_id" text NOT NULL,
	"run_id" text NOT NULL,
	"control_id" text NOT NULL,
	"kind" "result_subject_kind" NOT NULL,
	"ord" integer NOT NULL,
	"connection" text NOT NULL,
	"subject" text NOT NULL,
	"name" text,
	"detail" text NOT NULL,
	"approver" text,
	"expires_at" timestamp with time zone,
	"search" text NOT NULL,
	CONSTRAINT "result_subjects_pkey" PRIMARY KEY("run_id","control_id","kind","ord")
);
--> statement-breakpoint
CREATE TABLE "branding" (
	"organization_id" text PRIMARY KEY NOT NULL,
	"display_name" text NOT NULL,
	"logo_url" text,
	"accent_color" text NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "share_accesses" (
	"organization_id" text NOT NULL,
	"share_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"address" text,
	"user_agent" text,
	"what" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "shares" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"tenant_id" text NOT NULL,
	"label" text NOT NULL,
	"token_hash" text NOT NULL,
	"sections" jsonb NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "shares_token_hash_key" UNIQUE("token_hash"),
	CONSTRAINT "shares_organization_id_key" UNIQUE("organization_id","id")
);
--> statement-breakpoint
ALTER TABLE "staff_users" ADD COLUMN "totp_confirmed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "staff_users" ADD COLUMN "credentials_version" integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE "staff_users" ADD COLUMN "disabled_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "schedule" jsonb;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "deleted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recovery_codes" ADD CONSTRAINT "recovery_codes_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recovery_codes" ADD CONSTRAINT "recovery_codes_user_fk" FOREIGN KEY ("organization_id","user_id") REFERENCES "public"."staff_users"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_sessions" ADD CONSTRAINT "staff_sessions_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_sessions" ADD CONSTRAINT "staff_sessions_user_fk" FOREIGN KEY ("organization_id","user_id") REFERENCES "public"."staff_users"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "result_subjects" ADD CONSTRAINT "result_subjects_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "result_subjects" ADD CONSTRAINT "result_subjects_result_fk" FOREIGN KEY ("run_id","control_id") REFERENCES "public"."control_results"("run_id","control_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "branding" ADD CONSTRAINT "branding_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_accesses" ADD CONSTRAINT "share_accesses_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "share_accesses" ADD CONSTRAINT "share_accesses_share_fk" FOREIGN KEY ("organization_id","share_id") REFERENCES "public"."shares"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shares" ADD CONSTRAINT "shares_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "shares" ADD CONSTRAINT "shares_tenant_fk" FOREIGN KEY ("organization_id","tenant_id") REFERENCES "public"."tenants"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "invitations_organization_idx" ON "invitations" USING btree ("organization_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "staff_sessions_user_idx" ON "staff_sessions" USING btree ("organization_id","user_id");--> statement-breakpoint
CREATE INDEX "result_subjects_subject_idx" ON "result_subjects" USING btree ("organization_id","run_id","control_id","kind","subject","ord");--> statement-breakpoint
CREATE INDEX "result_subjects_name_idx" ON "result_subjects" USING btree ("organization_id","run_id","control_id","kind",coalesce("name", "subject"),"ord");--> statement-breakpoint
CREATE INDEX "result_subjects_detail_idx" ON "result_subjects" USING btree ("organization_id","run_id","control_id","kind","detail","ord");--> statement-breakpoint
CREATE INDEX "share_accesses_share_idx" ON "share_accesses" USING btree ("organization_id","share_id","at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "shares_tenant_idx" ON "shares" USING btree ("organization_id","tenant_id");--> statement-breakpoint
CREATE INDEX "staff_users_email_idx" ON "staff_users" USING btree ("email");--> statement-breakpoint