ALTER TABLE "assessment_runs" ADD COLUMN "result_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "assessment_runs" ADD COLUMN "passing_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "assessment_runs" ADD COLUMN "partial_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "assessment_runs" ADD COLUMN "applicable_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "assessment_runs_results_idx" ON "assessment_runs" USING btree ("organization_id","tenant_id","started_at" DESC NULLS LAST,"id" DESC NULLS LAST) WHERE "assessment_runs"."result_count" > 0;