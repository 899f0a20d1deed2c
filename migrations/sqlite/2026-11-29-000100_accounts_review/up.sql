-- Accounts, review actions, lookouts and notifications (issue 7). The review tables hold ids
-- without foreign keys so that retention can delete travellers and items in any order; it
-- deletes these rows with them (they hold free text).

-- Contact and subscription of a user: e-mail for account events and, when subscribed, new
-- high-band items of flights arriving soon.
ALTER TABLE users ADD COLUMN email TEXT;
ALTER TABLE users ADD COLUMN notify_high BOOLEAN NOT NULL DEFAULT 0;

-- Long-lived carrier API keys. Only a SHA-256 of the secret is kept: the secret is 256 random
-- bits, so a slow hash adds nothing.
CREATE TABLE api_keys (
    id TEXT PRIMARY KEY NOT NULL,
    user_id TEXT NOT NULL REFERENCES users(id),
    label TEXT NOT NULL,
    secret_sha256 TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT,
    last_used_at BIGINT
);
CREATE INDEX api_keys_user ON api_keys(user_id);

-- A note's kind: `general`, or `reopen` for the reason an officer gave to reopen a closed item.
ALTER TABLE review_notes ADD COLUMN kind TEXT NOT NULL DEFAULT 'general';
CREATE INDEX review_notes_item ON review_notes(item_id, created_at);

-- Hits an officer recorded by hand, under a category; they keep the item in the queue.
CREATE TABLE manual_hits (
    id TEXT PRIMARY KEY NOT NULL,
    item_id TEXT NOT NULL,
    traveller_id TEXT NOT NULL,
    category TEXT NOT NULL,
    band TEXT NOT NULL,
    reason TEXT NOT NULL,
    author TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX manual_hits_traveller ON manual_hits(traveller_id);

-- Port-of-entry lookouts: a traveller promoted for the officers at arrival, with a status.
CREATE TABLE lookouts (
    id TEXT PRIMARY KEY NOT NULL,
    traveller_id TEXT NOT NULL,
    flight_id TEXT NOT NULL,
    item_id TEXT,
    status TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (traveller_id)
);
CREATE INDEX lookouts_status ON lookouts(status, updated_at);

-- The e-mail outbox: events recorded in the transaction that caused them, turned into mail and
-- sent by a background sender. `key` makes an event idempotent.
CREATE TABLE notify_events (
    id TEXT PRIMARY KEY NOT NULL,
    key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    object_id TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    lease_until BIGINT,
    detail TEXT NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX notify_events_state ON notify_events(state, created_at);
