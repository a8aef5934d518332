-- Fieldwork: questionnaires, waves, responses, contact addresses and the mail sent. Dates are ISO-8601 text,
-- timestamps ISO-8601 text in UTC.

-- Every imported questionnaire text is kept: a version is never changed once stored, because answers refer to it.
CREATE TABLE questionnaires (
    id            TEXT NOT NULL,
    version       INTEGER NOT NULL CHECK (version >= 1),
    file_version  TEXT NOT NULL,
    title         TEXT NOT NULL,
    source        TEXT NOT NULL,
    source_sha256 TEXT NOT NULL,
    imported_at   TEXT NOT NULL,
    PRIMARY KEY (id, version)
);

CREATE TABLE waves (
    id                    TEXT PRIMARY KEY,
    title                 TEXT NOT NULL,
    catalogue_id          TEXT NOT NULL,
    catalogue_version     TEXT NOT NULL,
    questionnaire_id      TEXT NOT NULL,
    questionnaire_version INTEGER NOT NULL,
    opens_on              TEXT NOT NULL,
    closes_on             TEXT NOT NULL CHECK (closes_on >= opens_on),
    state                 TEXT NOT NULL CHECK (state IN ('draft', 'open', 'closed', 'published')),
    simulated             INTEGER NOT NULL DEFAULT 0,
    created_at            TEXT NOT NULL,
    FOREIGN KEY (catalogue_id, catalogue_version) REFERENCES catalogues (id, version),
    FOREIGN KEY (questionnaire_id, questionnaire_version) REFERENCES questionnaires (id, version)
);

-- One response per organisation and wave, answered online or entered from an interview.
CREATE TABLE responses (
    wave_id               TEXT NOT NULL REFERENCES waves (id),
    organisation_code     TEXT NOT NULL REFERENCES organisations (code),
    questionnaire_id      TEXT NOT NULL,
    questionnaire_version INTEGER NOT NULL,
    answers               TEXT NOT NULL,
    state                 TEXT NOT NULL CHECK (state IN ('draft', 'submitted')),
    mode                  TEXT NOT NULL CHECK (mode IN ('online', 'interview')),
    interview_date        TEXT,
    interviewees          TEXT,
    started_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    submitted_at          TEXT,
    revision              INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (wave_id, organisation_code),
    FOREIGN KEY (questionnaire_id, questionnaire_version) REFERENCES questionnaires (id, version),
    CHECK ((state = 'submitted') = (submitted_at IS NOT NULL)),
    CHECK ((mode = 'interview') = (interview_date IS NOT NULL))
);

-- Where the invitation of an organisation goes.
CREATE TABLE contacts (
    organisation_code TEXT PRIMARY KEY REFERENCES organisations (code),
    name              TEXT NOT NULL,
    email             TEXT NOT NULL,
    updated_at        TEXT NOT NULL
);

-- Every invitation and reminder, whether it went out or not: a failure is kept, never lost.
CREATE TABLE messages (
    id                INTEGER PRIMARY KEY,
    wave_id           TEXT NOT NULL REFERENCES waves (id),
    organisation_code TEXT NOT NULL REFERENCES organisations (code),
    kind              TEXT NOT NULL CHECK (kind IN ('invitation', 'reminder')),
    recipient         TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('sent', 'failed', 'bounced')),
    detail            TEXT NOT NULL,
    at                TEXT NOT NULL
);
CREATE INDEX messages_wave_organisation ON messages (wave_id, organisation_code, at);

-- A fieldwork link may be used again until it expires, because a respondent answers over several sittings.
ALTER TABLE invitations ADD COLUMN wave_id TEXT REFERENCES waves (id);
ALTER TABLE invitations ADD COLUMN reusable INTEGER NOT NULL DEFAULT 0;
