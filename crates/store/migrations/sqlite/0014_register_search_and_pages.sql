-- Finding an organisation by the start of a word of its name or of its code (domain::register::search_keys): a
-- few keys per organisation in one sorted index, so a search is one range of it, even in a register of 100,000.
-- The store writes the keys with the organisation, and fills them for organisations stored before this migration.
CREATE TABLE organisation_search_keys (
    search_key TEXT NOT NULL,
    code       TEXT NOT NULL REFERENCES organisations (code) ON DELETE CASCADE,
    PRIMARY KEY (search_key, code)
);
CREATE INDEX organisation_search_keys_code ON organisation_search_keys (code);

-- A page of the register is read in its order (kind, then name) from this index, without sorting the register; it
-- holds what the filters ask too, so counting and skipping to a later page read the index only, not the table.
CREATE INDEX organisations_listing ON organisations (kind DESC, name, code, valid_from, valid_to, province_code);
