-- Alert state per rule and scope. version guards every transition: an UPDATE names the version it read, so two
-- evaluators that race can never both move the same state (the loser updates 0 rows and rolls back).
CREATE TABLE IF NOT EXISTS alert_state (
  rule              VARCHAR(200)      NOT NULL,
  scope             VARCHAR(500)      NOT NULL,
  state             VARCHAR(16)       NOT NULL,
  since_utc         DATETIME          NOT NULL,
  value             DOUBLE            NULL,
  threshold         VARCHAR(200)      NOT NULL,
  severity          VARCHAR(16)       NOT NULL,
  incident_notified TINYINT(1)        NOT NULL,
  last_notified_utc DATETIME(3)       NULL,
  evaluated_utc     DATETIME(3)       NOT NULL,
  version           BIGINT            NOT NULL,
  PRIMARY KEY (rule, scope)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Every state change, including the ones a silence kept quiet.
CREATE TABLE IF NOT EXISTS alert_history (
  id                BIGINT            NOT NULL AUTO_INCREMENT,
  rule              VARCHAR(200)      NOT NULL,
  scope             VARCHAR(500)      NOT NULL,
  from_state        VARCHAR(16)       NOT NULL,
  to_state          VARCHAR(16)       NOT NULL,
  at_utc            DATETIME          NOT NULL,
  value             DOUBLE            NULL,
  threshold         VARCHAR(200)      NOT NULL,
  notification      VARCHAR(16)       NULL,
  silenced          TINYINT(1)        NOT NULL,
  recorded_utc      DATETIME(3)       NOT NULL,
  PRIMARY KEY (id),
  KEY ix_alert_history_at (at_utc),
  KEY ix_alert_history_rule (rule, scope, at_utc)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Silences suppress notifications (state is still tracked). A NULL rule or scope matches every rule or scope.
CREATE TABLE IF NOT EXISTS alert_silence (
  id                BIGINT            NOT NULL AUTO_INCREMENT,
  rule              VARCHAR(200)      NULL,
  scope             VARCHAR(500)      NULL,
  starts_utc        DATETIME(3)       NOT NULL,
  ends_utc          DATETIME(3)       NOT NULL,
  comment           VARCHAR(1000)     NOT NULL,
  created_by        VARCHAR(200)      NOT NULL,
  created_utc       DATETIME(3)       NOT NULL,
  PRIMARY KEY (id),
  KEY ix_alert_silence_ends (ends_utc)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;

-- Notifications to deliver, one row per channel, written in the same transaction as the state change.
-- A row is never deleted before it is delivered; attempts and last_error make failures visible.
CREATE TABLE IF NOT EXISTS alert_outbox (
  id                BIGINT            NOT NULL AUTO_INCREMENT,
  rule              VARCHAR(200)      NOT NULL,
  scope             VARCHAR(500)      NOT NULL,
  kind              VARCHAR(16)       NOT NULL,
  channel           VARCHAR(32)       NOT NULL,
  payload           MEDIUMTEXT        NOT NULL,
  created_utc       DATETIME(3)       NOT NULL,
  attempts          INT               NOT NULL,
  next_attempt_utc  DATETIME(3)       NOT NULL,
  last_attempt_utc  DATETIME(3)       NULL,
  last_error        VARCHAR(2000)     NULL,
  delivered_utc     DATETIME(3)       NULL,
  PRIMARY KEY (id),
  KEY ix_alert_outbox_due (delivered_utc, next_attempt_utc)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_bin;
