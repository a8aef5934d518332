//! Knowledge-base articles: written and edited with a revision that every edit must name (an edit from an older
//! read is refused, not lost), each save with its audit entry, and found by Dutch full-text search over the
//! stems the domain makes: FTS5 ranked by bm25 on SQLite, a GIN-indexed tsvector ranked by ts_rank on PostgreSQL,
//! both with the title weighing more than the body.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use domain::audit::Author;
use domain::knowledge::{Article, ArticleText, SearchQuery};

use crate::audit::{as_json, audit_query};
use crate::connect::{Pool, now, with_pool};
use crate::{Conflict, Record, Store, StoreError, UniqueField};

/// At most this many articles answer one search.
pub const SEARCH_LIMIT: i64 = 50;

#[derive(sqlx::FromRow)]
struct ArticleRow {
    id: i64,
    slug: String,
    title: String,
    body: String,
    revision: i64,
    updated_at: DateTime<Utc>,
}

macro_rules! select_articles {
    ($rest:literal) => {
        concat!("SELECT id, slug, title, body, revision, updated_at FROM articles ", $rest)
    };
}

/// Writes an article's blocks, in the author's order, inside the transaction that writes the article.
macro_rules! insert_blocks {
    ($tx:expr, $id:expr, $blocks:expr) => {
        for (position, code) in $blocks.iter().enumerate() {
            sqlx::query("INSERT INTO article_blocks (article_id, block_code, position) VALUES ($1, $2, $3)")
                .bind($id)
                .bind(code)
                .bind(i64::try_from(position).unwrap_or(i64::MAX))
                .execute(&mut *$tx)
                .await?;
        }
    };
}

/// A unique slug refused by the database: two editors took the same slug at once.
fn slug_taken(error: sqlx::Error) -> StoreError {
    match StoreError::from(error) {
        StoreError::Conflict(_) => StoreError::Conflict(Conflict::Taken(UniqueField::ArticleSlug)),
        other => other,
    }
}

/// The title weighs this many times the body in SQLite's bm25, as weight A does against B in ts_rank.
const SQLITE_SEARCH: &str = "SELECT a.id, a.slug, a.title, a.body, a.revision, a.updated_at
    FROM article_search JOIN articles a ON a.id = article_search.rowid
    WHERE article_search MATCH $1
      AND ($2 IS NULL OR EXISTS (SELECT 1 FROM article_blocks b WHERE b.article_id = a.id AND b.block_code = $2))
    ORDER BY bm25(article_search, 10.0, 1.0), a.id
    LIMIT $3";

/// The indexed expression of migration 0006, repeated exactly so that the GIN index serves the query.
const POSTGRES_SEARCH: &str = "SELECT a.id, a.slug, a.title, a.body, a.revision, a.updated_at
    FROM articles a, to_tsquery('simple'::regconfig, $1) AS query
    WHERE (setweight(to_tsvector('simple'::regconfig, a.title_terms), 'A') || setweight(to_tsvector('simple'::regconfig, a.body_terms), 'B')) @@ query
      AND ($2::TEXT IS NULL OR EXISTS (SELECT 1 FROM article_blocks b WHERE b.article_id = a.id AND b.block_code = $2))
    ORDER BY ts_rank(setweight(to_tsvector('simple'::regconfig, a.title_terms), 'A') || setweight(to_tsvector('simple'::regconfig, a.body_terms), 'B'), query) DESC, a.id
    LIMIT $3";

/// The backend's query for the terms: only the domain's stems (letters and digits), each quoted for FTS5, so
/// nothing a user typed is read as query syntax. Any term may match; more matches rank higher.
fn match_expression(pool: &Pool, query: &SearchQuery) -> String {
    match pool {
        Pool::Sqlite(_) => query.terms().iter().map(|term| format!("\"{term}\"")).collect::<Vec<_>>().join(" OR "),
        Pool::Postgres(_) => query.terms().join(" | "),
    }
}

