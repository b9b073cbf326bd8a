-- The last occurrence each timer function ran for, so that with several standalone replicas each occurrence runs
-- once (claimed under a GET_LOCK named after the function) and a run can see when the previous one was.
CREATE TABLE IF NOT EXISTS timer_runs (
  function_name       VARCHAR(128)   NOT NULL,
  last_scheduled_utc  DATETIME(3)    NOT NULL,
  last_started_utc    DATETIME(3)    NOT NULL,
  last_completed_utc  DATETIME(3)    NOT NULL,
  succeeded           BOOLEAN        NOT NULL,
  error               VARCHAR(2000)  NULL,
  replica             VARCHAR(255)   NOT NULL,
  PRIMARY KEY (function_name)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
