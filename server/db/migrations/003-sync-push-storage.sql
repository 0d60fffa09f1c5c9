-- Storage of synced rows for push throughput (issue 8).
--
-- Fields are kept as `json` (the text, checked for syntax) instead of `jsonb`. The server
-- seldom looks inside a row's fields (the outbound sender's queued messages, erasure's
-- lookups by patient) and the json operators serve those as well, yet `jsonb` made every
-- push decompose each row into its binary form and every pull print it back as text.
-- Measured on PostgreSQL 15, 20,000 patient rows of about 20 stamped fields written by
-- 1000-row statements: 1,037 ms with jsonb, 781 ms with json (same insert, same indexes);
-- a pulled row is now spliced from the stored text as is.
-- Text PostgreSQL's jsonb would refuse (U+0000, unpaired surrogates) is still refused by
-- the push validation (server/sync/push-body.ts), so rows stay convertible to jsonb.
-- sync_conflicts keeps jsonb: it is written rarely and read by administrators.

DROP INDEX sync_rows_queued_messages;
ALTER TABLE sync_rows ALTER COLUMN fields TYPE json USING fields::json;
-- The sender's work list, on the json operators its query uses; `table_name` is tested
-- first, so only message rows are parsed when the index predicate is checked.
CREATE INDEX sync_rows_queued_messages ON sync_rows (clinic_id)
  WHERE table_name = 'messages' AND fields -> 'status' ->> 'value' = 'queued';

-- No per-row foreign-key check on the two tables every push inserts into: it ran once per
-- row, 3.3 ms of the 27 ms a 1000-row insert into sync_rows took and 3.2 ms of the 5.0 ms
-- for sync_changes (EXPLAIN ANALYZE). Rows reach them only through applyInTransaction
-- (server/sync/apply-changes.ts), which locks the clinic's row FOR UPDATE first and refuses
-- a clinic that does not exist; a locked row cannot be deleted, so every row still belongs
-- to an existing clinic. The other tenant tables keep their foreign keys.
ALTER TABLE sync_rows DROP CONSTRAINT sync_rows_clinic_id_fkey;
ALTER TABLE sync_changes DROP CONSTRAINT sync_changes_clinic_id_fkey;
