-- The 5 minutes folded into the day sets' 5-minute bits one at a time, before their hour is complete: the
-- BuildReportSlices timer folds each complete 5 minutes of the current hour (site and scopes) with the 5 minutes'
-- rollup requests read before folding it, so "the last 24 hours" reads its last, unfolded hour's whole 5 minutes from
-- the day rows it already reads instead of from the 5-minute sets. A reader uses a folded 5 minutes only while its
-- record equals its rollup requests in the reader's snapshot (the hour fold's rule, day_site_clients_hour); once the
-- hour is complete the hour's fold covers it. Created empty: until the timer folds, the 5 minutes are read as before.
CREATE TABLE IF NOT EXISTS day_site_clients_five (
  five_utc         DATETIME          NOT NULL,
  requests         BIGINT            NOT NULL,
  PRIMARY KEY (five_utc)
) ENGINE = InnoDB;

-- Each scope's day sets keep the 5-minute bits too (as day_site_clients since 0054: five columns of five hours of
-- twelve 5 minutes), folded with the hour (and with each 5 minutes of the current hour) from five_minute_clients, so a
-- vhost/host-filtered range cut inside hours reads the cut hours' whole 5 minutes from the scope's day rows. The hour
-- records are cleared so every stored hour folds again, now with the scopes' 5 minutes; until then the summary reads an
-- hour from its hourly / 5-minute sets (exact, as before). Re-runnable. The columns (fives_0 to fives_4, BIGINT UNSIGNED
-- NOT NULL DEFAULT 0) are added by the migration's code step (DayFiveMinuteColumns) when missing: MySQL 8 has no ADD
-- COLUMN IF NOT EXISTS.
DELETE FROM day_site_clients_hour;
DELETE FROM day_site_clients_five;
