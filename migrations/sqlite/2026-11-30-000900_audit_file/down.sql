CREATE TABLE main.audit_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    at BIGINT NOT NULL,
    actor TEXT NOT NULL,
    role TEXT NOT NULL,
    action TEXT NOT NULL,
    object TEXT NOT NULL,
    outcome TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL,
    purpose TEXT
);
INSERT INTO main.audit_log SELECT seq, at, actor, role, action, object, outcome, prev_hash, hash, purpose FROM audit.audit_log;
CREATE INDEX main.audit_log_purpose ON audit_log(purpose) WHERE purpose IS NOT NULL;
DELETE FROM audit.audit_log;
