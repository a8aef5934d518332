//! The two migration trees must build the same schema: per table the same columns with the same types,
//! nullability and defaults, the same primary key, unique constraints and indexes, foreign keys, checks and
//! triggers. Each backend describes its schema (`Store::schema`); here both descriptions are written as lines in
//! one vocabulary and compared, less the differences listed in `ACCEPTED` with their reasons.

use std::collections::BTreeSet;

use inbeeld_store::schema::{Column, Schema};
use inbeeld_store::testing::fresh;
use inbeeld_store::{Backend, Store};

/// A difference between the schemas that is known and accepted: the line as `lines` writes it, on the one backend
/// that has it, and why it stays.
struct Accepted {
    only_on: Backend,
    line: &'static str,
    why: &'static str,
}

const FULL_TEXT: &str = "the knowledge base's full-text index is an FTS5 virtual table on SQLite, kept in step with `articles` by \
                         triggers, and a GIN index over the same stems on PostgreSQL (migrations 0006)";

const NULL_KEY: &str = "SQLite lets a PRIMARY KEY column that is not the rowid hold NULL unless it says NOT NULL (a quirk it \
                        keeps for old databases), and these keys do not say so. The store never writes NULL there: every \
                        key is bound from a non-optional value. Adding NOT NULL means rebuilding the tables with foreign \
                        keys switched off outside a transaction (organisations and waves are referenced by most others), \
                        a risk to live data for a NULL nothing can write";

const ACCEPTED: &[Accepted] = &[
    Accepted { only_on: Backend::Postgres, line: "organisations.code: text not null", why: NULL_KEY },
    Accepted { only_on: Backend::Sqlite, line: "organisations.code: text", why: NULL_KEY },
    Accepted { only_on: Backend::Postgres, line: "waves.id: text not null", why: NULL_KEY },
    Accepted { only_on: Backend::Sqlite, line: "waves.id: text", why: NULL_KEY },
    Accepted { only_on: Backend::Postgres, line: "sessions.id_hash: text not null", why: NULL_KEY },
    Accepted { only_on: Backend::Sqlite, line: "sessions.id_hash: text", why: NULL_KEY },
    Accepted { only_on: Backend::Postgres, line: "invitations.token_hash: text not null", why: NULL_KEY },
    Accepted { only_on: Backend::Sqlite, line: "invitations.token_hash: text", why: NULL_KEY },
    Accepted { only_on: Backend::Postgres, line: "password_links.token_hash: text not null", why: NULL_KEY },
    Accepted { only_on: Backend::Sqlite, line: "password_links.token_hash: text", why: NULL_KEY },
    Accepted { only_on: Backend::Postgres, line: "contacts.organisation_code: text not null", why: NULL_KEY },
    Accepted { only_on: Backend::Sqlite, line: "contacts.organisation_code: text", why: NULL_KEY },
    Accepted { only_on: Backend::Sqlite, line: "virtual table article_search", why: FULL_TEXT },
    Accepted { only_on: Backend::Sqlite, line: "articles: trigger AFTER INSERT for each ROW", why: FULL_TEXT },
    Accepted { only_on: Backend::Sqlite, line: "articles: trigger AFTER UPDATE for each ROW", why: FULL_TEXT },
    Accepted { only_on: Backend::Sqlite, line: "articles: trigger AFTER DELETE for each ROW", why: FULL_TEXT },
    Accepted { only_on: Backend::Postgres, line: "articles: index ((expression))", why: FULL_TEXT },
];

/// The type of a SQLite column as SQLite itself decides it: by the affinity rules of its declared type
/// (<https://www.sqlite.org/datatype3.html>, "Determination Of Column Affinity"). SQLite has no other types, so
/// these five are the vocabulary both backends are compared in.
fn sqlite_type(declared: &str) -> &'static str {
    let declared = declared.to_uppercase();
    if declared.contains("INT") {
        "integer"
    } else if ["CHAR", "CLOB", "TEXT"].iter().any(|name| declared.contains(name)) {
        "text"
    } else if declared.is_empty() || declared.contains("BLOB") {
        "blob"
    } else if ["REAL", "FLOA", "DOUB"].iter().any(|name| declared.contains(name)) {
        "real"
    } else {
        "numeric"
    }
}

