-- Raw message bytes in a table of their own, written once at intake. SQLite rewrites a whole row
-- on UPDATE, so while the bytes sat in `messages` every change of a message's state (claimed,
-- loaded, screened) copied its 20-50 KB of sealed bytes again, overflow pages and all.
CREATE TABLE message_bytes (
    message_id TEXT PRIMARY KEY NOT NULL,
    raw BLOB NOT NULL,
    -- Sealed under the message's data key (`retention_keys`, subject `message:ID`); false only
    -- for bytes stored before sealing existed.
    sealed BOOLEAN NOT NULL DEFAULT 0
);
INSERT INTO message_bytes (message_id, raw, sealed)
    SELECT id, raw, raw_sealed FROM messages WHERE raw IS NOT NULL;
ALTER TABLE messages DROP COLUMN raw;
ALTER TABLE messages DROP COLUMN raw_sealed;
