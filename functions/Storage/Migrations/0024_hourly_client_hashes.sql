-- The hourly client sets keep each client as its 64-bit hash (ClientHash: the first 8 bytes of the MD5 of the client text)
-- instead of the text: narrower rows and index, numeric COUNT(DISTINCT), no string per client in the store's upsert.
-- hourly_site_clients holds the whole site's set per hour, so the dashboard's and an unfiltered summary's visitors
-- read one row per client and hour rather than one per client, hour, vhost and host.
-- Re-runnable: visitor_hour is recreated empty when an earlier run already converted and dropped it.
CREATE TABLE IF NOT EXISTS hourly_clients (
  hour_utc         DATETIME          NOT NULL,
  vhost            VARCHAR(255)      NOT NULL,
  host             VARCHAR(255)      NOT NULL,
  client_hash      BIGINT UNSIGNED   NOT NULL,
  PRIMARY KEY (hour_utc, vhost, host, client_hash)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

CREATE TABLE IF NOT EXISTS hourly_site_clients (
  hour_utc         DATETIME          NOT NULL,
  client_hash      BIGINT UNSIGNED   NOT NULL,
  PRIMARY KEY (hour_utc, client_hash)
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS visitor_hour (
  hour_utc         DATETIME          NOT NULL,
  vhost            VARCHAR(255)      NOT NULL,
  host             VARCHAR(255)      NOT NULL,
  client           VARCHAR(64)       NOT NULL,
  PRIMARY KEY (hour_utc, vhost, host, client)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

INSERT IGNORE INTO hourly_clients (hour_utc, vhost, host, client_hash)
SELECT hour_utc, vhost, host, CAST(CONV(LEFT(MD5(client), 16), 16, 10) AS UNSIGNED) FROM visitor_hour;

INSERT IGNORE INTO hourly_site_clients (hour_utc, client_hash)
SELECT DISTINCT hour_utc, CAST(CONV(LEFT(MD5(client), 16), 16, 10) AS UNSIGNED) FROM visitor_hour;

DROP TABLE visitor_hour;
