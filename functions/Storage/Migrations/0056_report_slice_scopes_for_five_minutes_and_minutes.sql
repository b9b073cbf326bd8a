-- 5-minute and minute report slices now keep every scope (the whole site, each vhost, each host, each vhost on each
-- host) like hour slices, so a vhost/host filter over a range cut inside hours reads its partial hours from them
-- instead of raw rows. The slices built before kept the whole site only: their counts are cleared here, so readers
-- stop using them at once (their time is read from raw rows, exact as always) and the builder rebuilds them with
-- every scope, oldest first, ReportSlices:MaxSlicesPerRun per run (it deletes a slice's old rows when it rebuilds it;
-- rows of slices it never rebuilds, such as compacted hours' 5 minutes, go with the retention purge).
-- Re-runnable.
DELETE FROM report_slice WHERE span_minutes IN (1, 5);
