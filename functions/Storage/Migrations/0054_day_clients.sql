-- Each scope's distinct clients per day, each with the hours (bit n = hour n, UTC) it was seen in: the hourly sets
-- (hourly_clients) folded by the BuildReportSlices timer with the site's (day_site_clients), so a summary filtered by
-- vhost and/or host counts a day's whole hours from one row per client of the scope (~50,000) instead of one per
-- client, hour, vhost and host (~4.6 million at 10M rows a day over four vhosts on three hosts).
-- scope as in report_slice_value (0051): 0 one vhost on one host, 2 one vhost over its hosts (host = ''), 3 one host
-- over its vhosts (vhost = ''). The primary key puts the scope first, so a filter reads one range per day.
-- The site's fold record (day_site_clients_hour) governs every scope of its hour: all are folded in one transaction.
-- It is cleared here so every stored hour folds again, now with its scopes; until then the summary reads an hour from
-- its hourly sets (exact, as before). Re-runnable.
CREATE TABLE IF NOT EXISTS day_clients (
  scope            TINYINT           NOT NULL,
  vhost            VARCHAR(255)      NOT NULL,
  host             VARCHAR(255)      NOT NULL,
  day_utc          DATE              NOT NULL,
  client_hash      BIGINT UNSIGNED   NOT NULL,
  hours            INT UNSIGNED      NOT NULL,
  PRIMARY KEY (scope, vhost, host, day_utc, client_hash)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

DELETE FROM day_site_clients_hour;
