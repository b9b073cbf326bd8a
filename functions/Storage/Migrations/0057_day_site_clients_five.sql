-- The 5 minutes folded into the site's day sets (day_site_clients' 5-minute bits) one at a time, before their hour is
-- complete: the BuildReportSlices timer folds each complete 5 minutes of the current hour with the 5 minutes' rollup
-- requests read before folding it, so "the last 24 hours" reads its last, unfolded hour's whole 5 minutes from the day
-- rows it already reads instead of from the 5-minute sets. A reader uses a folded 5 minutes only while its record
-- equals its rollup requests in the reader's snapshot (the hour fold's rule, day_site_clients_hour); once the hour is
-- complete the hour's fold covers it. Created empty: until the timer folds, the 5 minutes are read as before. Re-runnable.
CREATE TABLE IF NOT EXISTS day_site_clients_five (
  five_utc         DATETIME          NOT NULL,
  requests         BIGINT            NOT NULL,
  PRIMARY KEY (five_utc)
) ENGINE = InnoDB;
