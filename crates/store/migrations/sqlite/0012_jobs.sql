-- Work that outlives a request: a job is claimed by one process at a time for a lease that the process renews while
-- it works, so a job whose process died is taken over when its lease has run out.
CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL CHECK (kind IN ('wave_letters', 'meeting_letters')),
    wave_id     TEXT NOT NULL REFERENCES waves (id),
    state       TEXT NOT NULL CHECK (state IN ('waiting', 'running', 'done')),
    run_after   TEXT NOT NULL,
    claimed_by  TEXT,
    lease_until TEXT,
    pauses      INTEGER NOT NULL DEFAULT 0,
    note        TEXT NOT NULL DEFAULT '',
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX jobs_state ON jobs (state, run_after);
CREATE INDEX jobs_wave ON jobs (wave_id, id);

-- One row per letter a job sends. The idempotency key (wave, organisation, kind, round; for an invitation to a meeting
-- the proposal and the meeting too) is unique, and a letter is marked 'sending' before it is handed to the mail
-- server, so a letter whose sender died on the way is never sent again by itself: it is 'in_doubt' until the monitor
-- team decides. An invitation to a meeting is written when it is queued (subject, body); a fieldwork letter is
-- written when it is sent, because its personal link is made then and stored only as a hash.
CREATE TABLE letters (
    id                INTEGER PRIMARY KEY,
    job_id            INTEGER NOT NULL REFERENCES jobs (id),
    idempotency_key   TEXT NOT NULL UNIQUE,
    wave_id           TEXT NOT NULL REFERENCES waves (id),
    organisation_code TEXT NOT NULL REFERENCES organisations (code),
    kind              TEXT NOT NULL CHECK (kind IN ('invitation', 'reminder', 'meeting')),
    support_plan_id   INTEGER REFERENCES support_plans (id),
    meeting_number    INTEGER,
    round             INTEGER NOT NULL CHECK (round >= 1),
    recipient         TEXT NOT NULL,
    recipient_name    TEXT NOT NULL,
    subject           TEXT NOT NULL DEFAULT '',
    body              TEXT NOT NULL DEFAULT '',
    state             TEXT NOT NULL CHECK (state IN ('waiting', 'sending', 'sent', 'bounced', 'failed', 'in_doubt')),
    attempts          INTEGER NOT NULL DEFAULT 0,
    next_attempt_at   TEXT NOT NULL,
    detail            TEXT NOT NULL DEFAULT '',
    updated_at        TEXT NOT NULL,
    CHECK ((kind = 'meeting') = (support_plan_id IS NOT NULL AND meeting_number IS NOT NULL))
);
CREATE INDEX letters_job ON letters (job_id, state, next_attempt_at);
CREATE INDEX letters_wave ON letters (wave_id, organisation_code);
