-- The same schema as the SQLite migration of the same number, in PostgreSQL types.
CREATE TABLE boundaries (
    year     BIGINT NOT NULL CHECK (year BETWEEN 1800 AND 2100),
    code     TEXT NOT NULL,
    geometry TEXT NOT NULL,
    PRIMARY KEY (year, code)
);
