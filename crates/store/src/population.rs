use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use domain::audit::Author;
use domain::population::PopulationFigure;
use domain::register::OrgCode;

use crate::audit::{as_json, audit_query};
use crate::connect::with_pool;
use crate::register::stored_code;
use crate::{ImportReport, Store, StoreError};

#[derive(sqlx::FromRow)]
struct PopulationRow {
    code: String,
    reference_date: NaiveDate,
    population: i64,
    source: String,
}

impl PopulationRow {
    fn into_figure(self) -> Result<PopulationFigure, StoreError> {
        Ok(PopulationFigure {
            code: stored_code(&self.code)?,
            population: u64::try_from(self.population)
                .map_err(|_| StoreError::Corrupt(format!("negative population for {}", self.code)))?,
            reference_date: self.reference_date,
            source: self.source,
        })
    }
}

impl Store {
    /// Population figures dated on or before `until` (all when `None`), for one organisation or all, newest first.
    pub async fn population_figures(&self, until: Option<NaiveDate>, code: Option<&OrgCode>) -> Result<Vec<PopulationFigure>, StoreError> {
        const SQL: &str = "SELECT code, reference_date, population, source FROM populations
            WHERE ($1 IS NULL OR reference_date <= $1) ORDER BY reference_date DESC, code";
        // One organisation's figures are its own statement, so that they are looked up by their key rather than
        // found by reading every figure (a generic `$2 IS NULL OR code = $2` cannot use the key).
        const ONE_SQL: &str = "SELECT code, reference_date, population, source FROM populations
            WHERE code = $2 AND ($1 IS NULL OR reference_date <= $1) ORDER BY reference_date DESC, code";
        let rows: Vec<PopulationRow> = match code {
            None => with_pool!(self, |pool| sqlx::query_as(SQL).bind(until).fetch_all(pool).await)?,
            Some(code) => with_pool!(self, |pool| sqlx::query_as(ONE_SQL).bind(until).bind(code.as_str()).fetch_all(pool).await)?,
        };
        rows.into_iter().map(PopulationRow::into_figure).collect()
    }

    /// For each organisation, its newest figure dated on or before `date`: `domain::population::latest_on`, done by
    /// the database so that a page reads one figure per organisation instead of every figure there is.
    pub async fn populations_on(&self, date: NaiveDate) -> Result<BTreeMap<OrgCode, PopulationFigure>, StoreError> {
        const SQL: &str = "SELECT p.code, p.reference_date, p.population, p.source FROM populations p
            WHERE p.reference_date = (SELECT MAX(q.reference_date) FROM populations q WHERE q.code = p.code AND q.reference_date <= $1)";
        let rows: Vec<PopulationRow> = with_pool!(self, |pool| sqlx::query_as(SQL).bind(date).fetch_all(pool).await)?;
        rows.into_iter().map(|row| row.into_figure().map(|figure| (figure.code.clone(), figure))).collect()
    }

    /// The reference dates for which figures are stored, with how many organisations each covers.
    pub async fn population_dates(&self) -> Result<Vec<(NaiveDate, i64)>, StoreError> {
        const SQL: &str = "SELECT reference_date, COUNT(*) FROM populations GROUP BY reference_date ORDER BY reference_date";
        Ok(with_pool!(self, |pool| sqlx::query_as(SQL).fetch_all(pool).await)?)
    }

    /// Adds or updates figures in one transaction. The organisations must be in the register. Each added or changed
    /// figure is recorded in the audit log under `author`, with before and after.
    pub async fn import_population(
        &self,
        figures: &[PopulationFigure],
        author: &Author,
        progress: &mut dyn FnMut(usize),
    ) -> Result<ImportReport, StoreError> {
        const UPSERT: &str = "INSERT INTO populations (code, reference_date, population, source) VALUES ($1, $2, $3, $4)
            ON CONFLICT (code, reference_date) DO UPDATE SET population = excluded.population, source = excluded.source";
        // Keyed, so that each figure finds its stored one at once: 100,000 figures are not compared with each other.
        let stored: HashMap<(OrgCode, NaiveDate), PopulationFigure> = self
            .population_figures(None, None)
            .await?
            .into_iter()
            .map(|figure| ((figure.code.clone(), figure.reference_date), figure))
            .collect();
        let mut report = ImportReport::default();
        let changed: Vec<&PopulationFigure> = figures
            .iter()
            .filter(|figure| {
                let before = stored.get(&(figure.code.clone(), figure.reference_date)).map(|old| old == *figure);
                report.count(before);
                before != Some(true)
            })
            .collect();
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            for (done, figure) in changed.iter().enumerate() {
                sqlx::query(UPSERT)
                    .bind(figure.code.as_str())
                    .bind(figure.reference_date)
                    .bind(i64::try_from(figure.population).unwrap_or(i64::MAX))
                    .bind(&figure.source)
                    .execute(&mut *tx)
                    .await?;
                let before = stored.get(&(figure.code.clone(), figure.reference_date));
                let action = if before.is_some() { "population.update" } else { "population.add" };
                let target = format!("{} {}", figure.code, figure.reference_date);
                let change = author.change(action, target, before.map(as_json), Some(as_json(*figure)));
                audit_query!(change).execute(&mut *tx).await?;
                progress(done + 1);
            }
            tx.commit().await
        })?;
        if !changed.is_empty() {
            self.refresh_statistics(&["ANALYZE populations"]).await?;
        }
        progress(figures.len());
        Ok(report)
    }
}
