use std::collections::BTreeMap;

use chrono::NaiveDate;
use domain::audit::Author;
use domain::paging::PageRequest;
use domain::population::PopulationFigure;
use domain::register::{Centroid, NamePrefix, OrgCode, Organisation, OrganisationKind, search_keys};

use crate::audit::{as_json, audit_query};
use crate::connect::with_pool;
use crate::{ImportReport, Store, StoreError};

/// Which organisations to list. Every field narrows the list; the default lists all.
#[derive(Clone, Debug, Default)]
pub struct OrganisationFilter {
    /// Only organisations that exist on this date.
    pub date: Option<NaiveDate>,
    pub province: Option<OrgCode>,
    pub kind: Option<OrganisationKind>,
    /// The start of a word of the name, or of the code, in any case and with or without accents
    /// (`domain::register::NamePrefix`); text without letters or digits narrows nothing.
    pub search: Option<String>,
    /// Only organisations whose newest population figure on a date lies in a range (a size class).
    pub population: Option<PopulationRange>,
}

/// Inhabitants from `at_least` up to (not including) `below`, by the newest figure on or before `on`. An
/// organisation without such a figure is outside every range: population is never estimated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PopulationRange {
    pub on: NaiveDate,
    pub at_least: u64,
    pub below: Option<u64>,
}

/// An organisation of a page of the register, with its newest population figure on or before the page's date.
#[derive(Clone, Debug, PartialEq)]
pub struct ListedOrganisation {
    pub organisation: Organisation,
    pub population: Option<PopulationFigure>,
}

#[derive(sqlx::FromRow)]
struct OrganisationRow {
    code: String,
    name: String,
    province_code: Option<String>,
    valid_from: NaiveDate,
    valid_to: Option<NaiveDate>,
    centroid_lat: Option<f64>,
    centroid_lon: Option<f64>,
    area_km2: Option<f64>,
}

#[derive(sqlx::FromRow)]
struct ListedRow {
    #[sqlx(flatten)]
    organisation: OrganisationRow,
    population: Option<i64>,
    population_date: Option<NaiveDate>,
    population_source: Option<String>,
}

#[derive(sqlx::FromRow)]
struct SuccessionRow {
    predecessor_code: String,
    successor_code: String,
}

pub(crate) fn stored_code(value: &str) -> Result<OrgCode, StoreError> {
    OrgCode::parse(value).map_err(StoreError::Corrupt)
}

impl OrganisationRow {
    fn into_organisation(self, successions: &mut BTreeMap<String, Vec<OrgCode>>) -> Result<Organisation, StoreError> {
        Ok(Organisation {
            code: stored_code(&self.code)?,
            successors: successions.remove(&self.code).unwrap_or_default(),
            name: self.name,
            province: self.province_code.as_deref().map(stored_code).transpose()?,
            valid_from: self.valid_from,
            valid_to: self.valid_to,
            centroid: self.centroid_lat.zip(self.centroid_lon).map(|(lat, lon)| Centroid { lat, lon }),
            area_km2: self.area_km2,
        })
    }
}

/// A value to bind to a statement built from a filter; `bind_values!` binds them in order. The statements built
/// here (hence `sqlx::AssertSqlSafe`) are made of constant text and `$n` placeholders only: every value a user
/// gave is bound, never written into the text.
enum Value {
    Text(String),
    Date(NaiveDate),
    Number(i64),
}

/// The `$n` of a value to bind, numbered in the order the values are bound.
fn parameter(values: &mut Vec<Value>, value: Value) -> String {
    values.push(value);
    format!("${}", values.len())
}

fn number(value: u64) -> Value {
    Value::Number(i64::try_from(value).unwrap_or(i64::MAX))
}

/// Binds `values` in order. One macro serves every kind of query and both backends, because sqlx's query types
/// differ per kind and per database.
macro_rules! bind_values {
    ($query:expr, $values:expr) => {{
        let mut query = $query;
        for value in $values {
            query = match value {
                Value::Text(text) => query.bind(text.as_str()),
                Value::Date(date) => query.bind(*date),
                Value::Number(number) => query.bind(*number),
            };
        }
        query
    }};
}

/// Joins `p`, each organisation's newest population figure on or before the date bound here (none: NULLs).
fn population_join(alias: &str, on: NaiveDate, values: &mut Vec<Value>) -> String {
    let on = parameter(values, Value::Date(on));
    format!(
        " LEFT JOIN populations {alias} ON {alias}.code = o.code AND {alias}.reference_date = \
         (SELECT MAX(q.reference_date) FROM populations q WHERE q.code = o.code AND q.reference_date <= {on})"
    )
}

