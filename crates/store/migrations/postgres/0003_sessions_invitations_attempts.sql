-- The same schema as the SQLite migration of the same number, in PostgreSQL types.
CREATE TABLE sessions (
    id_hash           TEXT PRIMARY KEY,
    user_id           BIGINT REFERENCES users (id),
    organisation_code TEXT REFERENCES organisations (code),
    created_at        TIMESTAMPTZ NOT NULL,
    last_seen_at      TIMESTAMPTZ NOT NULL,
    CHECK ((user_id IS NULL) <> (organisation_code IS NULL))
);

CREATE TABLE invitations (
    token_hash        TEXT PRIMARY KEY,
    organisation_code TEXT NOT NULL REFERENCES organisations (code),
    created_at        TIMESTAMPTZ NOT NULL,
    expires_at        TIMESTAMPTZ NOT NULL,
    used_at           TIMESTAMPTZ
);

CREATE TABLE failed_attempts (
    key TEXT NOT NULL,
    at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX failed_attempts_key_at ON failed_attempts (key, at);
