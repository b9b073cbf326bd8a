-- The next Kafka offset to read per consumer group and partition, written in the same transaction as the data
-- (offset-as-id): a redelivered batch finds its offsets below next_offset and stores nothing.
CREATE TABLE IF NOT EXISTS kafka_offsets (
  consumer_group   VARCHAR(255)      NOT NULL,
  topic            VARCHAR(249)      NOT NULL,
  `partition`      INT               NOT NULL,
  next_offset      BIGINT            NOT NULL,
  updated_utc      DATETIME(3)       NOT NULL,
  PRIMARY KEY (consumer_group, topic, `partition`)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
