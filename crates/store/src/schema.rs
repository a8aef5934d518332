//! The schema as the database itself describes it after the migrations, read from each backend's catalogue, for
//! the test that keeps the two migration trees alike (`tests/it/schema_parity.rs`). Types and defaults are given
//! as the backend names them; the test decides which names mean the same.

use std::collections::BTreeSet;

use sqlx::postgres::PgPool;
use sqlx::sqlite::SqlitePool;

use crate::connect::Pool;
use crate::{Store, StoreError};

/// Every ordinary table (less sqlx's own bookkeeping) and, apart, the virtual tables of SQLite (full-text
/// indexes, whose shadow tables are left out: they belong to the virtual table).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Schema {
    pub tables: Vec<Table>,
    pub virtual_tables: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Table {
    pub name: String,
    pub columns: Vec<Column>,
    /// In the key's order; empty when the table has none.
    pub primary_key: Vec<String>,
    /// Every index but the primary key's, including those that back a `UNIQUE` constraint.
    pub indexes: Vec<Index>,
    pub foreign_keys: Vec<ForeignKey>,
    pub checks: Vec<Check>,
    pub triggers: Vec<Trigger>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub name: String,
    /// The type as declared (SQLite) or as the catalogue names it (PostgreSQL), lower case.
    pub declared_type: String,
    pub nullable: bool,
    /// The default as the backend writes it back, if any.
    pub default: Option<String>,
    /// The database numbers new rows itself: SQLite's `INTEGER PRIMARY KEY` (the rowid), PostgreSQL's identity.
    pub numbered_by_database: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Index {
    pub name: String,
    /// In the index's order; an expression is given as `(expression)`.
    pub columns: Vec<String>,
    pub unique: bool,
    /// Only over the rows of a `WHERE` clause.
    pub partial: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ForeignKey {
    pub columns: Vec<String>,
    pub referenced_table: String,
    pub referenced_columns: Vec<String>,
    /// `NO ACTION`, `RESTRICT`, `CASCADE`, `SET NULL` or `SET DEFAULT`.
    pub on_update: String,
    pub on_delete: String,
}

/// A check constraint, and what can be compared of it whatever way the backend rewrites the expression:
/// the table's columns it names, its string literals and its numbers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    pub expression: String,
    pub columns: BTreeSet<String>,
    pub literals: BTreeSet<String>,
    pub numbers: BTreeSet<String>,
}

/// One event a trigger fires on: a trigger on `UPDATE OR DELETE` is two of these.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trigger {
    pub name: String,
    /// `BEFORE`, `AFTER` or `INSTEAD OF`.
    pub timing: String,
    /// `INSERT`, `UPDATE` or `DELETE`.
    pub event: String,
    /// `ROW` or `STATEMENT` (SQLite has row triggers only).
    pub orientation: String,
}

impl Store {
    /// The schema as it is now, tables sorted by name.
    pub async fn schema(&self) -> Result<Schema, StoreError> {
        let mut schema = match &self.pool {
            Pool::Sqlite(pool) => sqlite_schema(pool).await?,
            Pool::Postgres(pool) => postgres_schema(pool).await?,
        };
        schema.tables.sort_by(|a, b| a.name.cmp(&b.name));
        schema.virtual_tables.sort();
        Ok(schema)
    }
}