/// The joins and the WHERE of the organisations `filter` lets through, as `o` (after `FROM organisations o`).
/// Only the filters given become conditions, so that each combination is its own statement that the planners
/// optimise for its indexes (a generic `$1 IS NULL OR ...` keeps PostgreSQL's generic plan from using them). The
/// text is the same on both backends.
struct Filtered {
    /// The matches of a search, put before `organisations o` so that SQLite starts from them (a CROSS JOIN keeps
    /// its order there; PostgreSQL plans either order itself).
    search: String,
    joins: String,
    conditions: String,
}

impl Filtered {
    fn new(filter: &OrganisationFilter, values: &mut Vec<Value>) -> Self {
        let mut search = String::new();
        let mut joins = String::new();
        if let Some(range) = filter.population {
            joins.push_str(&population_join("r", range.on, values));
        }
        let mut conditions = Vec::new();
        if let Some(date) = filter.date {
            let date = parameter(values, Value::Date(date));
            conditions.push(format!("o.valid_from <= {date} AND (o.valid_to IS NULL OR o.valid_to > {date})"));
        }
        if let Some(province) = &filter.province {
            conditions.push(format!("o.province_code = {}", parameter(values, Value::Text(province.to_string()))));
        }
        if let Some(kind) = filter.kind {
            conditions.push(format!("o.kind = {}", parameter(values, Value::Text(kind.as_str().to_owned()))));
        }
        if let Some(prefix) = filter.search.as_deref().and_then(NamePrefix::parse) {
            // One range of the keys' index: every key that starts with the prefix (see domain::register::search),
            // once per organisation. The matches lead rather than `o.code IN (...)` following, so that the planners
            // start from the few matches instead of walking the whole register in its order and testing each.
            let lowest = parameter(values, Value::Text(prefix.lowest().to_owned()));
            let beyond = parameter(values, Value::Text(prefix.beyond()));
            search = format!(
                "(SELECT DISTINCT k.code FROM organisation_search_keys k WHERE k.search_key >= {lowest} AND k.search_key < {beyond}) found \
                 CROSS JOIN "
            );
            conditions.push("o.code = found.code".to_owned());
        }
        if let Some(range) = filter.population {
            conditions.push(format!("r.population >= {}", parameter(values, number(range.at_least))));
            if let Some(below) = range.below {
                conditions.push(format!("r.population < {}", parameter(values, number(below))));
            }
        }
        let conditions = if conditions.is_empty() { String::new() } else { format!(" WHERE {}", conditions.join(" AND ")) };
        Self { search, joins, conditions }
    }

    /// `FROM ... WHERE ...`.
    fn from(&self) -> String {
        format!(" FROM {}organisations o{}{}", self.search, self.joins, self.conditions)
    }
}

const COLUMNS: &str = "o.code, o.name, o.province_code, o.valid_from, o.valid_to, o.centroid_lat, o.centroid_lon, o.area_km2";
/// The register's order: provinces before municipalities, then by name. The index `organisations_listing` holds it.
const ORDER: &str = " ORDER BY o.kind DESC, o.name, o.code";

/// `$first, $first+1, ...`: the placeholders of `count` values, for a list of values of any length.
fn placeholders(first: usize, count: usize) -> String {
    (first..first + count).map(|n| format!("${n}")).collect::<Vec<_>>().join(", ")
}

/// At most this many values are bound to one statement: well under SQLite's limit (32,766) and PostgreSQL's (65,535).
const MAX_BOUND: usize = 1_000;

