-- The audit log moves to a file of its own (`paxrisk.audit.db` beside `paxrisk.db`), attached to
-- every connection as `audit`, where the server has already created its table: appending the
-- audit row of an officer's read then never waits for a worker writing the main file.
INSERT OR IGNORE INTO audit.audit_log (seq, at, actor, role, action, object, outcome, prev_hash, hash, purpose)
SELECT seq, at, actor, role, action, object, outcome, prev_hash, hash, purpose FROM main.audit_log;
-- Numbering goes on from where it was, also when retention had removed every row: the anchor it
-- left names the last removed row's number.
UPDATE audit.sqlite_sequence
SET seq = max(seq, (SELECT seq FROM main.sqlite_sequence WHERE name = 'audit_log'))
WHERE name = 'audit_log'
  AND EXISTS (SELECT 1 FROM main.sqlite_sequence WHERE name = 'audit_log');
INSERT INTO audit.sqlite_sequence (name, seq)
SELECT 'audit_log', seq FROM main.sqlite_sequence
WHERE name = 'audit_log'
  AND NOT EXISTS (SELECT 1 FROM audit.sqlite_sequence WHERE name = 'audit_log');
DROP TABLE main.audit_log;
