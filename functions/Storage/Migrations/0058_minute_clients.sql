-- Each vhost's and host's distinct clients per minute (per vhost and host, as five_minute_clients), written by the
-- BuildReportSlices timer with each minute's report slice in the same transaction, as minute_site_clients (0052) is for
-- the whole site: a summary filtered by vhost and/or host over a range cut inside 5 minutes reads the visitors of its
-- edge minutes from these sets while the minute slice is valid (the rows the builder counted equal rollup_site_minute's
-- requests), instead of raw rows. Kept for ReportSlices:MinuteSliceDays, like the minute slices.
-- Created empty, and the minute slices cleared (as 0056 does too) so the builder rebuilds every minute with its sets:
-- a valid minute slice without them would count none of its clients. Until a minute is rebuilt its edge is read from
-- raw rows (exact, as before). Re-runnable.
CREATE TABLE IF NOT EXISTS minute_clients (
  minute_utc       DATETIME          NOT NULL,
  vhost            VARCHAR(255)      NOT NULL,
  host             VARCHAR(255)      NOT NULL,
  client_hash      BIGINT UNSIGNED   NOT NULL,
  PRIMARY KEY (minute_utc, vhost, host, client_hash)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

DELETE FROM report_slice WHERE span_minutes = 1;
