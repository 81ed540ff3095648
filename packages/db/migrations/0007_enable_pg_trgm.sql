-- Trigram operators and btree columns in GIN indexes, for the evidence search index (both trusted: the database
-- owner may create them).
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE EXTENSION IF NOT EXISTS btree_gin;