/// A PostgreSQL type as the SQLite type of the same value as the store writes it. Only the types the store can
/// use on both backends are here; another panics, so that adding one is a decision with its reason.
fn postgres_type(declared: &str) -> &'static str {
    match declared {
        // The store reads every whole number as i64, which sqlx decodes from BIGINT only: an INTEGER (int4) or
        // SMALLINT column would fail when read, so they are not in this list.
        "bigint" => "integer",
        // SQLite has no boolean; sqlx writes a bool to it as 0 or 1.
        "boolean" => "integer",
        // f64; PostgreSQL's REAL is f32, which the store does not use.
        "double precision" => "real",
        "text" | "character varying" => "text",
        // SQLite has no date or time: chrono's NaiveDate and DateTime<Utc> are written as ISO-8601 text, which
        // sorts and compares as the dates do (a timestamp in UTC, so without a zone that could differ).
        "date" | "timestamp with time zone" => "text",
        "bytea" => "blob",
        other => panic!("PostgreSQL type {other:?} has no SQLite counterpart here: add it to postgres_type, with why it is the same"),
    }
}

/// A default as both write it: without PostgreSQL's casts (`'x'::text`), and a boolean as the 0 or 1 SQLite keeps.
fn default(written: &str) -> String {
    let without_cast = written.split("::").next().unwrap_or(written).trim().to_lowercase();
    match without_cast.as_str() {
        "false" => "0".into(),
        "true" => "1".into(),
        _ => without_cast,
    }
}

fn column_line(table: &str, column: &Column, backend: Backend) -> String {
    let kind = match backend {
        Backend::Sqlite => sqlite_type(&column.declared_type),
        Backend::Postgres => postgres_type(&column.declared_type),
    };
    let mut line = format!("{table}.{}: {kind}", column.name);
    if !column.nullable {
        line.push_str(" not null");
    }
    if let Some(written) = &column.default {
        line.push_str(&format!(" default {}", default(written)));
    }
    if column.numbered_by_database {
        line.push_str(" numbered by the database");
    }
    line
}

/// The schema as lines in one vocabulary: the same lines on both backends mean the same schema.
fn lines(schema: &Schema, backend: Backend) -> BTreeSet<String> {
    let mut lines: BTreeSet<String> = schema.virtual_tables.iter().map(|name| format!("virtual table {name}")).collect();
    for table in &schema.tables {
        let name = &table.name;
        lines.insert(format!("table {name}"));
        lines.extend(table.columns.iter().map(|column| column_line(name, column, backend)));
        if !table.primary_key.is_empty() {
            lines.insert(format!("{name}: primary key ({})", table.primary_key.join(", ")));
        }
        for index in &table.indexes {
            // By columns, not by name: a UNIQUE constraint's index has a name each backend makes up.
            let unique = if index.unique { "unique " } else { "" };
            let partial = if index.partial { " partial" } else { "" };
            lines.insert(format!("{name}: {unique}index ({}){partial}", index.columns.join(", ")));
        }
        for key in &table.foreign_keys {
            lines.insert(format!(
                "{name}: foreign key ({}) references {} ({}) on update {} on delete {}",
                key.columns.join(", "),
                key.referenced_table,
                key.referenced_columns.join(", "),
                key.on_update,
                key.on_delete
            ));
        }
        for check in &table.checks {
            let list = |set: &BTreeSet<String>| set.iter().cloned().collect::<Vec<_>>().join(", ");
            lines.insert(format!(
                "{name}: check on ({}) with literals [{}] and numbers [{}]",
                list(&check.columns),
                list(&check.literals),
                list(&check.numbers)
            ));
        }
        for trigger in &table.triggers {
            // By when it fires, not by name: PostgreSQL has one trigger for what SQLite needs two for.
            lines.insert(format!("{name}: trigger {} {} for each {}", trigger.timing, trigger.event, trigger.orientation));
        }
    }
    lines
}

