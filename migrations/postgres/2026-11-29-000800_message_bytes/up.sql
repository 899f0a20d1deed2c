-- Raw message bytes in a table of their own, written once at intake (SQLite rewrites a whole row
-- on UPDATE; the schema is the same on both backends).
CREATE TABLE message_bytes (
    message_id TEXT PRIMARY KEY NOT NULL,
    raw BYTEA NOT NULL,
    -- Sealed under the message's data key (`retention_keys`, subject `message:ID`); false only
    -- for bytes stored before sealing existed.
    sealed BOOLEAN NOT NULL DEFAULT FALSE
);
-- Sealed bytes do not compress: store them out of line without trying.
ALTER TABLE message_bytes ALTER COLUMN raw SET STORAGE EXTERNAL;
INSERT INTO message_bytes (message_id, raw, sealed)
    SELECT id, raw, raw_sealed FROM messages WHERE raw IS NOT NULL;
ALTER TABLE messages DROP COLUMN raw, DROP COLUMN raw_sealed;
