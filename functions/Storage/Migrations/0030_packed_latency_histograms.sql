-- Latency histograms packed: one row per (minute, vhost, host) — per (hour, vhost, host) for the hourly tables — instead
-- of one per non-empty bucket, which made every batch upsert thousands of histogram rows and every sub-hour report read
-- ~1M of them. `histogram` is PackedHistogram's format: a format byte 1, then per non-empty bucket in ascending order the
-- bucket and its count as unsigned LEB128 varints. The tables mean what the per-bucket ones meant:
--   rollup_histogram_minute          = rollup_latency_minute (the store keeps it exact with access_log),
--   rollup_histogram_minute_by_hour  = rollup_latency_minute_by_hour (the sum of the hour's stored minute rows),
--   rollup_histogram_hour            = rollup_latency_hour (MaintainStorage's compacted hours).
-- The existing rows are packed here in SQL, to the same bytes PackedHistogram writes, and the old tables dropped.
CREATE TABLE IF NOT EXISTS rollup_histogram_minute (
  minute_utc       DATETIME          NOT NULL,
  vhost            VARCHAR(255)      NOT NULL,
  host             VARCHAR(255)      NOT NULL,
  histogram        BLOB              NOT NULL,
  PRIMARY KEY (minute_utc, vhost, host)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS rollup_histogram_minute_by_hour (
  hour_utc         DATETIME          NOT NULL,
  vhost            VARCHAR(255)      NOT NULL,
  host             VARCHAR(255)      NOT NULL,
  histogram        BLOB              NOT NULL,
  PRIMARY KEY (hour_utc, vhost, host)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS rollup_histogram_hour LIKE rollup_histogram_minute_by_hour;

-- Re-runnable: if a previous run dropped the old tables already, they are back empty for the statements below.
CREATE TABLE IF NOT EXISTS rollup_latency_minute (minute_utc DATETIME, vhost VARCHAR(255), host VARCHAR(255), bucket SMALLINT, count BIGINT);
CREATE TABLE IF NOT EXISTS rollup_latency_minute_by_hour (hour_utc DATETIME, vhost VARCHAR(255), host VARCHAR(255), bucket SMALLINT, count BIGINT);
CREATE TABLE IF NOT EXISTS rollup_latency_hour (hour_utc DATETIME, vhost VARCHAR(255), host VARCHAR(255), bucket SMALLINT, count BIGINT);

-- MySQL's default of 1024 bytes would cut a long histogram.
SET SESSION group_concat_max_len = 1048576;

-- Every histogram of the three tables packed once (source 0, 1, 2), then copied to its table. Zero counts (left behind
-- by compaction in the by-hour table) are no bucket of a histogram.
DROP TEMPORARY TABLE IF EXISTS packed_latency;
CREATE TEMPORARY TABLE packed_latency AS
SELECT source, time_utc, vhost, host, CONCAT(X'01', GROUP_CONCAT(
    CONCAT(CHAR((bucket & 127) | IF(bucket >= 128, 128, 0) USING binary),
      IF(bucket >= 128, CHAR((bucket >> 7) & 127 USING binary), X'')),
    CONCAT(CHAR((count & 127) | IF(count >= 128, 128, 0) USING binary),
      IF(count >= 128, CHAR(((count >> 7) & 127) | IF(count >= 16384, 128, 0) USING binary), X''),
      IF(count >= 16384, CHAR(((count >> 14) & 127) | IF(count >= 2097152, 128, 0) USING binary), X''),
      IF(count >= 2097152, CHAR(((count >> 21) & 127) | IF(count >= 268435456, 128, 0) USING binary), X''),
      IF(count >= 268435456, CHAR(((count >> 28) & 127) | IF(count >= 34359738368, 128, 0) USING binary), X''),
      IF(count >= 34359738368, CHAR(((count >> 35) & 127) | IF(count >= 4398046511104, 128, 0) USING binary), X''),
      IF(count >= 4398046511104, CHAR(((count >> 42) & 127) | IF(count >= 562949953421312, 128, 0) USING binary), X''),
      IF(count >= 562949953421312, CHAR(((count >> 49) & 127) | IF(count >= 72057594037927936, 128, 0) USING binary), X''),
      IF(count >= 72057594037927936, CHAR((count >> 56) & 127 USING binary), X''))
    ORDER BY bucket SEPARATOR '')) AS histogram
FROM (
  SELECT 0 AS source, minute_utc AS time_utc, vhost, host, bucket, count FROM rollup_latency_minute WHERE count > 0
  UNION ALL
  SELECT 1, hour_utc, vhost, host, bucket, count FROM rollup_latency_minute_by_hour WHERE count > 0
  UNION ALL
  SELECT 2, hour_utc, vhost, host, bucket, count FROM rollup_latency_hour WHERE count > 0
) buckets
GROUP BY source, time_utc, vhost, host;

INSERT INTO rollup_histogram_minute (minute_utc, vhost, host, histogram)
SELECT time_utc, vhost, host, histogram FROM packed_latency WHERE source = 0
ON DUPLICATE KEY UPDATE histogram = VALUES(histogram);
INSERT INTO rollup_histogram_minute_by_hour (hour_utc, vhost, host, histogram)
SELECT time_utc, vhost, host, histogram FROM packed_latency WHERE source = 1
ON DUPLICATE KEY UPDATE histogram = VALUES(histogram);
INSERT INTO rollup_histogram_hour (hour_utc, vhost, host, histogram)
SELECT time_utc, vhost, host, histogram FROM packed_latency WHERE source = 2
ON DUPLICATE KEY UPDATE histogram = VALUES(histogram);

DROP TEMPORARY TABLE packed_latency;
DROP TABLE IF EXISTS rollup_latency_minute, rollup_latency_minute_by_hour, rollup_latency_hour;
