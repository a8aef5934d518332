-- Dates are ISO-8601 text (YYYY-MM-DD), which sorts and compares as dates.
CREATE TABLE organisations (
    code          TEXT PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('gemeente', 'provincie')),
    name          TEXT NOT NULL,
    province_code TEXT,
    valid_from    TEXT NOT NULL,
    valid_to      TEXT CHECK (valid_to IS NULL OR valid_to > valid_from),
    centroid_lat  REAL,
    centroid_lon  REAL,
    area_km2      REAL
);
CREATE INDEX organisations_validity ON organisations (valid_from, valid_to);

CREATE TABLE successions (
    predecessor_code TEXT NOT NULL REFERENCES organisations (code) ON DELETE CASCADE,
    successor_code   TEXT NOT NULL REFERENCES organisations (code),
    position         INTEGER NOT NULL,
    PRIMARY KEY (predecessor_code, successor_code)
);
CREATE INDEX successions_successor ON successions (successor_code);

CREATE TABLE populations (
    code           TEXT NOT NULL REFERENCES organisations (code),
    reference_date TEXT NOT NULL,
    population     INTEGER NOT NULL CHECK (population >= 0),
    source         TEXT NOT NULL,
    PRIMARY KEY (code, reference_date)
);

CREATE TABLE catalogues (
    id             TEXT NOT NULL,
    version        TEXT NOT NULL,
    name           TEXT NOT NULL,
    description    TEXT NOT NULL,
    source         TEXT NOT NULL,
    reconstruction INTEGER NOT NULL,
    PRIMARY KEY (id, version)
);

CREATE TABLE catalogue_groups (
    catalogue_id      TEXT NOT NULL,
    catalogue_version TEXT NOT NULL,
    code              TEXT NOT NULL,
    name              TEXT NOT NULL,
    position          INTEGER NOT NULL,
    PRIMARY KEY (catalogue_id, catalogue_version, code),
    FOREIGN KEY (catalogue_id, catalogue_version) REFERENCES catalogues (id, version) ON DELETE CASCADE
);

CREATE TABLE building_blocks (
    catalogue_id      TEXT NOT NULL,
    catalogue_version TEXT NOT NULL,
    code              TEXT NOT NULL,
    group_code        TEXT NOT NULL,
    name              TEXT NOT NULL,
    description       TEXT NOT NULL,
    target_date       TEXT,
    position          INTEGER NOT NULL,
    PRIMARY KEY (catalogue_id, catalogue_version, code),
    FOREIGN KEY (catalogue_id, catalogue_version, group_code) REFERENCES catalogue_groups (catalogue_id, catalogue_version, code) ON DELETE CASCADE
);
CREATE INDEX building_blocks_code ON building_blocks (code);

CREATE TABLE block_dependencies (
    catalogue_id      TEXT NOT NULL,
    catalogue_version TEXT NOT NULL,
    block_code        TEXT NOT NULL,
    depends_on        TEXT NOT NULL,
    position          INTEGER NOT NULL,
    PRIMARY KEY (catalogue_id, catalogue_version, block_code, depends_on),
    FOREIGN KEY (catalogue_id, catalogue_version, block_code) REFERENCES building_blocks (catalogue_id, catalogue_version, code) ON DELETE CASCADE,
    FOREIGN KEY (catalogue_id, catalogue_version, depends_on) REFERENCES building_blocks (catalogue_id, catalogue_version, code) ON DELETE CASCADE
);
