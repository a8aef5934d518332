-- The same schema as the SQLite migration of the same number, in PostgreSQL types.
-- Keys and names compare as bytes (COLLATE "C"), as SQLite compares them, so that a search range and the order of a
-- page are the same on both backends whatever collation the database was created with.
CREATE TABLE organisation_search_keys (
    search_key TEXT COLLATE "C" NOT NULL,
    code       TEXT NOT NULL REFERENCES organisations (code) ON DELETE CASCADE,
    PRIMARY KEY (search_key, code)
);
CREATE INDEX organisation_search_keys_code ON organisation_search_keys (code);

ALTER TABLE organisations ALTER COLUMN name TYPE TEXT COLLATE "C";
CREATE INDEX organisations_listing ON organisations (kind DESC, name, code, valid_from, valid_to, province_code);
