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

-- The site's day sets also keep a bit per 5 minutes (288: five columns of five hours of twelve 5 minutes each), folded
-- with the hour bit from the hour's 5-minute sets: the whole 5 minutes of a folded hour cut by a range's end come from
-- the same rows as the whole hours. Rows folded before this have none; their hours fold again (the record is cleared).
-- The columns (fives_0 to fives_4, BIGINT UNSIGNED NOT NULL DEFAULT 0) are added by the migration's code step
-- (DayFiveMinuteColumns) when missing: MySQL 8 has no ADD COLUMN IF NOT EXISTS.
