-- One-time links with which someone chooses their own password (a new account made in the browser, or a reset).
-- Only the SHA-256 hash of the token is stored; a link works once, before it expires.
CREATE TABLE password_links (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
);
CREATE INDEX password_links_user ON password_links (user_id);
CREATE INDEX sessions_user ON sessions (user_id);
