-- The register of collaborations between municipalities: each with its members and areas, and its source: a
-- survey answer (the wave and organisation that gave it) or the monitor team (both empty). `revision` counts the
-- changes, so that an edit from an older page is refused instead of lost. A collaboration drawn from a simulated
-- wave is simulated itself.
CREATE TABLE collaborations (
    id                         INTEGER PRIMARY KEY,
    name                       TEXT NOT NULL CHECK (name <> ''),
    source_wave_id             TEXT REFERENCES waves (id),
    source_organisation_code   TEXT REFERENCES organisations (code),
    simulated                  INTEGER NOT NULL DEFAULT 0,
    revision                   INTEGER NOT NULL DEFAULT 1,
    created_at                 TEXT NOT NULL,
    updated_at                 TEXT NOT NULL,
    CHECK ((source_wave_id IS NULL) = (source_organisation_code IS NULL))
);

CREATE TABLE collaboration_members (
    collaboration_id  INTEGER NOT NULL REFERENCES collaborations (id),
    organisation_code TEXT NOT NULL REFERENCES organisations (code),
    PRIMARY KEY (collaboration_id, organisation_code)
);
CREATE INDEX collaboration_members_organisation ON collaboration_members (organisation_code);

CREATE TABLE collaboration_areas (
    collaboration_id INTEGER NOT NULL REFERENCES collaborations (id),
    area             TEXT NOT NULL CHECK (area IN ('techniek', 'processen-en-informatiemanagement', 'strategie-en-beleid')),
    PRIMARY KEY (collaboration_id, area)
);

-- The team's decision on a response's collaboration answer, for the revision of the response it read: a response
-- changed since (a higher revision) is reviewed again.
CREATE TABLE collaboration_reviews (
    wave_id           TEXT NOT NULL,
    organisation_code TEXT NOT NULL,
    revision          INTEGER NOT NULL,
    decision          TEXT NOT NULL CHECK (decision IN ('accepted', 'rejected')),
    decided_at        TEXT NOT NULL,
    PRIMARY KEY (wave_id, organisation_code),
    FOREIGN KEY (wave_id, organisation_code) REFERENCES responses (wave_id, organisation_code)
);
