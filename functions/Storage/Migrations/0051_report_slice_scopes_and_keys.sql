-- Report slices, second shape: rebuilt by the BuildReportSlices timer from raw rows (this migration empties them, so
-- every slice is due again, oldest first; until a slice is rebuilt its time is read from raw rows, exact as always).
--
-- scope: which rows a slice keeps per value: 1 the whole site (vhost = host = ''), 2 one vhost (host = ''), 3 one
-- host (vhost = ''), 0 one vhost on one host; hour slices keep all four, 5-minute slices the whole site. A report
-- filtered by vhost and/or host reads exactly one scope's rows; the primary key puts the scope before the time, so
-- that read is one range per span.
-- value_hash: the 64-bit key of the value (ClientHash: the first 8 bytes of the MD5 of its UTF-8 text, big-endian;
-- NULL for a NULL value), computed alike in SQL for raw rows. The top lists sum and rank per key in SQL: MariaDB groups
-- strings wider than 512 characters (path, referrer and user agent are up to 2048) in an on-disk temporary table, a
-- 64-bit key in memory.
-- p95_bucket: for paths, the latency histogram bucket holding the row's 95th percentile. A path's p95 over several
-- slices lies between the smallest and the largest bucket of its parts, so slowest reads only the histograms of the
-- paths that can still rank.
-- Re-runnable: the table is dropped and created again, and the slices' counts cleared, on every run.
DROP TABLE IF EXISTS report_slice_value;
CREATE TABLE report_slice_value (
  dimension        TINYINT           NOT NULL,
  span_minutes     SMALLINT          NOT NULL,
  scope            TINYINT           NOT NULL,
  vhost            VARCHAR(255)      NOT NULL,
  host             VARCHAR(255)      NOT NULL,
  slice_utc        DATETIME          NOT NULL,
  row_no           INT               NOT NULL,
  ranks            TINYINT           NOT NULL,
  value            VARCHAR(2048)     NULL,
  value_hash       BIGINT UNSIGNED   NULL,
  requests         BIGINT            NOT NULL,
  bytes            BIGINT            NOT NULL,
  status_4xx       BIGINT            NOT NULL,
  status_5xx       BIGINT            NOT NULL,
  latency_count    BIGINT            NOT NULL,
  latency_sum_ms   BIGINT            NOT NULL,
  latency_max_ms   BIGINT            NULL,
  histogram        BLOB              NULL,
  p95_bucket       SMALLINT          NULL,
  dropped_max_requests BIGINT        NOT NULL DEFAULT 0,
  dropped_max_errors   BIGINT        NOT NULL DEFAULT 0,
  PRIMARY KEY (dimension, span_minutes, scope, vhost, host, slice_utc, row_no),
  KEY report_slice_value_time (slice_utc)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
DELETE FROM report_slice;
