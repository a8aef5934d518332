-- The same schema as the SQLite migration of the same number, in PostgreSQL types.
CREATE TABLE collaborations (
    id                         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                       TEXT NOT NULL CHECK (name <> ''),
    source_wave_id             TEXT REFERENCES waves (id),
    source_organisation_code   TEXT REFERENCES organisations (code),
    simulated                  BOOLEAN NOT NULL DEFAULT FALSE,
    revision                   BIGINT NOT NULL DEFAULT 1,
    created_at                 TIMESTAMPTZ NOT NULL,
    updated_at                 TIMESTAMPTZ NOT NULL,
    CHECK ((source_wave_id IS NULL) = (source_organisation_code IS NULL))
);

CREATE TABLE collaboration_members (
    collaboration_id  BIGINT NOT NULL REFERENCES collaborations (id),
    organisation_code TEXT NOT NULL REFERENCES organisations (code),
    PRIMARY KEY (collaboration_id, organisation_code)
);
CREATE INDEX collaboration_members_organisation ON collaboration_members (organisation_code);

CREATE TABLE collaboration_areas (
    collaboration_id BIGINT NOT NULL REFERENCES collaborations (id),
    area             TEXT NOT NULL CHECK (area IN ('techniek', 'processen-en-informatiemanagement', 'strategie-en-beleid')),
    PRIMARY KEY (collaboration_id, area)
);

CREATE TABLE collaboration_reviews (
    wave_id           TEXT NOT NULL,
    organisation_code TEXT NOT NULL,
    revision          BIGINT NOT NULL,
    decision          TEXT NOT NULL CHECK (decision IN ('accepted', 'rejected')),
    decided_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (wave_id, organisation_code),
    FOREIGN KEY (wave_id, organisation_code) REFERENCES responses (wave_id, organisation_code)
);
