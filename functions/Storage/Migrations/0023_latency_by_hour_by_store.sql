-- rollup_latency_minute_by_hour is written by the store in the batch transaction (RollupWriter: per-hour sums of a
-- batch's increments; the touched hours rebuilt after a recompute) and cleared by MaintainStorage's compaction, instead
-- of by per-row triggers on rollup_latency_minute, which doubled the cost of every histogram row.
DROP TRIGGER IF EXISTS rollup_latency_minute_to_hour_insert;
DROP TRIGGER IF EXISTS rollup_latency_minute_to_hour_update;
DROP TRIGGER IF EXISTS rollup_latency_minute_to_hour_delete;