/// What differs between the two schemas beyond `ACCEPTED`, one line each; empty when they are alike. Also
/// what `ACCEPTED` lists that is no longer so, so that the list stays true.
async fn differences(sqlite: &Store, postgres: &Store) -> Vec<String> {
    let mut on_sqlite = lines(&sqlite.schema().await.unwrap(), Backend::Sqlite);
    let mut on_postgres = lines(&postgres.schema().await.unwrap(), Backend::Postgres);
    let mut differences = Vec::new();
    for accepted in ACCEPTED {
        let (own, other) = match accepted.only_on {
            Backend::Sqlite => (&mut on_sqlite, &mut on_postgres),
            Backend::Postgres => (&mut on_postgres, &mut on_sqlite),
        };
        if !own.remove(accepted.line) || other.remove(accepted.line) {
            differences.push(format!(
                "listed as only on {}, but it is not: {} (listed because {})",
                accepted.only_on.name(),
                accepted.line,
                accepted.why
            ));
        }
    }
    differences.extend(on_sqlite.difference(&on_postgres).map(|line| format!("only on sqlite: {line}")));
    differences.extend(on_postgres.difference(&on_sqlite).map(|line| format!("only on postgres: {line}")));
    differences
}

#[tokio::test]
async fn sqlite_and_postgres_build_the_same_schema() {
    let (sqlite, _a) = fresh(Backend::Sqlite).await.unwrap();
    let (postgres, _b) = fresh(Backend::Postgres).await.unwrap();
    let on_sqlite = lines(&sqlite.schema().await.unwrap(), Backend::Sqlite);
    for expected in [
        "organisations.valid_from: text not null",
        "users.id: integer not null numbered by the database",
        "users.disabled: integer not null default 0",
        "users: unique index (email)",
        "successions: foreign key (predecessor_code) references organisations (code) on update NO ACTION on delete CASCADE",
        "boundaries: check on (year) with literals [] and numbers [1800, 2100]",
        "audit_log: trigger BEFORE DELETE for each ROW",
    ] {
        assert!(on_sqlite.contains(expected), "the description reads what it should: {expected}\n{on_sqlite:#?}");
    }
    let differences = differences(&sqlite, &postgres).await;
    assert!(differences.is_empty(), "the migrations of the two backends differ:\n{}", differences.join("\n"));
}

#[tokio::test]
async fn a_change_on_one_side_only_is_found() {
    let (sqlite, _a) = fresh(Backend::Sqlite).await.unwrap();
    let (postgres, _b) = fresh(Backend::Postgres).await.unwrap();
    for statement in [
        "ALTER TABLE users ADD COLUMN nickname TEXT",
        "ALTER TABLE users ADD COLUMN shoe_size TEXT",
        "ALTER TABLE users ADD COLUMN home_code TEXT REFERENCES organisations (code)",
        "ALTER TABLE users ADD COLUMN floor BIGINT CHECK (floor >= 0)",
        "CREATE INDEX users_role ON users (role)",
        "CREATE TRIGGER users_no_delete BEFORE DELETE ON users BEGIN SELECT RAISE(ABORT, 'no'); END",
    ] {
        sqlite.execute_unchecked_for_tests(statement).await.unwrap();
    }
    for statement in [
        "ALTER TABLE users ADD COLUMN shoe_size BIGINT",
        "ALTER TABLE users ADD COLUMN home_code TEXT",
        "ALTER TABLE users ADD COLUMN floor BIGINT",
    ] {
        postgres.execute_unchecked_for_tests(statement).await.unwrap();
    }
    let differences = differences(&sqlite, &postgres).await;
    for expected in [
        "only on sqlite: users.nickname: text",
        "only on sqlite: users.shoe_size: text",
        "only on postgres: users.shoe_size: integer",
        "only on sqlite: users: foreign key (home_code) references organisations (code) on update NO ACTION on delete NO ACTION",
        "only on sqlite: users: check on (floor) with literals [] and numbers [0]",
        "only on sqlite: users: index (role)",
        "only on sqlite: users: trigger BEFORE DELETE for each ROW",
    ] {
        assert!(differences.iter().any(|line| line == expected), "{expected}\nin:\n{}", differences.join("\n"));
    }
    assert_eq!(differences.len(), 7, "nothing else: {differences:#?}");
}
