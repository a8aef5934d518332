//! What the analysis reads: the submitted answers of a wave, and a stamp that changes with every change to the data,
//! so that every process serving figures from memory sees a change made by any other process.

use domain::fieldwork::WaveId;
use domain::questionnaire::Answers;
use domain::register::OrgCode;

use crate::connect::with_pool;
use crate::register::stored_code;
use crate::{Store, StoreError};

impl Store {
    /// The answers of every submitted response of a wave, by organisation code. Drafts do not count.
    pub async fn submitted_answers(&self, wave: &WaveId) -> Result<Vec<(OrgCode, Answers)>, StoreError> {
        const SQL: &str =
            "SELECT organisation_code, answers FROM responses WHERE wave_id = $1 AND state = 'submitted' ORDER BY organisation_code";
        let rows: Vec<(String, String)> = with_pool!(self, |pool| sqlx::query_as(SQL).bind(wave.as_str()).fetch_all(pool).await)?;
        rows.into_iter()
            .map(|(code, answers)| {
                let answers: Answers = serde_json::from_str(&answers)
                    .map_err(|e| StoreError::Corrupt(format!("the answers of {code} in wave {wave} do not read: {e}")))?;
                Ok((stored_code(&code)?, answers))
            })
            .collect()
    }

    /// A number that grows with every change to the data. Every change writes its audit entry in the same
    /// transaction, so the newest entry's id is that number; 0 for an empty log.
    pub async fn change_stamp(&self) -> Result<i64, StoreError> {
        const SQL: &str = "SELECT COALESCE(MAX(id), 0) FROM audit_log";
        Ok(with_pool!(self, |pool| sqlx::query_scalar::<_, i64>(SQL).fetch_one(pool).await)?)
    }
}
