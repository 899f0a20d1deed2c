ALTER TABLE messages DROP COLUMN raw_sealed;
DROP INDEX retention_keys_epoch;
ALTER TABLE retention_keys DROP COLUMN epoch;
