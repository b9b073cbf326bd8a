-- The whole site's distinct clients per day, each with the hours (bit n = hour n, UTC) it was seen in: the hourly
-- sets (hourly_site_clients) folded by the BuildReportSlices timer, so an unfiltered summary counts the visitors of a
-- day's whole hours from one row per client (~50,000) instead of one per client and hour (~1.1 million).
-- day_site_clients_hour records which hours are folded in, with the hour's rollup requests read before folding it:
-- a reader uses a folded hour only while that equals the hour's rollup requests in its snapshot, else reads the
-- hour's own set (rows that arrived since make the fold stale until the next run refolds it).
-- Created empty: the builder folds the stored hours, oldest first; until then they are read from the hourly sets.
-- Re-runnable.
CREATE TABLE IF NOT EXISTS day_site_clients (
  day_utc          DATE              NOT NULL,
  client_hash      BIGINT UNSIGNED   NOT NULL,
  hours            INT UNSIGNED      NOT NULL,
  PRIMARY KEY (day_utc, client_hash)
) ENGINE = InnoDB;

CREATE TABLE IF NOT EXISTS day_site_clients_hour (
  hour_utc         DATETIME          NOT NULL,
  requests         BIGINT            NOT NULL,
  PRIMARY KEY (hour_utc)
) ENGINE = InnoDB;