impl Store {
    /// Organisations matching `filter`, each with its successors, ordered by kind and name: the whole list, for
    /// what needs every organisation at once (the analysis, the letters). A page shows `organisation_page`.
    pub async fn organisations(&self, filter: &OrganisationFilter) -> Result<Vec<Organisation>, StoreError> {
        let mut values = Vec::new();
        let sql = format!("SELECT {COLUMNS}{}{ORDER}", Filtered::new(filter, &mut values).from());
        let rows: Vec<OrganisationRow> =
            with_pool!(self, |pool| bind_values!(sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())), &values).fetch_all(pool).await)?;
        // A short list (the provinces) reads its own successors; a long one every succession at once.
        let mut successions = if rows.len() <= MAX_BOUND {
            self.successions_of(&rows.iter().map(|row| row.code.as_str()).collect::<Vec<_>>()).await?
        } else {
            self.successions().await?
        };
        rows.into_iter().map(|row| row.into_organisation(&mut successions)).collect()
    }

    /// How many organisations match `filter`.
    pub async fn count_organisations(&self, filter: &OrganisationFilter) -> Result<usize, StoreError> {
        let mut values = Vec::new();
        let sql = format!("SELECT COUNT(*){}", Filtered::new(filter, &mut values).from());
        let count: i64 =
            with_pool!(self, |pool| bind_values!(sqlx::query_scalar(sqlx::AssertSqlSafe(sql.as_str())), &values).fetch_one(pool).await)?;
        Ok(usize::try_from(count).unwrap_or_default())
    }

    /// One page of the organisations matching `filter`, in the register's order, each with its successors and its
    /// newest population figure on or before `figures_on`. Only the page's rows are read.
    pub async fn organisation_page(
        &self,
        filter: &OrganisationFilter,
        figures_on: NaiveDate,
        page: PageRequest,
    ) -> Result<Vec<ListedOrganisation>, StoreError> {
        let mut values = Vec::new();
        let from = Filtered::new(filter, &mut values).from();
        let limit = parameter(&mut values, number(page.size()));
        let offset = parameter(&mut values, number(page.offset()));
        // The page is cut first, and only its rows look up their population: a later page skips rows, not figures.
        let join = population_join("p", figures_on, &mut values);
        let sql = format!(
            "SELECT {COLUMNS}, p.population AS population, p.reference_date AS population_date, p.source AS population_source \
             FROM (SELECT {COLUMNS}, o.kind{from}{ORDER} LIMIT {limit} OFFSET {offset}) o{join}{ORDER}"
        );
        let rows: Vec<ListedRow> =
            with_pool!(self, |pool| bind_values!(sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())), &values).fetch_all(pool).await)?;
        let codes: Vec<&str> = rows.iter().map(|row| row.organisation.code.as_str()).collect();
        let mut successions = self.successions_of(&codes).await?;
        rows.into_iter()
            .map(|row| {
                let population = match (row.population, row.population_date, row.population_source) {
                    (Some(population), Some(reference_date), Some(source)) => Some(PopulationFigure {
                        code: stored_code(&row.organisation.code)?,
                        population: u64::try_from(population)
                            .map_err(|_| StoreError::Corrupt(format!("negative population for {}", row.organisation.code)))?,
                        reference_date,
                        source,
                    }),
                    _ => None,
                };
                Ok(ListedOrganisation { organisation: row.organisation.into_organisation(&mut successions)?, population })
            })
            .collect()
    }

    pub async fn organisation(&self, code: &OrgCode) -> Result<Organisation, StoreError> {
        const SQL: &str = "SELECT code, name, province_code, valid_from, valid_to, centroid_lat, centroid_lon, area_km2 FROM organisations WHERE code = $1";
        let row: OrganisationRow = with_pool!(self, |pool| sqlx::query_as(SQL).bind(code.as_str()).fetch_one(pool).await)?;
        row.into_organisation(&mut self.successions_of(&[code.as_str()]).await?)
    }

    /// The organisations whose territory passed (in part) to `code`.
    pub async fn predecessors(&self, code: &OrgCode) -> Result<Vec<Organisation>, StoreError> {
        const SQL: &str = "SELECT o.code, o.name, o.province_code, o.valid_from, o.valid_to, o.centroid_lat, o.centroid_lon, o.area_km2
            FROM organisations o JOIN successions s ON s.predecessor_code = o.code
            WHERE s.successor_code = $1 ORDER BY o.valid_to, o.name";
        let rows: Vec<OrganisationRow> = with_pool!(self, |pool| sqlx::query_as(SQL).bind(code.as_str()).fetch_all(pool).await)?;
        let codes: Vec<&str> = rows.iter().map(|row| row.code.as_str()).collect();
        let mut successions = self.successions_of(&codes).await?;
        rows.into_iter().map(|row| row.into_organisation(&mut successions)).collect()
    }

    /// `code` and every organisation its territory passed to, through every later merger or split: what
    /// `domain::register::Register::on_date` needs to follow `code` to any date, without the rest of the register.
    pub async fn successors_onwards(&self, code: &OrgCode) -> Result<Vec<Organisation>, StoreError> {
        const SQL: &str = "WITH RECURSIVE onwards (code) AS (
                SELECT CAST($1 AS TEXT)
                UNION
                SELECT s.successor_code FROM successions s JOIN onwards w ON s.predecessor_code = w.code
            )
            SELECT o.code, o.name, o.province_code, o.valid_from, o.valid_to, o.centroid_lat, o.centroid_lon, o.area_km2
            FROM organisations o WHERE o.code IN (SELECT code FROM onwards) ORDER BY o.code";
        let rows: Vec<OrganisationRow> = with_pool!(self, |pool| sqlx::query_as(SQL).bind(code.as_str()).fetch_all(pool).await)?;
        let codes: Vec<&str> = rows.iter().map(|row| row.code.as_str()).collect();
        let mut successions = self.successions_of(&codes).await?;
        rows.into_iter().map(|row| row.into_organisation(&mut successions)).collect()
    }

    /// Whether any population figure is dated on or before `date`: without one, no size class can be told.
    pub async fn population_known_on(&self, date: NaiveDate) -> Result<bool, StoreError> {
        const SQL: &str = "SELECT COUNT(*) FROM (SELECT 1 FROM populations WHERE reference_date <= $1 LIMIT 1) AS known";
        let count: i64 = with_pool!(self, |pool| sqlx::query_scalar(SQL).bind(date).fetch_one(pool).await)?;
        Ok(count > 0)
    }

    async fn successions(&self) -> Result<BTreeMap<String, Vec<OrgCode>>, StoreError> {
        const SQL: &str = "SELECT predecessor_code, successor_code FROM successions ORDER BY predecessor_code, position";
        let rows: Vec<SuccessionRow> = with_pool!(self, |pool| sqlx::query_as(SQL).fetch_all(pool).await)?;
        successor_lists(rows)
    }

    /// The successors of `codes` only, for a page or one organisation.
    async fn successions_of(&self, codes: &[&str]) -> Result<BTreeMap<String, Vec<OrgCode>>, StoreError> {
        let mut rows: Vec<SuccessionRow> = Vec::new();
        for chunk in codes.chunks(MAX_BOUND) {
            let sql = format!(
                "SELECT predecessor_code, successor_code FROM successions WHERE predecessor_code IN ({}) ORDER BY predecessor_code, position",
                placeholders(1, chunk.len())
            );
            let found: Vec<SuccessionRow> = with_pool!(self, |pool| {
                let mut query = sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str()));
                for code in chunk {
                    query = query.bind(*code);
                }
                query.fetch_all(pool).await
            })?;
            rows.extend(found);
        }
        successor_lists(rows)
    }

    /// Has the database count the tables an import changed, so that its planner knows their size at once: a
    /// freshly imported register of 100,000 would otherwise be planned as a few rows (PostgreSQL until its
    /// autovacuum comes by, SQLite until someone analyses it) and a search would walk the register instead of the
    /// search keys. `ANALYZE table` is the same statement on both backends.
    pub(crate) async fn refresh_statistics(&self, statements: &[&'static str]) -> Result<(), StoreError> {
        for statement in statements {
            with_pool!(self, |pool| sqlx::query(*statement).execute(pool).await.map(|_| ()))?;
        }
        Ok(())
    }

    /// Writes the search keys of organisations stored before the keys were kept (migration 0014), so that a
    /// database upgraded with its register finds them as a fresh import would.
    pub async fn index_unindexed_organisations(&self) -> Result<usize, StoreError> {
        const SQL: &str = "SELECT o.code, o.name FROM organisations o
            WHERE NOT EXISTS (SELECT 1 FROM organisation_search_keys k WHERE k.code = o.code)";
        let rows: Vec<(String, String)> = with_pool!(self, |pool| sqlx::query_as(SQL).fetch_all(pool).await)?;
        let mut keys = Vec::new();
        for (code, name) in &rows {
            let parsed = stored_code(code)?;
            keys.extend(search_keys(&parsed, name).into_iter().map(|key| (key, code.clone())));
        }
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            for chunk in keys.chunks(MAX_BOUND / 2) {
                let sql = key_insert(chunk.len());
                let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
                for (key, code) in chunk {
                    query = query.bind(key.as_str()).bind(code.as_str());
                }
                query.execute(&mut *tx).await?;
            }
            tx.commit().await
        })?;
        Ok(rows.len())
    }

    /// Adds or updates the given organisations in one transaction: all of them or, on any error, none. Each added
    /// or changed organisation is recorded in the audit log under `author`, with before and after.
    /// Organisations already stored exactly so are left alone, so importing the same file twice changes nothing.
    pub async fn import_register(
        &self,
        organisations: &[Organisation],
        author: &Author,
        progress: &mut dyn FnMut(usize),
    ) -> Result<ImportReport, StoreError> {
        const UPSERT: &str =
            "INSERT INTO organisations (code, kind, name, province_code, valid_from, valid_to, centroid_lat, centroid_lon, area_km2)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (code) DO UPDATE SET kind = excluded.kind, name = excluded.name, province_code = excluded.province_code,
                valid_from = excluded.valid_from, valid_to = excluded.valid_to, centroid_lat = excluded.centroid_lat,
                centroid_lon = excluded.centroid_lon, area_km2 = excluded.area_km2";
        const CLEAR_SUCCESSORS: &str = "DELETE FROM successions WHERE predecessor_code = $1";
        const ADD_SUCCESSOR: &str = "INSERT INTO successions (predecessor_code, successor_code, position) VALUES ($1, $2, $3)";
        const CLEAR_KEYS: &str = "DELETE FROM organisation_search_keys WHERE code = $1";

        let stored: BTreeMap<OrgCode, Organisation> =
            self.organisations(&OrganisationFilter::default()).await?.into_iter().map(|o| (o.code.clone(), o)).collect();
        let mut report = ImportReport::default();
        let changed: Vec<&Organisation> = organisations
            .iter()
            .filter(|organisation| {
                let before = stored.get(&organisation.code).map(|old| old == *organisation);
                report.count(before);
                before != Some(true)
            })
            .collect();
        let keys: Vec<(String, &str)> = changed
            .iter()
            .flat_map(|organisation| {
                search_keys(&organisation.code, &organisation.name).into_iter().map(|key| (key, organisation.code.as_str()))
            })
            .collect();
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            for (done, organisation) in changed.iter().enumerate() {
                sqlx::query(UPSERT)
                    .bind(organisation.code.as_str())
                    .bind(organisation.kind().as_str())
                    .bind(&organisation.name)
                    .bind(organisation.province.as_ref().map(OrgCode::as_str))
                    .bind(organisation.valid_from)
                    .bind(organisation.valid_to)
                    .bind(organisation.centroid.map(|c| c.lat))
                    .bind(organisation.centroid.map(|c| c.lon))
                    .bind(organisation.area_km2)
                    .execute(&mut *tx)
                    .await?;
                let before = stored.get(&organisation.code);
                let action = if before.is_some() { "organisation.update" } else { "organisation.add" };
                let change = author.change(action, organisation.code.to_string(), before.map(as_json), Some(as_json(organisation)));
                audit_query!(change).execute(&mut *tx).await?;
                progress(done + 1);
            }
            // Successors go in after every organisation of the import exists, so their references hold. A new
            // organisation has no successors or keys to clear yet.
            for organisation in &changed {
                if stored.contains_key(&organisation.code) {
                    sqlx::query(CLEAR_SUCCESSORS).bind(organisation.code.as_str()).execute(&mut *tx).await?;
                    sqlx::query(CLEAR_KEYS).bind(organisation.code.as_str()).execute(&mut *tx).await?;
                }
                for (position, successor) in organisation.successors.iter().enumerate() {
                    sqlx::query(ADD_SUCCESSOR)
                        .bind(organisation.code.as_str())
                        .bind(successor.as_str())
                        .bind(position as i64)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            // Many keys to a statement: one statement per key would make importing 100,000 organisations slow.
            for chunk in keys.chunks(MAX_BOUND / 2) {
                let sql = key_insert(chunk.len());
                let mut query = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
                for (key, code) in chunk {
                    query = query.bind(key.as_str()).bind(*code);
                }
                query.execute(&mut *tx).await?;
            }
            tx.commit().await
        })?;
        if !changed.is_empty() {
            self.refresh_statistics(&["ANALYZE organisations", "ANALYZE organisation_search_keys", "ANALYZE successions"]).await?;
        }
        progress(organisations.len());
        Ok(report)
    }
}

/// An INSERT of `rows` search keys, each bound as (key, code).
fn key_insert(rows: usize) -> String {
    let values: Vec<String> = (0..rows).map(|row| format!("(${}, ${})", 2 * row + 1, 2 * row + 2)).collect();
    format!("INSERT INTO organisation_search_keys (search_key, code) VALUES {}", values.join(", "))
}

/// Each predecessor's successors, in their order (largest part first).
fn successor_lists(rows: Vec<SuccessionRow>) -> Result<BTreeMap<String, Vec<OrgCode>>, StoreError> {
    let mut map: BTreeMap<String, Vec<OrgCode>> = BTreeMap::new();
    for row in rows {
        map.entry(row.predecessor_code).or_default().push(stored_code(&row.successor_code)?);
    }
    Ok(map)
}
