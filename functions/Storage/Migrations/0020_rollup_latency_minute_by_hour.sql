-- rollup_latency_minute summed per hour, so p50/p95/p99 over a day read ~60x fewer rows. Kept equal to the sum of
-- the hour's minute rows by triggers on rollup_latency_minute, whichever way they change: the store's increments
-- (INSERT ... ON DUPLICATE KEY UPDATE fires INSERT or UPDATE), its recomputes (DELETE + INSERT), and MaintainStorage's
-- compaction, which moves old minutes into rollup_latency_hour (0011) and deletes them, leaving zeros here. So for any
-- hour, this table plus rollup_latency_hour is the hour's whole histogram, and the two never count a request twice.
-- Write cost: one extra upsert per rollup_latency_minute row written (not per access_log row).
CREATE TABLE IF NOT EXISTS rollup_latency_minute_by_hour (
  hour_utc         DATETIME          NOT NULL,
  vhost            VARCHAR(255)      NOT NULL,
  host             VARCHAR(255)      NOT NULL,
  bucket           SMALLINT          NOT NULL,
  count            BIGINT            NOT NULL,
  PRIMARY KEY (hour_utc, vhost, host, bucket)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

INSERT INTO rollup_latency_minute_by_hour (hour_utc, vhost, host, bucket, count)
SELECT CAST(DATE_FORMAT(minute_utc, '%Y-%m-%d %H:00:00') AS DATETIME) AS hour_utc, vhost, host, bucket, SUM(count)
FROM rollup_latency_minute
GROUP BY hour_utc, vhost, host, bucket
ON DUPLICATE KEY UPDATE count = VALUES(count);

CREATE TRIGGER IF NOT EXISTS rollup_latency_minute_to_hour_insert AFTER INSERT ON rollup_latency_minute FOR EACH ROW
  INSERT INTO rollup_latency_minute_by_hour (hour_utc, vhost, host, bucket, count)
  VALUES (CAST(DATE_FORMAT(NEW.minute_utc, '%Y-%m-%d %H:00:00') AS DATETIME), NEW.vhost, NEW.host, NEW.bucket, NEW.count)
  ON DUPLICATE KEY UPDATE count = count + NEW.count;

-- The store never changes a minute row's key, only its count.
CREATE TRIGGER IF NOT EXISTS rollup_latency_minute_to_hour_update AFTER UPDATE ON rollup_latency_minute FOR EACH ROW
  UPDATE rollup_latency_minute_by_hour SET count = count + NEW.count - OLD.count
  WHERE hour_utc = CAST(DATE_FORMAT(OLD.minute_utc, '%Y-%m-%d %H:00:00') AS DATETIME)
    AND vhost = OLD.vhost AND host = OLD.host AND bucket = OLD.bucket;

CREATE TRIGGER IF NOT EXISTS rollup_latency_minute_to_hour_delete AFTER DELETE ON rollup_latency_minute FOR EACH ROW
  UPDATE rollup_latency_minute_by_hour SET count = count - OLD.count
  WHERE hour_utc = CAST(DATE_FORMAT(OLD.minute_utc, '%Y-%m-%d %H:00:00') AS DATETIME)
    AND vhost = OLD.vhost AND host = OLD.host AND bucket = OLD.bucket;
