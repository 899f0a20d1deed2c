ALTER TABLE messages ADD COLUMN raw BLOB;
ALTER TABLE messages ADD COLUMN raw_sealed BOOLEAN NOT NULL DEFAULT 0;
UPDATE messages SET raw = (SELECT b.raw FROM message_bytes b WHERE b.message_id = messages.id),
    raw_sealed = COALESCE((SELECT b.sealed FROM message_bytes b WHERE b.message_id = messages.id), 0);
DROP TABLE message_bytes;
