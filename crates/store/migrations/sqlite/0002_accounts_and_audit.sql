-- Accounts and the audit log. Timestamps are ISO-8601 text in UTC.
CREATE TABLE users (
    id                INTEGER PRIMARY KEY,
    email             TEXT NOT NULL UNIQUE,
    role              TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'interviewer', 'respondent')),
    organisation_code TEXT REFERENCES organisations (code),
    password_hash     TEXT NOT NULL,
    disabled          INTEGER NOT NULL DEFAULT 0,
    created_at        TEXT NOT NULL,
    CHECK ((role = 'respondent') = (organisation_code IS NOT NULL))
);

-- Append-only: every change to the data is recorded here, in the same transaction as the change.
CREATE TABLE audit_log (
    id         INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    action     TEXT NOT NULL,
    target     TEXT NOT NULL,
    before     TEXT,
    after      TEXT,
    address    TEXT,
    request_id TEXT
);
CREATE INDEX audit_log_at ON audit_log (at);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
