//! Reading a wave's responses one at a time, for exports of any size: memory stays flat however many responses a
//! wave holds, because rows are decoded as the database hands them over.

use domain::fieldwork::WaveId;
use domain::fieldwork::export::ResponseRecord;
use futures_util::stream::{BoxStream, StreamExt};

use super::responses::ResponseRow;
use crate::connect::with_pool;
use crate::register::stored_code;
use crate::{Store, StoreError};

#[derive(sqlx::FromRow)]
struct RecordRow {
    #[sqlx(flatten)]
    response: ResponseRow,
    organisation_name: Option<String>,
    province_code: Option<String>,
}

impl RecordRow {
    fn into_record(self) -> Result<ResponseRecord, StoreError> {
        let province = self.province_code.as_deref().filter(|code| !code.is_empty()).map(stored_code).transpose()?;
        Ok(ResponseRecord {
            response: self.response.into_response()?,
            organisation_name: self.organisation_name.unwrap_or_default(),
            province,
        })
    }
}

macro_rules! select_records {
    ($condition:literal) => {
        concat!(
            "SELECT r.wave_id, r.organisation_code, r.questionnaire_id, r.questionnaire_version, r.answers, r.state,
                r.mode, r.interview_date, r.interviewees, r.started_at, r.updated_at, r.submitted_at, r.revision,
                o.name AS organisation_name, o.province_code
            FROM responses r LEFT JOIN organisations o ON o.code = r.organisation_code
            WHERE r.wave_id = $1 ",
            $condition,
            " ORDER BY r.organisation_code"
        )
    };
}

impl Store {
    /// Every response of a wave, drafts included, by organisation code, each with its organisation's name and
    /// province from the register. The stream holds one database connection until it ends or is dropped.
    pub fn stream_responses<'a>(&'a self, wave: &'a WaveId) -> BoxStream<'a, Result<ResponseRecord, StoreError>> {
        self.stream_records(wave, select_records!(""))
    }

    /// As `stream_responses`, the submitted responses only: what a published wave's open data is made of.
    pub fn stream_submitted_responses<'a>(&'a self, wave: &'a WaveId) -> BoxStream<'a, Result<ResponseRecord, StoreError>> {
        self.stream_records(wave, select_records!("AND r.state = 'submitted'"))
    }

    fn stream_records<'a>(&'a self, wave: &'a WaveId, sql: &'static str) -> BoxStream<'a, Result<ResponseRecord, StoreError>> {
        // Each pool yields its own stream type; boxed, both arms have one type.
        with_pool!(self, |pool| sqlx::query_as::<_, RecordRow>(sql)
            .bind(wave.as_str())
            .fetch(pool)
            .map(|row| row.map_err(StoreError::from).and_then(RecordRow::into_record))
            .boxed())
    }

    /// The stored questionnaire versions that the responses of a wave answered, oldest first; empty when nobody
    /// has answered yet.
    pub async fn questionnaire_versions_in_wave(&self, wave: &WaveId) -> Result<Vec<i64>, StoreError> {
        const SQL: &str = "SELECT DISTINCT questionnaire_version FROM responses WHERE wave_id = $1 ORDER BY questionnaire_version";
        Ok(with_pool!(self, |pool| sqlx::query_scalar(SQL).bind(wave.as_str()).fetch_all(pool).await)?)
    }

    /// How many responses (drafts included) a wave holds.
    pub async fn response_count(&self, wave: &WaveId) -> Result<u64, StoreError> {
        const SQL: &str = "SELECT COUNT(*) FROM responses WHERE wave_id = $1";
        let count: i64 = with_pool!(self, |pool| sqlx::query_scalar(SQL).bind(wave.as_str()).fetch_one(pool).await)?;
        Ok(u64::try_from(count).unwrap_or(0))
    }
}
