-- Support planning: proposals of regional meetings (their settings, wave, author and revision), their meetings
-- and invitees, the requests they leave uncovered with the reason, and every invitation sent for them.
-- The same schema as the SQLite migration of the same number, in PostgreSQL types.

CREATE TABLE support_plans (
    id                  BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    wave_id             TEXT NOT NULL REFERENCES waves (id),
    grouping_kind       TEXT NOT NULL CHECK (grouping_kind IN ('region', 'distance')),
    meetings_per_region BIGINT CHECK (meetings_per_region >= 1),
    max_km              DOUBLE PRECISION CHECK (max_km > 0),
    group_size          BIGINT NOT NULL CHECK (group_size >= 2),
    support_form        TEXT NOT NULL,
    author              TEXT NOT NULL,
    created_at          TIMESTAMPTZ NOT NULL,
    revision            BIGINT NOT NULL DEFAULT 1,
    CHECK ((grouping_kind = 'region') = (meetings_per_region IS NOT NULL)),
    CHECK ((grouping_kind = 'distance') = (max_km IS NOT NULL))
);
CREATE INDEX support_plans_wave ON support_plans (wave_id, id);

CREATE TABLE support_meetings (
    plan_id       BIGINT NOT NULL REFERENCES support_plans (id),
    number        BIGINT NOT NULL CHECK (number >= 1),
    block_code    TEXT NOT NULL,
    province_code TEXT REFERENCES organisations (code),
    host_code     TEXT NOT NULL REFERENCES organisations (code),
    PRIMARY KEY (plan_id, number)
);

CREATE TABLE support_invitees (
    plan_id           BIGINT NOT NULL,
    meeting_number    BIGINT NOT NULL,
    organisation_code TEXT NOT NULL REFERENCES organisations (code),
    distance_km       DOUBLE PRECISION,
    PRIMARY KEY (plan_id, meeting_number, organisation_code),
    FOREIGN KEY (plan_id, meeting_number) REFERENCES support_meetings (plan_id, number)
);

CREATE TABLE support_uncovered (
    plan_id           BIGINT NOT NULL REFERENCES support_plans (id),
    organisation_code TEXT NOT NULL REFERENCES organisations (code),
    block_code        TEXT NOT NULL,
    reason            TEXT NOT NULL,
    PRIMARY KEY (plan_id, block_code, organisation_code)
);

-- Every invitation to a meeting that was tried, and every invitee that had no address: an outcome is kept,
-- never lost, and an invitation that went is not sent again.
CREATE TABLE support_messages (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    plan_id           BIGINT NOT NULL REFERENCES support_plans (id),
    meeting_number    BIGINT NOT NULL,
    organisation_code TEXT NOT NULL REFERENCES organisations (code),
    recipient         TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('sent', 'failed', 'bounced', 'no_address')),
    detail            TEXT NOT NULL,
    at                TIMESTAMPTZ NOT NULL
);
CREATE INDEX support_messages_plan ON support_messages (plan_id, meeting_number, organisation_code);
