-- The report slices' rows by value key: index report_slice_value_key (dimension, span_minutes, scope, vhost, host,
-- value_hash, slice_utc). A top list first reads the first rows of each slice (by requests, through the primary key) to
-- bound which keys can still rank, then sums only those keys' rows through this index (a few seeks per key) instead of
-- ranking every slice row of the range; the winners' values are read through it too. About 40 bytes per slice row.
-- The index is added by the migration's code step (SliceValueKeyIndex) when missing: MySQL 8 has no ADD INDEX IF NOT
-- EXISTS, and the step keeps the migration re-runnable on both. On upgrade the server builds it from the stored slices
-- (13.5 s and 233 MB for 5.6 million rows); nothing is rebuilt or emptied, and until it exists reports scan as before.
DO 0;
