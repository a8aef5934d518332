-- The same schema as the SQLite migration of the same number, in PostgreSQL types.
CREATE TABLE password_links (
    token_hash TEXT PRIMARY KEY,
    user_id    BIGINT NOT NULL REFERENCES users (id),
    created_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ
);
CREATE INDEX password_links_user ON password_links (user_id);
CREATE INDEX sessions_user ON sessions (user_id);
