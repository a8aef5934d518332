-- The same schema as the SQLite migration of the same number, in PostgreSQL types.
CREATE TABLE articles (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    revision   BIGINT NOT NULL CHECK (revision >= 1),
    created_at TIMESTAMPTZ NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    title_terms TEXT NOT NULL,
    body_terms  TEXT NOT NULL
);

CREATE TABLE article_blocks (
    article_id BIGINT NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    block_code TEXT NOT NULL,
    position   BIGINT NOT NULL,
    PRIMARY KEY (article_id, block_code)
);
CREATE INDEX article_blocks_by_code ON article_blocks (block_code);

-- The full-text index over the stems: the 'simple' configuration adds no stemming of its own (the stems are the
-- domain's), and the title weighs as A against the body's B in ts_rank. Queries repeat this expression exactly,
-- so that the index is used.
CREATE INDEX articles_search ON articles USING GIN (
    (setweight(to_tsvector('simple'::regconfig, title_terms), 'A') || setweight(to_tsvector('simple'::regconfig, body_terms), 'B'))
);
