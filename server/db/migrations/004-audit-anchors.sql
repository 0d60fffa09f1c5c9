-- Audit chain anchors (issue 9): after every sync a workstation sends the head of its
-- hash-chained audit log; the server keeps every one it accepts, so a chain later rewritten
-- end to end (new content, freshly computed hashes) no longer matches what was anchored.
-- Both tables are append-only: the triggers refuse UPDATE and DELETE for everyone.

CREATE TABLE audit_anchors (
  clinic_id      uuid NOT NULL REFERENCES clinics (clinic_id),
  workstation_id uuid NOT NULL,
  seq            bigint NOT NULL CHECK (seq >= 1),
  hash           text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
  entry_count    bigint NOT NULL CHECK (entry_count >= 0),
  received_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (clinic_id, workstation_id, seq)
);

-- Anchors refused because they contradict one already held: a different hash at a seq
-- already anchored (the chain was rewritten), or a head below the highest anchor (entries
-- the server saw are gone). Kept for administrators and auditors to review.
CREATE TABLE audit_anchor_refusals (
  refusal_id     bigserial PRIMARY KEY,
  clinic_id      uuid NOT NULL REFERENCES clinics (clinic_id),
  workstation_id uuid NOT NULL,
  seq            bigint NOT NULL,
  hash           text NOT NULL,
  entry_count    bigint NOT NULL,
  problem        text NOT NULL CHECK (problem IN ('chain-rewritten', 'chain-truncated')),
  held_seq       bigint NOT NULL,
  held_hash      text NOT NULL,
  received_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX audit_anchor_refusals_workstation ON audit_anchor_refusals (clinic_id, workstation_id, refusal_id);

CREATE FUNCTION audit_anchors_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit anchors are append-only';
END;
$$;
CREATE TRIGGER audit_anchors_append_only BEFORE UPDATE OR DELETE ON audit_anchors
  FOR EACH ROW EXECUTE FUNCTION audit_anchors_append_only();
CREATE TRIGGER audit_anchor_refusals_append_only BEFORE UPDATE OR DELETE ON audit_anchor_refusals
  FOR EACH ROW EXECUTE FUNCTION audit_anchors_append_only();
