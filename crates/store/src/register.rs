use std::collections::BTreeMap;

use chrono::NaiveDate;
use domain::audit::Author;
use domain::register::{Centroid, OrgCode, Organisation, OrganisationKind};

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
    /// Part of the name or code, any case.
    pub search: Option<String>,
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

/// The WHERE clause of `OrganisationFilter`, with $1 to $4 in the order `bind_filter!` binds them. `$n IS NULL OR
/// ...` lets one statement serve every combination of filters.
macro_rules! organisation_filter {
    () => {
        "WHERE ($1 IS NULL OR (valid_from <= $1 AND (valid_to IS NULL OR valid_to > $1)))
           AND ($2 IS NULL OR province_code = $2)
           AND ($3 IS NULL OR kind = $3)
           AND ($4 IS NULL OR LOWER(name) LIKE $4 ESCAPE '\\' OR LOWER(code) LIKE $4 ESCAPE '\\')"
    };
}

/// Binds the filter's values in the order `organisation_filter!` numbers them. One macro serves both kinds of query
/// and both backends, because sqlx's query types differ per kind and per database.
macro_rules! bind_filter {
    ($filter:expr, $query:expr) => {
        $query
            .bind($filter.date)
            .bind($filter.province.as_ref().map(OrgCode::as_str))
            .bind($filter.kind.map(OrganisationKind::as_str))
            .bind($filter.search.as_deref().filter(|s| !s.trim().is_empty()).map(like_pattern))
    };
}

/// `%term%` for LIKE, with LIKE's own wildcards in the term taken literally.
fn like_pattern(term: &str) -> String {
    let escaped = term.trim().to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

impl Store {
    /// Organisations matching `filter`, each with its successors, ordered by kind and name.
    pub async fn organisations(&self, filter: &OrganisationFilter) -> Result<Vec<Organisation>, StoreError> {
        const SQL: &str = concat!(
            "SELECT code, name, province_code, valid_from, valid_to, centroid_lat, centroid_lon, area_km2 FROM organisations ",
            organisation_filter!(),
            " ORDER BY kind DESC, name, code"
        );
        let rows: Vec<OrganisationRow> = with_pool!(self, |pool| bind_filter!(filter, sqlx::query_as(SQL)).fetch_all(pool).await)?;
        let mut successions = self.successions().await?;
        rows.into_iter().map(|row| row.into_organisation(&mut successions)).collect()
    }

    /// How many organisations match `filter`.
    pub async fn count_organisations(&self, filter: &OrganisationFilter) -> Result<usize, StoreError> {
        const SQL: &str = concat!("SELECT COUNT(*) FROM organisations ", organisation_filter!());
        let count: i64 = with_pool!(self, |pool| bind_filter!(filter, sqlx::query_scalar(SQL)).fetch_one(pool).await)?;
        Ok(usize::try_from(count).unwrap_or_default())
    }

    pub async fn organisation(&self, code: &OrgCode) -> Result<Organisation, StoreError> {
        const SQL: &str = "SELECT code, name, province_code, valid_from, valid_to, centroid_lat, centroid_lon, area_km2 FROM organisations WHERE code = $1";
        let row: OrganisationRow = with_pool!(self, |pool| sqlx::query_as(SQL).bind(code.as_str()).fetch_one(pool).await)?;
        row.into_organisation(&mut self.successions().await?)
    }

    /// The organisations whose territory passed (in part) to `code`.
    pub async fn predecessors(&self, code: &OrgCode) -> Result<Vec<Organisation>, StoreError> {
        const SQL: &str = "SELECT o.code, o.name, o.province_code, o.valid_from, o.valid_to, o.centroid_lat, o.centroid_lon, o.area_km2
            FROM organisations o JOIN successions s ON s.predecessor_code = o.code
            WHERE s.successor_code = $1 ORDER BY o.valid_to, o.name";
        let rows: Vec<OrganisationRow> = with_pool!(self, |pool| sqlx::query_as(SQL).bind(code.as_str()).fetch_all(pool).await)?;
        let mut successions = self.successions().await?;
        rows.into_iter().map(|row| row.into_organisation(&mut successions)).collect()
    }

    async fn successions(&self) -> Result<BTreeMap<String, Vec<OrgCode>>, StoreError> {
        const SQL: &str = "SELECT predecessor_code, successor_code FROM successions ORDER BY predecessor_code, position";
        let rows: Vec<SuccessionRow> = with_pool!(self, |pool| sqlx::query_as(SQL).fetch_all(pool).await)?;
        let mut map: BTreeMap<String, Vec<OrgCode>> = BTreeMap::new();
        for row in rows {
            map.entry(row.predecessor_code).or_default().push(stored_code(&row.successor_code)?);
        }
        Ok(map)
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
            // Successors go in after every organisation of the import exists, so their references hold.
            for organisation in &changed {
                sqlx::query(CLEAR_SUCCESSORS).bind(organisation.code.as_str()).execute(&mut *tx).await?;
                for (position, successor) in organisation.successors.iter().enumerate() {
                    sqlx::query(ADD_SUCCESSOR)
                        .bind(organisation.code.as_str())
                        .bind(successor.as_str())
                        .bind(position as i64)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            tx.commit().await
        })?;
        progress(organisations.len());
        Ok(report)
    }
}
