-- Hourly rollups: MaintainStorage compacts minute rollups older than its horizon into these (sums of the same
-- columns, histogram counts added per bucket), so long-range reports read 60x fewer rows and totals stay exact.
CREATE TABLE IF NOT EXISTS rollup_hour (
  hour_utc         DATETIME          NOT NULL,
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
  PRIMARY KEY (hour_utc, vhost, host)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS rollup_latency_hour (
  hour_utc         DATETIME          NOT NULL,
  vhost            VARCHAR(255)      NOT NULL,
  host             VARCHAR(255)      NOT NULL,
  bucket           SMALLINT          NOT NULL,
  count            BIGINT            NOT NULL,
  PRIMARY KEY (hour_utc, vhost, host, bucket)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
