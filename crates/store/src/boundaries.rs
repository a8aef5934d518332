//! Boundaries of municipalities (and of provinces, when imported) per year of the division, as imported from a
//! GeoJSON or TopoJSON file. Each shape's polygons are kept as JSON text: they are only ever read whole, to draw
//! a map. The kind of a shape is its code's prefix (GM, PV), so a year holds both kinds side by side.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use domain::audit::Author;
use domain::geo::{Boundaries, Boundary, Polygon};
use domain::register::OrganisationKind;

use crate::audit::audit_query;
use crate::connect::with_pool;
use crate::register::stored_code;
use crate::{Store, StoreError};

/// What a boundary import did. An import replaces the year's shapes of the kinds it holds, so those that the new
/// file lacks are removed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct BoundaryImport {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub removed: usize,
}

impl BoundaryImport {
    /// Whether anything was written.
    pub fn changed(&self) -> bool {
        self.added + self.updated + self.removed > 0
    }
}

#[derive(sqlx::FromRow)]
struct BoundaryRow {
    code: String,
    geometry: String,
}

impl BoundaryRow {
    fn into_boundary(self) -> Result<Boundary, StoreError> {
        let polygons: Vec<Polygon> = serde_json::from_str(&self.geometry)
            .map_err(|error| StoreError::Corrupt(format!("the boundary of {} is not a list of polygons: {error}", self.code)))?;
        Ok(Boundary { code: stored_code(&self.code)?, polygons })
    }
}

/// LIKE pattern for the codes of `kind`: "GM%".
fn code_pattern(kind: OrganisationKind) -> String {
    format!("{}%", kind.prefix())
}

fn geometry_json(boundary: &Boundary) -> Result<String, StoreError> {
    serde_json::to_string(&boundary.polygons)
        .map_err(|error| StoreError::Corrupt(format!("the boundary of {} does not serialise: {error}", boundary.code)))
}

impl Store {
    /// Replaces the boundaries of `year` with `boundaries`, in one transaction: shapes are added, changed shapes
    /// updated, and stored shapes of the same kinds that the new set lacks removed. Kinds the set does not hold
    /// are left alone, so that importing the provinces of a year keeps its municipalities. Importing the same set
    /// again writes nothing. A change is
    /// recorded in the audit log under `author` as one entry with the counts, not the geometry, which would
    /// swell the log by the size of the file on every import.
    pub async fn import_boundaries(&self, year: i32, boundaries: &Boundaries, author: &Author) -> Result<BoundaryImport, StoreError> {
        const STORED: &str = "SELECT code, geometry FROM boundaries WHERE year = $1";
        const UPSERT: &str = "INSERT INTO boundaries (year, code, geometry) VALUES ($1, $2, $3)
            ON CONFLICT (year, code) DO UPDATE SET geometry = excluded.geometry";
        const REMOVE: &str = "DELETE FROM boundaries WHERE year = $1 AND code = $2";

        let stored: BTreeMap<String, String> =
            with_pool!(self, |pool| { sqlx::query_as::<_, BoundaryRow>(STORED).bind(i64::from(year)).fetch_all(pool).await })?
                .into_iter()
                .map(|row| (row.code, row.geometry))
                .collect();
        let mut report = BoundaryImport::default();
        let mut writes: Vec<(&str, String)> = Vec::new();
        for boundary in &boundaries.shapes {
            let geometry = geometry_json(boundary)?;
            // The JSON text is compared, not the numbers read back: text written from the same numbers is the
            // same text, while a float parsed back may differ in its last bit.
            match stored.get(boundary.code.as_str()) {
                None => report.added += 1,
                Some(before) if *before == geometry => {
                    report.unchanged += 1;
                    continue;
                }
                Some(_) => report.updated += 1,
            }
            writes.push((boundary.code.as_str(), geometry));
        }
        let kinds: Vec<OrganisationKind> = boundaries.shapes.iter().map(|b| b.code.kind()).collect();
        let mut removals: Vec<&String> = Vec::new();
        for code in stored.keys() {
            if kinds.contains(&stored_code(code)?.kind()) && boundaries.shapes.iter().all(|b| b.code.as_str() != code) {
                removals.push(code);
            }
        }
        report.removed = removals.len();
        if !report.changed() {
            return Ok(report);
        }
        let counts = |shapes: usize| serde_json::json!({ "shapes": shapes });
        let mut after = counts(boundaries.shapes.len());
        after["added"] = report.added.into();
        after["updated"] = report.updated.into();
        after["removed"] = report.removed.into();
        let before = (!stored.is_empty()).then(|| counts(stored.len()));
        let change = author.change("boundaries.import", format!("boundaries {year}"), before, Some(after));
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            for code in &removals {
                sqlx::query(REMOVE).bind(i64::from(year)).bind(code.as_str()).execute(&mut *tx).await?;
            }
            for (code, geometry) in &writes {
                sqlx::query(UPSERT).bind(i64::from(year)).bind(*code).bind(geometry).execute(&mut *tx).await?;
            }
            audit_query!(change).execute(&mut *tx).await?;
            tx.commit().await
        })?;
        Ok(report)
    }

    /// The boundaries of organisations of `kind` imported for `year`, ordered by code; empty when none were.
    pub async fn boundaries(&self, year: i32, kind: OrganisationKind) -> Result<Boundaries, StoreError> {
        const SQL: &str = "SELECT code, geometry FROM boundaries WHERE year = $1 AND code LIKE $2 ORDER BY code";
        let rows: Vec<BoundaryRow> =
            with_pool!(self, |pool| sqlx::query_as(SQL).bind(i64::from(year)).bind(code_pattern(kind)).fetch_all(pool).await)?;
        Ok(Boundaries { shapes: rows.into_iter().map(BoundaryRow::into_boundary).collect::<Result<_, _>>()? })
    }

    /// The boundaries to draw a map of `kind` on `date` with: those of the newest year on or before the date's
    /// year that has shapes of that kind, with that year; `None` when there is none (the map is then drawn from
    /// the register's centroids).
    pub async fn boundaries_for(&self, date: NaiveDate, kind: OrganisationKind) -> Result<Option<(i32, Boundaries)>, StoreError> {
        const SQL: &str = "SELECT MAX(year) FROM boundaries WHERE year <= $1 AND code LIKE $2";
        let year: Option<i64> = with_pool!(self, |pool| {
            sqlx::query_scalar(SQL).bind(i64::from(date.year())).bind(code_pattern(kind)).fetch_one(pool).await
        })?;
        let Some(year) = year else { return Ok(None) };
        let year = i32::try_from(year).map_err(|_| StoreError::Corrupt(format!("boundary year {year} is out of range")))?;
        Ok(Some((year, self.boundaries(year, kind).await?)))
    }

    /// The years for which boundaries are stored, each with its number of shapes of any kind, oldest first.
    pub async fn boundary_years(&self) -> Result<Vec<(i32, usize)>, StoreError> {
        const SQL: &str = "SELECT year, COUNT(*) FROM boundaries GROUP BY year ORDER BY year";
        let rows: Vec<(i64, i64)> = with_pool!(self, |pool| sqlx::query_as(SQL).fetch_all(pool).await)?;
        rows.into_iter()
            .map(|(year, shapes)| {
                let year = i32::try_from(year).map_err(|_| StoreError::Corrupt(format!("boundary year {year} is out of range")))?;
                Ok((year, usize::try_from(shapes).unwrap_or_default()))
            })
            .collect()
    }
}