impl Store {
    /// Stores a new article at revision 1. A slug in use is `Conflict::Taken(UniqueField::ArticleSlug)`.
    pub async fn create_article(&self, text: &ArticleText, author: &Author) -> Result<Article, StoreError> {
        const INSERT: &str = "INSERT INTO articles (slug, title, body, revision, created_at, updated_at, title_terms, body_terms)
            VALUES ($1, $2, $3, 1, $4, $4, $5, $6) RETURNING id";
        if self.article_id(&text.slug).await?.is_some() {
            return Err(StoreError::Conflict(Conflict::Taken(UniqueField::ArticleSlug)));
        }
        let at = now();
        let terms = text.search_text();
        let change = author.change("article.create", text.slug.clone(), None, Some(as_json(text)));
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let inserted: Result<i64, sqlx::Error> = sqlx::query_scalar(INSERT)
                .bind(&text.slug)
                .bind(&text.title)
                .bind(&text.body)
                .bind(at)
                .bind(&terms.title)
                .bind(&terms.body)
                .fetch_one(&mut *tx)
                .await;
            let id = inserted.map_err(slug_taken)?;
            insert_blocks!(tx, id, text.blocks);
            audit_query!(change).execute(&mut *tx).await?;
            tx.commit().await
        })?;
        Ok(stored(text, 1, at))
    }

    /// Replaces the article now at `slug` with `text`, if it is still at revision `based_on`: an edit of an older
    /// revision is `Conflict::Stale(Record::Article)` and changes nothing. The slug may change; a new slug that
    /// another article has is `Conflict::Taken(UniqueField::ArticleSlug)`.
    pub async fn edit_article(&self, slug: &str, based_on: i64, text: &ArticleText, author: &Author) -> Result<Article, StoreError> {
        const UPDATE: &str = "UPDATE articles SET slug = $1, title = $2, body = $3, revision = revision + 1, updated_at = $4,
                title_terms = $5, body_terms = $6
            WHERE id = $7 AND revision = $8";
        let before = self.article(slug).await?;
        if before.revision != based_on {
            return Err(StoreError::Conflict(Conflict::Stale(Record::Article)));
        }
        if text.slug != slug && self.article_id(&text.slug).await?.is_some() {
            return Err(StoreError::Conflict(Conflict::Taken(UniqueField::ArticleSlug)));
        }
        let Some(id) = self.article_id(slug).await? else { return Err(StoreError::NotFound) };
        let at = now();
        let terms = text.search_text();
        let was = ArticleText {
            slug: before.slug.clone(),
            title: before.title.clone(),
            blocks: before.blocks.clone(),
            body: before.body.clone(),
        };
        let change = author.change("article.edit", slug.to_owned(), Some(as_json(&was)), Some(as_json(text)));
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let updated = sqlx::query(UPDATE)
                .bind(&text.slug)
                .bind(&text.title)
                .bind(&text.body)
                .bind(at)
                .bind(&terms.title)
                .bind(&terms.body)
                .bind(id)
                .bind(based_on)
                .execute(&mut *tx)
                .await
                .map_err(slug_taken)?;
            if updated.rows_affected() != 1 {
                return Err(StoreError::Conflict(Conflict::Stale(Record::Article)));
            }
            sqlx::query("DELETE FROM article_blocks WHERE article_id = $1").bind(id).execute(&mut *tx).await?;
            insert_blocks!(tx, id, text.blocks);
            audit_query!(change).execute(&mut *tx).await?;
            tx.commit().await
        })?;
        Ok(stored(text, based_on + 1, at))
    }

    async fn article_id(&self, slug: &str) -> Result<Option<i64>, StoreError> {
        const SQL: &str = "SELECT id FROM articles WHERE slug = $1";
        Ok(with_pool!(self, |pool| sqlx::query_scalar(SQL).bind(slug).fetch_optional(pool).await)?)
    }

    /// The article at `slug`, or `NotFound`.
    pub async fn article(&self, slug: &str) -> Result<Article, StoreError> {
        const SQL: &str = select_articles!("WHERE slug = $1");
        let row: Option<ArticleRow> = with_pool!(self, |pool| sqlx::query_as(SQL).bind(slug).fetch_optional(pool).await)?;
        self.with_blocks(row.into_iter().collect()).await?.into_iter().next().ok_or(StoreError::NotFound)
    }

    /// Every article, or those about `block`, in the order they were written.
    pub async fn articles(&self, block: Option<&str>) -> Result<Vec<Article>, StoreError> {
        const SQL: &str = select_articles!(
            "WHERE ($1 IS NULL OR EXISTS (SELECT 1 FROM article_blocks b WHERE b.article_id = articles.id AND b.block_code = $1)) ORDER BY id"
        );
        let rows: Vec<ArticleRow> = with_pool!(self, |pool| sqlx::query_as(SQL).bind(block).fetch_all(pool).await)?;
        self.with_blocks(rows).await
    }

    /// The articles that match `query`, best first (a match in the title above one in the body only), at most
    /// `SEARCH_LIMIT`; only those about `block` when given. A query without terms finds nothing.
    pub async fn search_articles(&self, query: &SearchQuery, block: Option<&str>) -> Result<Vec<Article>, StoreError> {
        if query.is_empty() {
            return Ok(Vec::new());
        }
        let expression = match_expression(&self.pool, query);
        let sql = match self.pool {
            Pool::Sqlite(_) => SQLITE_SEARCH,
            Pool::Postgres(_) => POSTGRES_SEARCH,
        };
        let rows: Vec<ArticleRow> =
            with_pool!(self, |pool| { sqlx::query_as(sql).bind(&expression).bind(block).bind(SEARCH_LIMIT).fetch_all(pool).await })?;
        self.with_blocks(rows).await
    }

    /// The rows as articles, each with its blocks in the author's order.
    async fn with_blocks(&self, rows: Vec<ArticleRow>) -> Result<Vec<Article>, StoreError> {
        const ONE: &str = "SELECT article_id, block_code FROM article_blocks WHERE article_id = $1 ORDER BY position";
        const ALL: &str = "SELECT article_id, block_code FROM article_blocks ORDER BY article_id, position";
        let pairs: Vec<(i64, String)> = match rows.as_slice() {
            [] => return Ok(Vec::new()),
            [only] => with_pool!(self, |pool| sqlx::query_as(ONE).bind(only.id).fetch_all(pool).await)?,
            // A knowledge base holds hundreds of articles, not millions: one read of all pairs beats one per row.
            _ => with_pool!(self, |pool| sqlx::query_as(ALL).fetch_all(pool).await)?,
        };
        let mut blocks: BTreeMap<i64, Vec<String>> = BTreeMap::new();
        for (id, code) in pairs {
            blocks.entry(id).or_default().push(code);
        }
        Ok(rows
            .into_iter()
            .map(|row| Article {
                blocks: blocks.remove(&row.id).unwrap_or_default(),
                slug: row.slug,
                title: row.title,
                body: row.body,
                revision: row.revision,
                updated_at: row.updated_at,
            })
            .collect())
    }
}

fn stored(text: &ArticleText, revision: i64, at: DateTime<Utc>) -> Article {
    Article {
        slug: text.slug.clone(),
        title: text.title.clone(),
        blocks: text.blocks.clone(),
        body: text.body.clone(),
        revision,
        updated_at: at,
    }
}
