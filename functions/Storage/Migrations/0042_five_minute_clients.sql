-- Each vhost's and host's distinct clients per 5 minutes (minute_utc = the first minute of the 5), as ClientHash keys
-- like hourly_clients: the visitors of the partial hours at either end of an unaligned range filtered by vhost or host
-- come from these, and only the remainder under 5 minutes at either end from raw rows.
-- Back-filled from the stored raw rows; re-runnable (a set: INSERT IGNORE).
CREATE TABLE IF NOT EXISTS five_minute_clients (
  minute_utc       DATETIME          NOT NULL,
  vhost            VARCHAR(255)      NOT NULL,
  host             VARCHAR(255)      NOT NULL,
  client_hash      BIGINT UNSIGNED   NOT NULL,
  PRIMARY KEY (minute_utc, vhost, host, client_hash)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

INSERT IGNORE INTO five_minute_clients (minute_utc, vhost, host, client_hash)
SELECT DISTINCT CAST(DATE_FORMAT(time_utc, '%Y-%m-%d %H:00:00') AS DATETIME) + INTERVAL (MINUTE(time_utc) DIV 5 * 5) MINUTE,
       vhost, host, CAST(CONV(LEFT(MD5(COALESCE(client_ip, remote_addr)), 16), 16, 10) AS UNSIGNED)
FROM access_log;
