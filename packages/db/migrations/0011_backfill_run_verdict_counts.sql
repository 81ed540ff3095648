-- Runs that already have results get their counts, as the store now writes them with the results.
UPDATE "assessment_runs" r
SET "result_count" = s.results, "passing_count" = s.passing, "partial_count" = s.partial, "applicable_count" = s.applicable
FROM (
  SELECT "run_id",
         count(*)::int AS results,
         (count(*) FILTER (WHERE "status" = 'pass'))::int AS passing,
         (count(*) FILTER (WHERE "status" = 'partial'))::int AS partial,
         (count(*) FILTER (WHERE "status" <> 'not_applicable'))::int AS applicable
  FROM "control_results"
  GROUP BY "run_id"
) s
WHERE r."id" = s."run_id";
