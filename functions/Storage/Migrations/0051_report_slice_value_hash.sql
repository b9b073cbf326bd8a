-- Report slices group their values in SQL under a narrow key instead of streaming every slice row to the reader:
-- MariaDB groups strings wider than 512 characters (path, referrer and user agent are up to 2048) in an on-disk
-- temporary table, a 64-bit key groups in memory. value_hash is ClientHash's key of the value (the first 8 bytes of the
-- MD5 of its UTF-8 text, big-endian; NULL for a NULL value), computed the same way in SQL for raw rows. p95_bucket is
-- the latency histogram bucket holding the row's 95th percentile (paths): a path's p95 over several slices lies
-- between the smallest and the largest bucket of its parts, so the slowest report reads the histograms of the paths
-- that can still rank, not of all. NULL there means unknown: such a row is never pruned (the report stays exact); the
-- builder fills it whenever it (re)builds a slice.
-- The rows are copied into the new shape with value_hash back-filled here (no rebuild needed). Re-runnable on MariaDB
-- and MySQL 8 alike: if a previous run dropped the old table already, it is back empty for the statements below.
CREATE TABLE IF NOT EXISTS report_slice_value (
  dimension        TINYINT           NOT NULL,
  span_minutes     SMALLINT          NOT NULL,
  whole_site       TINYINT           NOT NULL,
  slice_utc        DATETIME          NOT NULL,
  vhost            VARCHAR(255)      NOT NULL,
  host             VARCHAR(255)      NOT NULL,
  row_no           INT               NOT NULL,
  ranks            TINYINT           NOT NULL,
  value            VARCHAR(2048)     NULL,
  requests         BIGINT            NOT NULL,
  bytes            BIGINT            NOT NULL,
  status_4xx       BIGINT            NOT NULL,
  status_5xx       BIGINT            NOT NULL,
  latency_count    BIGINT            NOT NULL,
  latency_sum_ms   BIGINT            NOT NULL,
  latency_max_ms   BIGINT            NULL,
  histogram        BLOB              NULL,
  dropped_max_requests BIGINT        NOT NULL DEFAULT 0,
  dropped_max_errors   BIGINT        NOT NULL DEFAULT 0,
  PRIMARY KEY (dimension, span_minutes, whole_site, slice_utc, vhost, host, row_no),
  KEY report_slice_value_time (slice_utc)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS report_slice_value_hashed (
  dimension        TINYINT           NOT NULL,
  span_minutes     SMALLINT          NOT NULL,
  whole_site       TINYINT           NOT NULL,
  slice_utc        DATETIME          NOT NULL,
  vhost            VARCHAR(255)      NOT NULL,
  host             VARCHAR(255)      NOT NULL,
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
  PRIMARY KEY (dimension, span_minutes, whole_site, slice_utc, vhost, host, row_no),
  KEY report_slice_value_time (slice_utc)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

INSERT IGNORE INTO report_slice_value_hashed
  (dimension, span_minutes, whole_site, slice_utc, vhost, host, row_no, ranks, value, value_hash, requests, bytes,
   status_4xx, status_5xx, latency_count, latency_sum_ms, latency_max_ms, histogram, p95_bucket, dropped_max_requests, dropped_max_errors)
SELECT dimension, span_minutes, whole_site, slice_utc, vhost, host, row_no, ranks, value, CAST(CONV(LEFT(MD5(value), 16), 16, 10) AS UNSIGNED),
       requests, bytes, status_4xx, status_5xx, latency_count, latency_sum_ms, latency_max_ms, histogram, NULL, dropped_max_requests, dropped_max_errors
FROM report_slice_value;

DROP TABLE report_slice_value;
RENAME TABLE report_slice_value_hashed TO report_slice_value;
