-- The same schema as the SQLite migration of the same number, in PostgreSQL types.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_last_step BIGINT;

CREATE TABLE recovery_codes (
    user_id   BIGINT NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    used_at   TIMESTAMPTZ,
    PRIMARY KEY (user_id, code_hash)
);

DELETE FROM sessions;
ALTER TABLE sessions ADD COLUMN second_step BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE sessions ADD COLUMN pending_totp_secret TEXT;
