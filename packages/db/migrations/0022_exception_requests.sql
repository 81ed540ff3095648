ALTER TYPE "public"."run_trigger" ADD VALUE 'exception';--> statement-breakpoint
CREATE TABLE "exception_requests" (
	"id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"tenant_id" text NOT NULL,
	"control_id" text NOT NULL,
	"subject" text NOT NULL,
	"connection" text,
	"reason" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"requested_by_id" text NOT NULL,
	"requested_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"decision" text,
	"decided_by" text,
	"decided_at" timestamp with time zone,
	"exception_id" text,
	CONSTRAINT "exception_requests_organization_id_key" UNIQUE("organization_id","id")
);
--> statement-breakpoint
ALTER TABLE "exceptions" ADD COLUMN "requested_by" text;--> statement-breakpoint
ALTER TABLE "exception_requests" ADD CONSTRAINT "exception_requests_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "exception_requests" ADD CONSTRAINT "exception_requests_tenant_fk" FOREIGN KEY ("organization_id","tenant_id") REFERENCES "public"."tenants"("organization_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "exception_requests_tenant_idx" ON "exception_requests" USING btree ("organization_id","tenant_id","created_at");--> statement-breakpoint
SELECT "evident_isolate"('exception_requests');
--> statement-breakpoint
-- Four eyes, held by the database too: nobody decides their own request.
ALTER TABLE "exception_requests" ADD CONSTRAINT "exception_requests_four_eyes" CHECK ("decided_by" IS NULL OR "decided_by" <> "requested_by");
