CREATE TABLE "auth_flows" (
	"key_hash" text PRIMARY KEY NOT NULL,
	"purpose" text NOT NULL,
	"data" jsonb NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_auth_settings" (
	"organization_id" text PRIMARY KEY NOT NULL,
	"passkeys_required_for_admins" boolean DEFAULT false NOT NULL,
	"sso_tenant_id" text,
	"sso_client_id" text,
	"sso_client_secret_ciphertext" "bytea",
	"sso_client_secret_iv" "bytea",
	"sso_client_secret_tag" "bytea",
	"sso_client_secret_key_id" text,
	"sso_authority" text,
	"sso_jit_role" "staff_role",
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "staff_passkeys" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"user_id" text NOT NULL,
	"credential_id" text NOT NULL,
	"public_key" "bytea" NOT NULL,
	"counter" bigint NOT NULL,
	"transports" jsonb NOT NULL,
	"device_type" text NOT NULL,
	"backed_up" boolean NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"last_used_at" timestamp with time zone,
	CONSTRAINT "staff_passkeys_credential_id_key" UNIQUE("credential_id")
);
--> statement-breakpoint
ALTER TABLE "staff_sessions" ADD COLUMN "second_factor" text;--> statement-breakpoint
ALTER TABLE "staff_auth_settings" ADD CONSTRAINT "staff_auth_settings_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_passkeys" ADD CONSTRAINT "staff_passkeys_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "staff_passkeys" ADD CONSTRAINT "staff_passkeys_user_fk" FOREIGN KEY ("organization_id","user_id") REFERENCES "public"."staff_users"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "staff_passkeys_user_idx" ON "staff_passkeys" USING btree ("organization_id","user_id");
--> statement-breakpoint
SELECT "evident_isolate"('staff_passkeys');
--> statement-breakpoint
SELECT "evident_isolate"('staff_auth_settings');
--> statement-breakpoint
-- A passkey is revoked by deleting it; a ceremony is spent by the delete that reads it.
GRANT DELETE ON "staff_passkeys", "auth_flows" TO "evident_runtime";
--> statement-breakpoint
-- A passwordless sign-in knows a credential id, not an organization: which organization holds it, and nothing more.
CREATE FUNCTION "evident_passkey_organization"(text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT "organization_id" FROM "staff_passkeys" WHERE "credential_id" = $1
$$;
