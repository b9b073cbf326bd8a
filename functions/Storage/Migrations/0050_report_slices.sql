-- Top lists per time slice, built from raw rows by the BuildReportSlices timer (not by the store, so ingest does not
-- pay for them). report_slice records, per slice, how many raw rows the builder aggregated in one consistent snapshot:
-- a reader uses the slice only while that equals the minute rollups' request total of the slice (rollup_site_minute,
-- plus rollup_hour for compacted hours) in the reader's own snapshot, i.e. no row arrived after the slice was built.
-- span_minutes: 60 (hours, whole site and per vhost/host) or 5 (whole site only: the edges of unaligned ranges).
CREATE TABLE IF NOT EXISTS report_slice (
  span_minutes     SMALLINT          NOT NULL,
  slice_utc        DATETIME          NOT NULL,
  requests         BIGINT            NOT NULL,
  built_utc        DATETIME          NOT NULL,
  PRIMARY KEY (span_minutes, slice_utc)
) ENGINE = InnoDB;

-- One row per slice, dimension (1 paths, 2 clients, 3 referrers, 4 user agents, 5 status codes), scope and value:
-- whole_site = 1 with vhost = host = '' for the whole site's sums, else one vhost and host. At most
-- ReportSlices:TopValues values per slice, dimension and scope are kept by requests (for paths also as many by errors
-- and by p95); ranks says which of those rankings a row is in (bits 1 requests, 2 errors, 4 p95; all when nothing was
-- left out), so each report reads only its ranking. row_no = 0 is then the rest: the sums of the values left out
-- altogether, dropped_max_requests the largest request count outside the requests ranking and dropped_max_errors the
-- largest error count outside the errors ranking (the most any count read from that ranking can miss).
CREATE TABLE IF NOT EXISTS report_slice_value (
  dimension        TINYINT           NOT NULL,
  span_minutes     SMALLINT          NOT NULL,
  whole_site       TINYINT           NOT NULL,
  slice_utc        DATETIME          NOT NULL,
  vhost            VARCHAR(255)      NOT NULL,
  host             VARCHAR(255)      NOT NULL,
  row_no           INT               NOT NULL,
  ranks            TINYINT           NOT NULL,
  value            VARCHAR(2048)     NULL,
  requests         BIGINT            NOT NULL,
  bytes            BIGINT            NOT NULL,
  status_4xx       BIGINT            NOT NULL,
  status_5xx       BIGINT            NOT NULL,
  latency_count    BIGINT            NOT NULL,
  latency_sum_ms   BIGINT            NOT NULL,
  latency_max_ms   BIGINT            NULL,
  histogram        BLOB              NULL,
  dropped_max_requests BIGINT        NOT NULL DEFAULT 0,
  dropped_max_errors   BIGINT        NOT NULL DEFAULT 0,
  PRIMARY KEY (dimension, span_minutes, whole_site, slice_utc, vhost, host, row_no),
  KEY report_slice_value_time (slice_utc)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
