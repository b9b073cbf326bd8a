-- Per-minute aggregates per vhost and host for alerts, reports and the dashboard. Always derivable from
-- access_log (RollupVerifier recomputes them); the store keeps them exact in the same transaction as the rows.
-- bytes = bytes_sent when logged, else body_bytes: what left the server, the figure bandwidth billing uses.
CREATE TABLE IF NOT EXISTS rollup_minute (
  minute_utc       DATETIME          NOT NULL,
  vhost            VARCHAR(255)      NOT NULL,
  host             VARCHAR(255)      NOT NULL,
  requests         BIGINT            NOT NULL,
  bytes            BIGINT            NOT NULL,
  status_1xx       BIGINT            NOT NULL,
  status_2xx       BIGINT            NOT NULL,
  status_3xx       BIGINT            NOT NULL,
  status_4xx       BIGINT            NOT NULL,
  status_5xx       BIGINT            NOT NULL,
  status_other     BIGINT            NOT NULL,
  bot_requests     BIGINT            NOT NULL,
  latency_count    BIGINT            NOT NULL,
  latency_sum_ms   BIGINT            NOT NULL,
  PRIMARY KEY (minute_utc, vhost, host)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Log-scale request-time histogram (LatencyHistogram defines the buckets) for p50/p95/p99 over any window.
CREATE TABLE IF NOT EXISTS rollup_latency_minute (
  minute_utc       DATETIME          NOT NULL,
  vhost            VARCHAR(255)      NOT NULL,
  host             VARCHAR(255)      NOT NULL,
  bucket           SMALLINT          NOT NULL,
  count            BIGINT            NOT NULL,
  PRIMARY KEY (minute_utc, vhost, host, bucket)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
