-- The keyring (issue 8): each data key names the epoch of the master key that wraps it; NULL for
-- data keys wrapped under the single master key of before (re-wrapped at the first start).
ALTER TABLE retention_keys ADD COLUMN epoch BIGINT;
CREATE INDEX retention_keys_epoch ON retention_keys(epoch);
-- Raw message bytes sealed under a per-message data key (subject `message:ID`); false for bytes
-- stored before, which read as they are.
ALTER TABLE messages ADD COLUMN raw_sealed BOOLEAN NOT NULL DEFAULT 0;
