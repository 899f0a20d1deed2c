-- The rest of issue 7: user groups scoped by hit category, the first-admin setup token, and the
-- purpose of a read on audit rows.

-- Groups of users (officers, mostly) that review the hits of some categories only: the category
-- of the watchlist or rule behind a hit, or of a manual hit. `categories` is a JSON array of
-- lower-case names. A user in no group sees every item; admins always do.
CREATE TABLE user_groups (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL UNIQUE,
    categories TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE group_members (
    group_id TEXT NOT NULL REFERENCES user_groups(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX group_members_user ON group_members(user_id);

-- The one-time token that creates the first administrator. One row at most (`id` is always
-- `first_admin`), so however many servers start on one database, one token is valid at a time.
-- Only a SHA-256 of the token is kept (it is 256 random bits: a slow hash adds nothing).
CREATE TABLE setup_tokens (
    id TEXT PRIMARY KEY NOT NULL,
    token_sha256 TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    used_at BIGINT,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until BIGINT
);

-- Why personal data was read (the caller's `X-Purpose`, or an unmask grant's purpose), at most
-- 200 characters. NULL on rows written before this column existed and on rows with no purpose:
-- such rows hash as before, so the chain of old rows still verifies.
ALTER TABLE audit_log ADD COLUMN purpose TEXT;
CREATE INDEX audit_log_purpose ON audit_log(purpose) WHERE purpose IS NOT NULL;
