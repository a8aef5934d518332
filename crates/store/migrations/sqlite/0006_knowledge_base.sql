-- The knowledge base: articles in Markdown, each about some building blocks (by code, as the catalogues name
-- them). `title_terms` and `body_terms` hold the Dutch stems of the title and the body's words, made by the
-- domain (`knowledge::indexed_text`), so that both databases search the same words the same way.
CREATE TABLE articles (
    id         INTEGER PRIMARY KEY,
    slug       TEXT NOT NULL UNIQUE,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    revision   INTEGER NOT NULL CHECK (revision >= 1),
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    title_terms TEXT NOT NULL,
    body_terms  TEXT NOT NULL
);

CREATE TABLE article_blocks (
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    block_code TEXT NOT NULL,
    position   INTEGER NOT NULL,
    PRIMARY KEY (article_id, block_code)
);
CREATE INDEX article_blocks_by_code ON article_blocks (block_code);

-- The full-text index (FTS5, ranked with bm25) over the stems, kept in step with `articles` by the triggers.
-- PostgreSQL has a GIN index over the same stems instead.
CREATE VIRTUAL TABLE article_search USING fts5 (title_terms, body_terms, content = 'articles', content_rowid = 'id');

CREATE TRIGGER articles_search_insert AFTER INSERT ON articles
BEGIN
    INSERT INTO article_search (rowid, title_terms, body_terms) VALUES (new.id, new.title_terms, new.body_terms);
END;

CREATE TRIGGER articles_search_delete AFTER DELETE ON articles
BEGIN
    INSERT INTO article_search (article_search, rowid, title_terms, body_terms)
        VALUES ('delete', old.id, old.title_terms, old.body_terms);
END;

CREATE TRIGGER articles_search_update AFTER UPDATE ON articles
BEGIN
    INSERT INTO article_search (article_search, rowid, title_terms, body_terms)
        VALUES ('delete', old.id, old.title_terms, old.body_terms);
    INSERT INTO article_search (rowid, title_terms, body_terms) VALUES (new.id, new.title_terms, new.body_terms);
END;
