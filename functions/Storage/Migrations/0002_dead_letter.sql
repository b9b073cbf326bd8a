-- Lines and messages that could not become records, kept with the reason and their coordinates: nothing is dropped.
CREATE TABLE IF NOT EXISTS dead_letter (
  id               BINARY(16)        NOT NULL,
  reason           VARCHAR(512)      NOT NULL,
  raw              MEDIUMTEXT        NOT NULL,
  raw_truncated    TINYINT(1)        NOT NULL,
  host             VARCHAR(255)      NULL,
  source_file      VARCHAR(1024)     NULL,
  source_offset    BIGINT            NULL,
  kafka_topic      VARCHAR(249)      NULL,
  kafka_partition  INT               NULL,
  kafka_offset     BIGINT            NULL,
  received_utc     DATETIME(3)       NOT NULL,
  PRIMARY KEY (id),
  KEY ix_dead_letter_received (received_utc)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
