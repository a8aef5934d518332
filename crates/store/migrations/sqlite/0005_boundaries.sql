-- Municipal boundaries, imported at run time (`inbeeld import boundaries`), one set per year of the division.
-- The geometry is JSON: a list of polygons, each a list of rings, each a list of [longitude, latitude] in WGS84
-- degrees. A code need not be in the register: a map of another year may name organisations it does not hold.
CREATE TABLE boundaries (
    year     INTEGER NOT NULL CHECK (year BETWEEN 1800 AND 2100),
    code     TEXT NOT NULL,
    geometry TEXT NOT NULL,
    PRIMARY KEY (year, code)
);
