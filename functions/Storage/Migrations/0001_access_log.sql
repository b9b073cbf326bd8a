-- Raw access-log records. Clustered by time so range scans for reports read contiguous pages; the id makes a
-- re-shipped line collide with its first copy. Partitioned by day so retention is DROP PARTITION.
-- Column sizes: the store caps longer values and sets RecordFlags.FieldTruncated (AccessRecordLimits).
CREATE TABLE IF NOT EXISTS access_log (
  time_utc         DATETIME(3)       NOT NULL,
  id               BINARY(16)        NOT NULL,
  vhost            VARCHAR(255)      NOT NULL,
  host             VARCHAR(255)      NOT NULL,
  remote_addr      VARCHAR(64)       NOT NULL,
  client_ip        VARCHAR(45)       NULL,
  remote_user      VARCHAR(255)      NULL,
  method           VARCHAR(32)       NULL,
  path             VARCHAR(2048)     NULL,
  query            VARCHAR(2048)     NULL,
  protocol         VARCHAR(16)       NULL,
  raw_request      VARCHAR(2048)     NULL,
  status           INT               NOT NULL,
  body_bytes       BIGINT            NOT NULL,
  bytes_sent       BIGINT            NULL,
  request_length   BIGINT            NULL,
  request_time_ms  INT               NULL,
  upstream_time_ms INT               NULL,
  referer          VARCHAR(2048)     NULL,
  user_agent       VARCHAR(1024)     NULL,
  x_forwarded_for  VARCHAR(512)      NULL,
  ssl_protocol     VARCHAR(16)       NULL,
  flags            INT               NOT NULL,
  source_file      VARCHAR(1024)     NULL,
  source_offset    BIGINT            NULL,
  PRIMARY KEY (time_utc, id)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin
-- Only the catch-all partition at first: PartitionManager splits it into daily partitions at start-up.
PARTITION BY RANGE (TO_DAYS(time_utc)) (
  PARTITION pmax VALUES LESS THAN MAXVALUE
);
