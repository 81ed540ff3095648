DROP INDEX "result_subjects_search_trgm_idx";--> statement-breakpoint
CREATE INDEX "result_subjects_search_trgm_idx" ON "result_subjects" USING gin ("run_id","search" gin_trgm_ops);