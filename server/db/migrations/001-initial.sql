-- CareLoop cloud instance, schema 1.
-- Every tenant table has clinic_id as the first column of its primary key, so that Citus
-- can distribute it by clinic_id without schema changes (see server/README.md).
-- `installation` is the one table not keyed by clinic (a Citus reference table).

CREATE TABLE installation (
  key   text PRIMARY KEY,
  value text NOT NULL
);

-- One row per clinic; `version` is the clinic's sync counter. Every write to synced rows
-- takes this row's lock first, so versions are assigned and committed in order.
CREATE TABLE clinics (
  clinic_id  uuid PRIMARY KEY,
  name       text NOT NULL,
  version    bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
  clinic_id       uuid NOT NULL REFERENCES clinics (clinic_id),
  user_id         uuid NOT NULL,
  email           text NOT NULL,
  name            text NOT NULL,
  role            text NOT NULL CHECK (role IN ('admin', 'staff')),
  password_hash   text NOT NULL,
  failed_attempts integer NOT NULL DEFAULT 0,
  locked_until    timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (clinic_id, user_id),
  UNIQUE (clinic_id, email)
);

-- Rotating refresh tokens, stored as SHA-256 of their secret part. A token used twice
-- revokes its whole family (theft detection).
CREATE TABLE refresh_tokens (
  clinic_id   uuid NOT NULL REFERENCES clinics (clinic_id),
  token_id    uuid NOT NULL,
  family_id   uuid NOT NULL,
  user_id     uuid NOT NULL,
  secret_hash text NOT NULL,
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  revoked_at  timestamptz,
  PRIMARY KEY (clinic_id, token_id)
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (clinic_id, family_id);

CREATE TABLE enrolment_codes (
  clinic_id   uuid NOT NULL REFERENCES clinics (clinic_id),
  code_id     uuid NOT NULL,
  secret_hash text NOT NULL,
  created_by  uuid NOT NULL,
  expires_at  timestamptz NOT NULL,
  used_at     timestamptz,
  PRIMARY KEY (clinic_id, code_id)
);

CREATE TABLE workstations (
  clinic_id   uuid NOT NULL REFERENCES clinics (clinic_id),
  workstation_id uuid NOT NULL,
  name        text NOT NULL,
  secret_hash text NOT NULL,
  enrolled_by uuid NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz,
  PRIMARY KEY (clinic_id, workstation_id)
);

-- Keys for connected devices posting readings straight to the cloud, bound to one patient.
CREATE TABLE device_keys (
  clinic_id   uuid NOT NULL REFERENCES clinics (clinic_id),
  key_id      uuid NOT NULL,
  patient_id  text NOT NULL,
  label       text NOT NULL,
  secret_hash text NOT NULL,
  created_by  uuid NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  revoked_at  timestamptz,
  PRIMARY KEY (clinic_id, key_id)
);

-- Synced rows of every table, as field -> {value, stamp}. `version` is the version of the
-- last change that modified the row; pull pages walk (clinic_id, version).
CREATE TABLE sync_rows (
  clinic_id  uuid NOT NULL REFERENCES clinics (clinic_id),
  table_name text NOT NULL,
  row_id     text NOT NULL,
  fields     jsonb NOT NULL,
  version    bigint NOT NULL,
  PRIMARY KEY (clinic_id, table_name, row_id)
);
CREATE UNIQUE INDEX sync_rows_version ON sync_rows (clinic_id, version);
-- The outbound sender's work list: queued email and SMS messages.
CREATE INDEX sync_rows_queued_messages ON sync_rows (clinic_id)
  WHERE table_name = 'messages' AND fields -> 'status' ->> 'value' = 'queued';

-- Every applied change id, so a replayed push changes nothing.
CREATE TABLE sync_changes (
  clinic_id  uuid NOT NULL REFERENCES clinics (clinic_id),
  change_id  uuid NOT NULL,
  version    bigint NOT NULL,
  table_name text NOT NULL,
  row_id     text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (clinic_id, change_id)
);

-- Every value that was overwritten by a newer write, or arrived older than the one kept.
CREATE TABLE sync_conflicts (
  clinic_id  uuid NOT NULL REFERENCES clinics (clinic_id),
  version    bigint NOT NULL,
  seq        integer NOT NULL,
  change_id  uuid NOT NULL,
  table_name text NOT NULL,
  row_id     text NOT NULL,
  field      text NOT NULL,
  lost       jsonb NOT NULL,
  kept       jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (clinic_id, version, seq)
);

-- Outbound deliveries claimed by a sender, so that several servers never send one message twice.
CREATE TABLE message_deliveries (
  clinic_id  uuid NOT NULL REFERENCES clinics (clinic_id),
  message_id text NOT NULL,
  state      text NOT NULL CHECK (state IN ('sending', 'sent', 'failed')),
  claimed_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  PRIMARY KEY (clinic_id, message_id)
);
