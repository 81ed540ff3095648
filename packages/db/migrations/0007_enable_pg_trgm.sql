-- Trigram operators for the evidence search index (trusted: the database owner may create it).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
