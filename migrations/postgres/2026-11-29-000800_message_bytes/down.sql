ALTER TABLE messages ADD COLUMN raw BYTEA, ADD COLUMN raw_sealed BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE messages m SET raw = b.raw, raw_sealed = b.sealed FROM message_bytes b WHERE b.message_id = m.id;
DROP TABLE message_bytes;
