-- The distinct clients (client_ip, else remote_addr) seen per hour, vhost and host, so "visitors" over a day reads
-- one small set per hour instead of every raw row. Distinct sets cannot be added up like counts, but sets can be
-- unioned: COUNT(DISTINCT client) over the hours of a range is exact.
-- Kept by a trigger on access_log. INSERT IGNORE makes it idempotent, and rows the store skips as duplicates fire
-- no AFTER INSERT trigger anyway. Write cost: one primary-key probe (and an insert for a client's first request in
-- the hour) per stored access_log row. Dropping an access_log partition leaves the hours' sets in place.
CREATE TABLE IF NOT EXISTS visitor_hour (
  hour_utc         DATETIME          NOT NULL,
  vhost            VARCHAR(255)      NOT NULL,
  host             VARCHAR(255)      NOT NULL,
  client           VARCHAR(64)       NOT NULL,
  PRIMARY KEY (hour_utc, vhost, host, client)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

INSERT IGNORE INTO visitor_hour (hour_utc, vhost, host, client)
SELECT DISTINCT CAST(DATE_FORMAT(time_utc, '%Y-%m-%d %H:00:00') AS DATETIME), vhost, host, COALESCE(client_ip, remote_addr)
FROM access_log;

CREATE TRIGGER IF NOT EXISTS access_log_to_visitor_hour AFTER INSERT ON access_log FOR EACH ROW
  INSERT IGNORE INTO visitor_hour (hour_utc, vhost, host, client)
  VALUES (CAST(DATE_FORMAT(NEW.time_utc, '%Y-%m-%d %H:00:00') AS DATETIME), NEW.vhost, NEW.host, COALESCE(NEW.client_ip, NEW.remote_addr));
