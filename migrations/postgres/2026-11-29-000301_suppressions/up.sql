-- An officer's "not this person": a (traveller identity, watchlist entry) pair that screening
-- no longer reports. The identity is kept only as a SHA-256 of the person key, the minimum needed.
CREATE TABLE suppressions (
    id TEXT PRIMARY KEY NOT NULL,
    person_hash TEXT NOT NULL,
    watchlist_id TEXT NOT NULL,
    entry_id TEXT NOT NULL,
    item_id TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (person_hash, watchlist_id, entry_id)
);
