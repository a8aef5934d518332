//! Waves: created in draft, then moved through their states by the monitor team.

use chrono::NaiveDate;
use domain::audit::Author;
use domain::fieldwork::{NewWave, Wave, WaveId, WaveState};

use crate::audit::audit_query;
use crate::connect::{now, with_pool};
use crate::{Conflict, Record, Store, StoreError, UniqueField};

#[derive(sqlx::FromRow)]
struct WaveRow {
    id: String,
    title: String,
    catalogue_id: String,
    catalogue_version: String,
    questionnaire_id: String,
    questionnaire_version: i64,
    opens_on: NaiveDate,
    closes_on: NaiveDate,
    state: String,
    simulated: bool,
}

impl WaveRow {
    fn into_wave(self) -> Result<Wave, StoreError> {
        Ok(Wave {
            id: WaveId::parse(&self.id).map_err(StoreError::Corrupt)?,
            state: WaveState::parse(&self.state)
                .ok_or_else(|| StoreError::Corrupt(format!("wave {} has state '{}'", self.id, self.state)))?,
            title: self.title,
            catalogue_id: self.catalogue_id,
            catalogue_version: self.catalogue_version,
            questionnaire_id: self.questionnaire_id,
            questionnaire_version: self.questionnaire_version,
            opens_on: self.opens_on,
            closes_on: self.closes_on,
            simulated: self.simulated,
        })
    }
}

macro_rules! select_waves {
    ($rest:literal) => {
        concat!(
            "SELECT id, title, catalogue_id, catalogue_version, questionnaire_id, questionnaire_version, opens_on, closes_on, state, simulated
             FROM waves ",
            $rest
        )
    };
}

impl Store {
    /// Creates a wave in draft, asking the newest version of its questionnaire. The catalogue version and the
    /// questionnaire must exist; a taken id is `Conflict::Taken(UniqueField::WaveId)`.
    pub async fn create_wave(&self, wave: &NewWave, simulated: bool, author: &Author) -> Result<Wave, StoreError> {
        const INSERT: &str = "INSERT INTO waves (id, title, catalogue_id, catalogue_version, questionnaire_id, questionnaire_version,
                opens_on, closes_on, state, simulated, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'draft', $9, $10)";
        if self.wave(&wave.id).await.is_ok() {
            return Err(StoreError::Conflict(Conflict::Taken(UniqueField::WaveId)));
        }
        let questionnaire = self.latest_questionnaire(&wave.questionnaire_id).await?;
        let created = Wave {
            id: wave.id.clone(),
            title: wave.title.trim().to_owned(),
            catalogue_id: wave.catalogue_id.clone(),
            catalogue_version: wave.catalogue_version.clone(),
            questionnaire_id: wave.questionnaire_id.clone(),
            questionnaire_version: questionnaire.version,
            opens_on: wave.opens_on,
            closes_on: wave.closes_on,
            state: WaveState::Draft,
            simulated,
        };
        let change = author.change("wave.create", created.id.to_string(), None, serde_json::to_value(&created).ok());
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(INSERT)
                .bind(created.id.as_str())
                .bind(&created.title)
                .bind(&created.catalogue_id)
                .bind(&created.catalogue_version)
                .bind(&created.questionnaire_id)
                .bind(created.questionnaire_version)
                .bind(created.opens_on)
                .bind(created.closes_on)
                .bind(simulated)
                .bind(now())
                .execute(&mut *tx)
                .await?;
            audit_query!(change).execute(&mut *tx).await?;
            tx.commit().await
        })?;
        Ok(created)
    }

    pub async fn wave(&self, id: &WaveId) -> Result<Wave, StoreError> {
        const SQL: &str = select_waves!("WHERE id = $1");
        let row: WaveRow = with_pool!(self, |pool| sqlx::query_as(SQL).bind(id.as_str()).fetch_one(pool).await)?;
        row.into_wave()
    }

    /// Every wave, newest first.
    pub async fn waves(&self) -> Result<Vec<Wave>, StoreError> {
        const SQL: &str = select_waves!("ORDER BY opens_on DESC, id");
        let rows: Vec<WaveRow> = with_pool!(self, |pool| sqlx::query_as(SQL).fetch_all(pool).await)?;
        rows.into_iter().map(WaveRow::into_wave).collect()
    }

    /// Moves `wave` from the state it had when read to `next`. The caller has checked that the move is allowed;
    /// if another request moved the wave in between, nothing changes and the answer is `Conflict::Stale(Record::WaveState)`.
    pub async fn set_wave_state(&self, wave: &Wave, next: WaveState, author: &Author) -> Result<(), StoreError> {
        const UPDATE: &str = "UPDATE waves SET state = $3 WHERE id = $1 AND state = $2";
        let change = author.change(
            "wave.state",
            wave.id.to_string(),
            Some(serde_json::json!({"state": wave.state})),
            Some(serde_json::json!({"state": next})),
        );
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let moved = sqlx::query(UPDATE)
                .bind(wave.id.as_str())
                .bind(wave.state.code())
                .bind(next.code())
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if moved == 0 {
                return Err(StoreError::Conflict(Conflict::Stale(Record::WaveState)));
            }
            audit_query!(change).execute(&mut *tx).await?;
            tx.commit().await.map_err(StoreError::from)
        })
    }
}