async fn sqlite_schema(pool: &SqlitePool) -> Result<Schema, StoreError> {
    let listed: Vec<(String, String, Option<String>)> = sqlx::query_as(
        "SELECT l.name, l.type, m.sql FROM pragma_table_list l LEFT JOIN sqlite_master m ON m.name = l.name
         WHERE l.schema = 'main' AND l.name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND l.name <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await?;
    let mut schema = Schema::default();
    for (name, kind, sql) in listed {
        match kind.as_str() {
            "table" => schema.tables.push(sqlite_table(pool, name, sql.as_deref().unwrap_or_default()).await?),
            "virtual" => schema.virtual_tables.push(name),
            _ => {} // a virtual table's shadow tables, and views
        }
    }
    Ok(schema)
}

async fn sqlite_table(pool: &SqlitePool, name: String, sql: &str) -> Result<Table, StoreError> {
    let info: Vec<(String, String, bool, Option<String>, i64)> =
        sqlx::query_as("SELECT name, type, \"notnull\", dflt_value, pk FROM pragma_table_info($1) ORDER BY cid")
            .bind(&name)
            .fetch_all(pool)
            .await?;
    let mut keyed: Vec<(i64, String)> = info.iter().filter(|c| c.4 > 0).map(|c| (c.4, c.0.clone())).collect();
    keyed.sort();
    let primary_key: Vec<String> = keyed.into_iter().map(|(_, column)| column).collect();
    let columns: Vec<Column> = info
        .into_iter()
        .map(|(column, declared_type, not_null, default, _)| {
            // Only a key of exactly one column declared `INTEGER` is the rowid, which SQLite numbers itself; it is
            // never NULL (a row that comes without gets the next number), whatever `notnull` says.
            let rowid = primary_key.len() == 1 && primary_key[0] == column && declared_type.eq_ignore_ascii_case("integer");
            Column {
                numbered_by_database: rowid,
                nullable: !not_null && !rowid,
                name: column,
                declared_type: declared_type.to_lowercase(),
                default,
            }
        })
        .collect();

    let listed: Vec<(String, bool, String, bool)> =
        sqlx::query_as("SELECT name, \"unique\", origin, partial FROM pragma_index_list($1)").bind(&name).fetch_all(pool).await?;
    let mut indexes = Vec::new();
    for (index, unique, origin, partial) in listed {
        if origin == "pk" {
            continue;
        }
        let indexed: Vec<(Option<String>,)> =
            sqlx::query_as("SELECT name FROM pragma_index_info($1) ORDER BY seqno").bind(&index).fetch_all(pool).await?;
        let columns = indexed.into_iter().map(|(column,)| column.unwrap_or_else(|| "(expression)".into())).collect();
        indexes.push(Index { name: index, columns, unique, partial });
    }

    let references: Vec<(i64, String, String, Option<String>, String, String)> =
        sqlx::query_as("SELECT id, \"table\", \"from\", \"to\", on_update, on_delete FROM pragma_foreign_key_list($1) ORDER BY id, seq")
            .bind(&name)
            .fetch_all(pool)
            .await?;
    let mut foreign_keys: Vec<(i64, ForeignKey)> = Vec::new();
    for (id, referenced_table, from, to, on_update, on_delete) in references {
        if foreign_keys.last().is_none_or(|(last, _)| *last != id) {
            let key = ForeignKey { columns: vec![], referenced_table, referenced_columns: vec![], on_update, on_delete };
            foreign_keys.push((id, key));
        }
        if let Some((_, key)) = foreign_keys.last_mut() {
            key.columns.push(from);
            // Without named columns the reference is to the other table's primary key, which the test then lacks.
            key.referenced_columns.push(to.unwrap_or_default());
        }
    }

    let column_names: BTreeSet<String> = columns.iter().map(|c| c.name.clone()).collect();
    let checks = sqlite_checks(sql).into_iter().map(|expression| check(expression, &column_names)).collect();

    let triggers: Vec<(String, String)> =
        sqlx::query_as("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = $1").bind(&name).fetch_all(pool).await?;
    let triggers = triggers.into_iter().map(|(trigger, sql)| sqlite_trigger(trigger, &sql)).collect::<Result<_, _>>()?;

    Ok(Table {
        name,
        columns,
        primary_key,
        indexes,
        foreign_keys: foreign_keys.into_iter().map(|(_, key)| key).collect(),
        checks,
        triggers,
    })
}

/// The expressions of the `CHECK` constraints in a `CREATE TABLE` statement (SQLite keeps no other record of
/// them), columns added later by `ALTER TABLE` included: SQLite appends those to the statement.
fn sqlite_checks(sql: &str) -> Vec<String> {
    let characters: Vec<char> = sql.chars().collect();
    let spanned = spanned_tokens(sql);
    let tokens: Vec<&Token> = spanned.iter().map(|(token, _)| token).collect();
    let mut checks = Vec::new();
    let mut position = 0;
    while position < tokens.len() {
        if matches!(tokens[position], Token::Word(word) if word.eq_ignore_ascii_case("check"))
            && tokens.get(position + 1) == Some(&&Token::Punctuation('('))
        {
            let mut depth = 0;
            let mut end = position + 1;
            while end < tokens.len() {
                match tokens[end] {
                    Token::Punctuation('(') => depth += 1,
                    Token::Punctuation(')') => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    _ => {}
                }
                end += 1;
            }
            let from = spanned[position + 1].1.start;
            let to = spanned[end.min(spanned.len() - 1)].1.end;
            checks.push(characters[from..to].iter().collect());
            position = end;
        }
        position += 1;
    }
    checks
}

/// When and on what a trigger fires, from its `CREATE TRIGGER` statement: the first timing word (`BEFORE` when
/// none is written, as SQLite takes it) and the event after it.
fn sqlite_trigger(name: String, sql: &str) -> Result<Trigger, StoreError> {
    let words: Vec<String> = tokens(sql)
        .into_iter()
        .filter_map(|token| match token {
            Token::Word(word) => Some(word.to_uppercase()),
            _ => None,
        })
        .collect();
    let event = words.iter().position(|word| ["INSERT", "UPDATE", "DELETE"].contains(&word.as_str()));
    let Some(event) = event else {
        return Err(StoreError::Corrupt(format!("trigger {name} fires on no INSERT, UPDATE or DELETE: {sql}")));
    };
    let timing = match words[..event].last().map(String::as_str) {
        Some("AFTER") => "AFTER",
        Some("OF") => "INSTEAD OF",
        _ => "BEFORE",
    };
    Ok(Trigger { name, timing: timing.into(), event: words[event].clone(), orientation: "ROW".into() })
}

async fn postgres_schema(pool: &PgPool) -> Result<Schema, StoreError> {
    let names: Vec<(String,)> = sqlx::query_as(
        "SELECT table_name::TEXT FROM information_schema.tables
         WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await?;
    let mut schema = Schema::default();
    for (name,) in names {
        schema.tables.push(postgres_table(pool, name).await?);
    }
    Ok(schema)
}

/// The columns of a constraint's or index's key (`$KEY`, an `int2[]` of `pg_attribute` numbers of relation
/// `$RELATION`) by name, in the key's order; an expression (number 0) as `(expression)`.
macro_rules! key_columns {
    ($key:literal, $relation:literal) => {
        concat!(
            "ARRAY(SELECT COALESCE(a.attname::TEXT, '(expression)') FROM unnest(",
            $key,
            ") WITH ORDINALITY AS k(number, position) LEFT JOIN pg_attribute a ON a.attrelid = ",
            $relation,
            " AND a.attnum = k.number ORDER BY k.position)"
        )
    };
}

/// What PostgreSQL's one-letter codes of a foreign key's actions mean, in the words SQLite uses.
macro_rules! action {
    ($code:literal) => {
        concat!(
            "CASE ",
            $code,
            " WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT' WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' ELSE 'SET DEFAULT' END"
        )
    };
}

/// A foreign key as PostgreSQL's catalogue gives it: the referenced table, the columns, the referenced columns,
/// and the actions on update and on delete.
type PostgresForeignKey = (String, Vec<String>, Vec<String>, String, String);

async fn postgres_table(pool: &PgPool, name: String) -> Result<Table, StoreError> {
    let columns: Vec<(String, String, String, Option<String>, String)> = sqlx::query_as(
        "SELECT column_name::TEXT, data_type::TEXT, is_nullable::TEXT, column_default::TEXT, is_identity::TEXT
         FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
    )
    .bind(&name)
    .fetch_all(pool)
    .await?;
    let columns: Vec<Column> = columns
        .into_iter()
        .map(|(column, declared_type, nullable, default, identity)| Column {
            numbered_by_database: identity == "YES" || default.as_deref().is_some_and(|d| d.starts_with("nextval(")),
            name: column,
            declared_type: declared_type.to_lowercase(),
            nullable: nullable == "YES",
            default,
        })
        .collect();

    let constraints: Vec<(String, Vec<String>, String)> = sqlx::query_as(concat!(
        "SELECT c.contype::TEXT, ",
        key_columns!("c.conkey", "c.conrelid"),
        ", pg_get_constraintdef(c.oid) FROM pg_constraint c WHERE c.conrelid = (current_schema() || '.' || $1)::regclass
         AND c.contype IN ('p', 'c') ORDER BY c.conname"
    ))
    .bind(&name)
    .fetch_all(pool)
    .await?;
    let column_names: BTreeSet<String> = columns.iter().map(|c| c.name.clone()).collect();
    let mut primary_key = Vec::new();
    let mut checks = Vec::new();
    for (kind, key, definition) in constraints {
        if kind == "p" {
            primary_key = key;
        } else {
            checks.push(check(definition.trim_start_matches("CHECK").trim().to_owned(), &column_names));
        }
    }

    let indexes: Vec<(String, Vec<String>, bool, bool)> = sqlx::query_as(concat!(
        "SELECT i.relname::TEXT, ",
        key_columns!("x.indkey::int2[]", "x.indrelid"),
        ", x.indisunique, x.indpred IS NOT NULL FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
         WHERE x.indrelid = (current_schema() || '.' || $1)::regclass AND NOT x.indisprimary"
    ))
    .bind(&name)
    .fetch_all(pool)
    .await?;
    let indexes = indexes.into_iter().map(|(name, columns, unique, partial)| Index { name, columns, unique, partial }).collect();

    let foreign_keys: Vec<PostgresForeignKey> = sqlx::query_as(concat!(
        "SELECT f.relname::TEXT, ",
        key_columns!("c.conkey", "c.conrelid"),
        ", ",
        key_columns!("c.confkey", "c.confrelid"),
        ", ",
        action!("c.confupdtype"),
        ", ",
        action!("c.confdeltype"),
        " FROM pg_constraint c JOIN pg_class f ON f.oid = c.confrelid
         WHERE c.conrelid = (current_schema() || '.' || $1)::regclass AND c.contype = 'f'"
    ))
    .bind(&name)
    .fetch_all(pool)
    .await?;
    let foreign_keys = foreign_keys
        .into_iter()
        .map(|(referenced_table, columns, referenced_columns, on_update, on_delete)| ForeignKey {
            columns,
            referenced_table,
            referenced_columns,
            on_update,
            on_delete,
        })
        .collect();

    let triggers: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT trigger_name::TEXT, action_timing::TEXT, event_manipulation::TEXT, action_orientation::TEXT
         FROM information_schema.triggers WHERE event_object_schema = current_schema() AND event_object_table = $1",
    )
    .bind(&name)
    .fetch_all(pool)
    .await?;
    let triggers = triggers.into_iter().map(|(name, timing, event, orientation)| Trigger { name, timing, event, orientation }).collect();

    Ok(Table { name, columns, primary_key, indexes, foreign_keys, checks, triggers })
}

/// What both backends keep of a check however they rewrite it (PostgreSQL makes `IN (...)` into `= ANY
/// (ARRAY[...])` and `BETWEEN` into two comparisons, and adds casts).
fn check(expression: String, columns: &BTreeSet<String>) -> Check {
    let mut check = Check { columns: BTreeSet::new(), literals: BTreeSet::new(), numbers: BTreeSet::new(), expression };
    for token in tokens(&check.expression) {
        match token {
            Token::Word(word) if columns.contains(&word.to_lowercase()) => {
                check.columns.insert(word.to_lowercase());
            }
            Token::Text(text) => {
                check.literals.insert(text);
            }
            Token::Number(number) => {
                check.numbers.insert(number);
            }
            _ => {}
        }
    }
    check
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Token {
    /// A keyword or identifier, quoted or not.
    Word(String),
    /// A string literal, without its quotes.
    Text(String),
    Number(String),
    Punctuation(char),
}

/// SQL as words, literals, numbers and punctuation, without comments and white space: enough to find a
/// constraint or a trigger's event, not a parser.
fn tokens(sql: &str) -> Vec<Token> {
    spanned_tokens(sql).into_iter().map(|(token, _)| token).collect()
}

/// The tokens with where each is in the text, in characters.
fn spanned_tokens(sql: &str) -> Vec<(Token, std::ops::Range<usize>)> {
    let characters: Vec<char> = sql.chars().collect();
    let mut tokens = Vec::new();
    let mut position = 0;
    let until = |from: usize, end: &dyn Fn(usize) -> bool| (from..characters.len()).find(|&p| end(p)).unwrap_or(characters.len());
    while position < characters.len() {
        let current = characters[position];
        let next = characters.get(position + 1).copied();
        if current.is_whitespace() {
            position += 1;
        } else if current == '-' && next == Some('-') {
            position = until(position, &|p| characters[p] == '\n');
        } else if current == '/' && next == Some('*') {
            position = until(position + 2, &|p| characters[p] == '*' && characters.get(p + 1) == Some(&'/')) + 2;
        } else if ['\'', '"', '`'].contains(&current) {
            // Not SQLite's `[name]`: PostgreSQL writes arrays as `ARRAY[...]`, and the migrations quote no name so.
            let close = current;
            let start = position;
            let mut text = String::new();
            position += 1;
            while position < characters.len() {
                if characters[position] == close {
                    // A doubled quote is the quote itself.
                    if characters.get(position + 1) == Some(&close) {
                        text.push(close);
                        position += 2;
                        continue;
                    }
                    break;
                }
                text.push(characters[position]);
                position += 1;
            }
            tokens.push((if current == '\'' { Token::Text(text) } else { Token::Word(text) }, start..position + 1));
            position += 1;
        } else if current.is_alphabetic() || current == '_' {
            let end = until(position, &|p| !(characters[p].is_alphanumeric() || characters[p] == '_' || characters[p] == '$'));
            tokens.push((Token::Word(characters[position..end].iter().collect()), position..end));
            position = end;
        } else if current.is_ascii_digit() {
            let end = until(position, &|p| !(characters[p].is_ascii_digit() || characters[p] == '.'));
            tokens.push((Token::Number(characters[position..end].iter().collect()), position..end));
            position = end;
        } else {
            tokens.push((Token::Punctuation(current), position..position + 1));
            position += 1;
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_are_found_in_a_create_statement_whatever_their_nesting() {
        let sql = "CREATE TABLE t (kind TEXT CHECK (kind IN ('a', 'it''s')), n INTEGER, -- CHECK (in a comment)
            CHECK ((n >= 1) = (kind = 'a')))";
        assert_eq!(sqlite_checks(sql), ["(kind IN ('a', 'it''s'))", "((n >= 1) = (kind = 'a'))"]);
        let columns = BTreeSet::from(["kind".to_owned(), "n".to_owned()]);
        let second = check(sqlite_checks(sql)[1].clone(), &columns);
        assert_eq!(second.columns, columns);
        assert_eq!(second.literals, BTreeSet::from(["a".to_owned()]));
        assert_eq!(second.numbers, BTreeSet::from(["1".to_owned()]));
    }

    #[test]
    fn a_postgres_rewrite_keeps_what_is_compared() {
        let columns = BTreeSet::from(["kind".to_owned(), "area_km2".to_owned()]);
        let rewritten = check("((kind = ANY (ARRAY['gemeente'::text, 'provincie'::text])))".into(), &columns);
        let written = check(sqlite_checks("CREATE TABLE x (kind TEXT CHECK (kind IN ('gemeente', 'provincie')))")[0].clone(), &columns);
        assert_eq!((rewritten.columns, rewritten.literals, rewritten.numbers), (written.columns, written.literals, written.numbers));
        assert!(check("(area_km2 > 0)".into(), &columns).numbers.contains("0"), "a digit inside a name is no number");
        assert_eq!(check("(area_km2 > 0)".into(), &columns).numbers.len(), 1);
    }

    #[test]
    fn a_trigger_fires_when_its_statement_says() {
        let trigger = |sql| sqlite_trigger("t".into(), sql).map(|t| (t.timing, t.event));
        assert_eq!(trigger("CREATE TRIGGER t AFTER UPDATE OF a ON x BEGIN SELECT 1; END").unwrap(), ("AFTER".into(), "UPDATE".into()));
        assert_eq!(trigger("CREATE TRIGGER t DELETE ON x BEGIN SELECT 1; END").unwrap(), ("BEFORE".into(), "DELETE".into()));
        assert_eq!(trigger("CREATE TRIGGER t INSTEAD OF INSERT ON v BEGIN SELECT 1; END").unwrap(), ("INSTEAD OF".into(), "INSERT".into()));
    }
}
