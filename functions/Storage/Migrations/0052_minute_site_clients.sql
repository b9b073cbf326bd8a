-- The whole site's distinct clients per minute, as ClientHash keys like five_minute_site_clients, written by the
-- BuildReportSlices timer (not by the store: ingest pays nothing) with each minute's report slice, in the same
-- transaction: a minute's set is used while its minute slice is valid (the rows the builder counted equal
-- rollup_site_minute's requests), so the visitors of the minutes a range cuts out of a 5 minutes at either end are
-- read from sets instead of raw rows. Minute slices and sets are kept for the last ReportSlices:MinuteSliceDays only
-- (the builder deletes older ones).
-- Created empty, and the minute slices cleared, so the builder (re)builds those minutes with their sets, oldest first,
-- after the hours and 5 minutes due; until then they are read from raw rows (exact, as before).
-- Re-runnable.
CREATE TABLE IF NOT EXISTS minute_site_clients (
  minute_utc       DATETIME          NOT NULL,
  client_hash      BIGINT UNSIGNED   NOT NULL,
  PRIMARY KEY (minute_utc, client_hash)
) ENGINE = InnoDB;

DELETE FROM report_slice WHERE span_minutes = 1;
