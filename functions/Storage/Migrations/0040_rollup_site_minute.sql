-- The whole site per minute: the sum over every vhost and host of rollup_minute's counters and of the minute's packed
-- latency histograms (PackedHistogram; the empty histogram X'01' when no request of the minute had a request time).
-- Sub-hour reports without a vhost/host filter read one row per minute instead of one per minute and scope. The store
-- keeps it exact in the batch transaction (RollupWriter); RollupVerifier checks it against the sums of the scopes.
-- The counters are back-filled here; the histograms by SiteMinuteBackfill, which SchemaMigrator runs right after this
-- script (a packed histogram cannot be summed in SQL). Re-runnable: the counters are overwritten with the sums.
CREATE TABLE IF NOT EXISTS rollup_site_minute (
  minute_utc       DATETIME          NOT NULL,
  requests         BIGINT            NOT NULL DEFAULT 0,
  bytes            BIGINT            NOT NULL DEFAULT 0,
  status_1xx       BIGINT            NOT NULL DEFAULT 0,
  status_2xx       BIGINT            NOT NULL DEFAULT 0,
  status_3xx       BIGINT            NOT NULL DEFAULT 0,
  status_4xx       BIGINT            NOT NULL DEFAULT 0,
  status_5xx       BIGINT            NOT NULL DEFAULT 0,
  status_other     BIGINT            NOT NULL DEFAULT 0,
  bot_requests     BIGINT            NOT NULL DEFAULT 0,
  latency_count    BIGINT            NOT NULL DEFAULT 0,
  latency_sum_ms   BIGINT            NOT NULL DEFAULT 0,
  histogram        BLOB              NOT NULL,
  PRIMARY KEY (minute_utc)
) ENGINE = InnoDB;

INSERT INTO rollup_site_minute (minute_utc, requests, bytes, status_1xx, status_2xx, status_3xx, status_4xx, status_5xx,
                                status_other, bot_requests, latency_count, latency_sum_ms, histogram)
SELECT minute_utc, SUM(requests), SUM(bytes), SUM(status_1xx), SUM(status_2xx), SUM(status_3xx), SUM(status_4xx),
       SUM(status_5xx), SUM(status_other), SUM(bot_requests), SUM(latency_count), SUM(latency_sum_ms), X'01'
FROM rollup_minute GROUP BY minute_utc
ON DUPLICATE KEY UPDATE requests = VALUES(requests), bytes = VALUES(bytes), status_1xx = VALUES(status_1xx),
  status_2xx = VALUES(status_2xx), status_3xx = VALUES(status_3xx), status_4xx = VALUES(status_4xx),
  status_5xx = VALUES(status_5xx), status_other = VALUES(status_other), bot_requests = VALUES(bot_requests),
  latency_count = VALUES(latency_count), latency_sum_ms = VALUES(latency_sum_ms);
