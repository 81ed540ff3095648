CREATE TABLE "imports" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"provider_account_id" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"items_ciphertext" "bytea" NOT NULL,
	"items_iv" "bytea" NOT NULL,
	"items_tag" "bytea" NOT NULL,
	"items_key_id" text NOT NULL,
	"total" integer NOT NULL,
	"cursor" integer DEFAULT 0 NOT NULL,
	"created_tenants" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"failures" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"error" text,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "provider_accounts" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"config" jsonb NOT NULL,
	"secret_ciphertext" "bytea" NOT NULL,
	"secret_iv" "bytea" NOT NULL,
	"secret_tag" "bytea" NOT NULL,
	"secret_key_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"rotated_at" timestamp with time zone,
	CONSTRAINT "provider_accounts_organization_id_key" UNIQUE("organization_id","id")
);
--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "provider_account_id" text;--> statement-breakpoint
ALTER TABLE "connections" ADD COLUMN "external_id" text;--> statement-breakpoint
ALTER TABLE "imports" ADD CONSTRAINT "imports_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "imports" ADD CONSTRAINT "imports_provider_account_fk" FOREIGN KEY ("organization_id","provider_account_id") REFERENCES "public"."provider_accounts"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provider_accounts" ADD CONSTRAINT "provider_accounts_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "imports_account_idx" ON "imports" USING btree ("organization_id","provider_account_id");--> statement-breakpoint
ALTER TABLE "connections" ADD CONSTRAINT "connections_provider_account_fk" FOREIGN KEY ("organization_id","provider_account_id") REFERENCES "public"."provider_accounts"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "connections_account_customer_key" ON "connections" USING btree ("organization_id","provider_account_id","external_id");--> statement-breakpoint
SELECT "evident_isolate"('provider_accounts');
--> statement-breakpoint
SELECT "evident_isolate"('imports');
--> statement-breakpoint
-- An account no connection uses any more is deleted, with its finished imports.
GRANT DELETE ON "provider_accounts", "imports" TO "evident_runtime";
--> statement-breakpoint
-- Admin consent names a customer directory, not an organization: which organizations already reach it, and nothing
-- more, so a customer of one MSP is never connected to another through a consent link.
CREATE FUNCTION "evident_customer_organizations"(text, text, text) RETURNS SETOF text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
  SELECT DISTINCT c."organization_id" FROM "connections" c
  JOIN "tenants" t ON t."organization_id" = c."organization_id" AND t."id" = c."tenant_id"
  WHERE c."kind" = $1 AND c."status" <> 'disabled' AND t."deleted_at" IS NULL
    AND (c."external_id" = $3 OR c."config"->>$2 = $3)
$$;
