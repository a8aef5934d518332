-- Two-step sign-in for staff: the secret their authenticator app shares with the server, the newest time step
-- accepted (a code works once), single-use recovery codes stored as hashes, and sessions that are halfway through
-- signing in (password given, second factor not yet).
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_last_step INTEGER;

CREATE TABLE recovery_codes (
    user_id   INTEGER NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    used_at   TEXT,
    PRIMARY KEY (user_id, code_hash)
);

-- Every session in use was made before staff needed a second factor: all sign in again.
DELETE FROM sessions;
ALTER TABLE sessions ADD COLUMN second_step INTEGER NOT NULL DEFAULT 0;
-- The secret shown while a staff account sets up its app, until a code from the app confirms it.
ALTER TABLE sessions ADD COLUMN pending_totp_secret TEXT;
