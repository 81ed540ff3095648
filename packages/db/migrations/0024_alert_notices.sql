ALTER TABLE "alert_outbox" ALTER COLUMN "tenant_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "alert_outbox" ALTER COLUMN "run_id" DROP NOT NULL;