-- Server-side sessions, invitation links and failed attempts. Secrets are stored only as SHA-256 hashes.
CREATE TABLE sessions (
    id_hash           TEXT PRIMARY KEY,
    user_id           INTEGER REFERENCES users (id),
    organisation_code TEXT REFERENCES organisations (code),
    created_at        TEXT NOT NULL,
    last_seen_at      TEXT NOT NULL,
    CHECK ((user_id IS NULL) <> (organisation_code IS NULL))
);

CREATE TABLE invitations (
    token_hash        TEXT PRIMARY KEY,
    organisation_code TEXT NOT NULL REFERENCES organisations (code),
    created_at        TEXT NOT NULL,
    expires_at        TEXT NOT NULL,
    used_at           TEXT
);

CREATE TABLE failed_attempts (
    key TEXT NOT NULL,
    at  TEXT NOT NULL
);
CREATE INDEX failed_attempts_key_at ON failed_attempts (key, at);
