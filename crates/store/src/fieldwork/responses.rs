//! Responses: saved page by page as drafts, submitted, corrected and reopened. Every change is one transaction
//! with its audit entry, and carries the revision it was based on, so that a save from an older read is refused
//! instead of silently overwriting a newer one.

use chrono::{DateTime, NaiveDate, Utc};
use domain::audit::Author;
use domain::fieldwork::{Edit, Mode, Response, ResponseState, WaveId};
use domain::questionnaire::Answers;
use domain::register::OrgCode;

use crate::audit::audit_query;
use crate::connect::{now, with_pool};
use crate::register::stored_code;
use crate::{Conflict, Record, Store, StoreError};

#[derive(sqlx::FromRow)]
pub(super) struct ResponseRow {
    wave_id: String,
    organisation_code: String,
    questionnaire_id: String,
    questionnaire_version: i64,
    answers: String,
    state: String,
    mode: String,
    interview_date: Option<NaiveDate>,
    interviewees: Option<String>,
    started_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    submitted_at: Option<DateTime<Utc>>,
    revision: i64,
}

impl ResponseRow {
    pub(super) fn into_response(self) -> Result<Response, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("response {}/{}: {what}", self.wave_id, self.organisation_code));
        let answers: Answers = serde_json::from_str(&self.answers).map_err(|e| corrupt(&format!("answers: {e}")))?;
        let state = ResponseState::parse(&self.state).ok_or_else(|| corrupt(&format!("state '{}'", self.state)))?;
        let mode = match (self.mode.as_str(), self.interview_date) {
            ("online", _) => Mode::Online,
            ("interview", Some(date)) => Mode::Interview { date, interviewees: self.interviewees.clone().unwrap_or_default() },
            (other, _) => return Err(corrupt(&format!("mode '{other}'"))),
        };
        Ok(Response {
            wave: WaveId::parse(&self.wave_id).map_err(StoreError::Corrupt)?,
            organisation: stored_code(&self.organisation_code)?,
            questionnaire_id: self.questionnaire_id,
            questionnaire_version: self.questionnaire_version,
            answers,
            state,
            mode,
            started_at: self.started_at,
            updated_at: self.updated_at,
            submitted_at: self.submitted_at,
            revision: self.revision,
        })
    }
}

macro_rules! select_responses {
    ($rest:literal) => {
        concat!(
            "SELECT wave_id, organisation_code, questionnaire_id, questionnaire_version, answers, state, mode, interview_date,
                    interviewees, started_at, updated_at, submitted_at, revision
             FROM responses ",
            $rest
        )
    };
}

/// A change to one response's answers.
#[derive(Clone, Debug)]
pub struct SaveAnswers<'a> {
    pub wave: &'a WaveId,
    pub organisation: &'a OrgCode,
    pub questionnaire_id: &'a str,
    pub questionnaire_version: i64,
    /// All answers of the response after the change.
    pub answers: &'a Answers,
    pub mode: &'a Mode,
    /// The revision the change was based on; `None` when the response was not started yet.
    pub based_on: Option<i64>,
    pub edit: Edit,
    /// Hand the response in with this change.
    pub submit: bool,
}

#[derive(sqlx::FromRow)]
struct ProgressRow {
    organisation_code: String,
    state: String,
    mode: String,
    updated_at: DateTime<Utc>,
    submitted_at: Option<DateTime<Utc>>,
}

/// How far one organisation is in a wave, for the fieldwork overview.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Progress {
    pub organisation: OrgCode,
    pub state: ResponseState,
    pub mode: &'static str,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
}

impl Store {
    pub async fn response(&self, wave: &WaveId, organisation: &OrgCode) -> Result<Option<Response>, StoreError> {
        const SQL: &str = select_responses!("WHERE wave_id = $1 AND organisation_code = $2");
        let row: Option<ResponseRow> =
            with_pool!(self, |pool| sqlx::query_as(SQL).bind(wave.as_str()).bind(organisation.as_str()).fetch_optional(pool).await)?;
        row.map(ResponseRow::into_response).transpose()
    }

    /// Saves answers (and submits, when asked), with the answers that changed in the audit log. A save based on a
    /// revision that is no longer the stored one changes nothing and is `Conflict::Stale(Record::Response)`.
    pub async fn save_answers(&self, save: &SaveAnswers<'_>, author: &Author) -> Result<Response, StoreError> {
        const INSERT: &str = "INSERT INTO responses (wave_id, organisation_code, questionnaire_id, questionnaire_version, answers,
                state, mode, interview_date, interviewees, started_at, updated_at, submitted_at, revision)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, 1)";
        const UPDATE: &str = "UPDATE responses SET questionnaire_id = $3, questionnaire_version = $4, answers = $5, mode = $6,
                interview_date = $7, interviewees = $8, updated_at = $9,
                state = CASE WHEN $10 THEN 'submitted' ELSE state END,
                submitted_at = CASE WHEN $10 THEN $9 ELSE submitted_at END,
                revision = revision + 1
            WHERE wave_id = $1 AND organisation_code = $2 AND revision = $11";
        let before = self.response(save.wave, save.organisation).await?;
        if before.as_ref().map(|r| r.revision) != save.based_on {
            return Err(StoreError::Conflict(Conflict::Stale(Record::Response)));
        }
        let at = now();
        let json = serde_json::to_string(save.answers).map_err(|e| StoreError::Corrupt(format!("answers do not serialise: {e}")))?;
        let (interview_date, interviewees) = match save.mode {
            Mode::Online => (None, None),
            Mode::Interview { date, interviewees } => (Some(*date), Some(interviewees.as_str())),
        };
        let empty = Answers::new();
        let (changed_before, changed_after) = changed_answers(before.as_ref().map_or(&empty, |r| &r.answers), save.answers);
        let action = match (save.submit, save.edit) {
            (true, _) => "response.submit",
            (false, Edit::Correction) => "response.correct",
            (false, Edit::Draft) => "response.save",
        };
        let change = author.change(
            action,
            format!("{}/{}", save.wave, save.organisation),
            before.as_ref().map(|_| serde_json::json!({"answers": changed_before})),
            Some(serde_json::json!({"answers": changed_after, "mode": save.mode.code()})),
        );
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let written = match save.based_on {
                None => {
                    sqlx::query(INSERT)
                        .bind(save.wave.as_str())
                        .bind(save.organisation.as_str())
                        .bind(save.questionnaire_id)
                        .bind(save.questionnaire_version)
                        .bind(&json)
                        .bind(if save.submit { "submitted" } else { "draft" })
                        .bind(save.mode.code())
                        .bind(interview_date)
                        .bind(interviewees)
                        .bind(at)
                        .bind(save.submit.then_some(at))
                        .execute(&mut *tx)
                        .await
                }
                Some(revision) => {
                    sqlx::query(UPDATE)
                        .bind(save.wave.as_str())
                        .bind(save.organisation.as_str())
                        .bind(save.questionnaire_id)
                        .bind(save.questionnaire_version)
                        .bind(&json)
                        .bind(save.mode.code())
                        .bind(interview_date)
                        .bind(interviewees)
                        .bind(at)
                        .bind(save.submit)
                        .bind(revision)
                        .execute(&mut *tx)
                        .await
                }
            };
            match written {
                Ok(done) if done.rows_affected() == 1 => {}
                Ok(_) => return Err(StoreError::Conflict(Conflict::Stale(Record::Response))),
                Err(error) => {
                    let error = StoreError::from(error);
                    // Two first saves at once: the second finds the primary key taken.
                    return Err(if matches!(error, StoreError::Conflict(_)) {
                        StoreError::Conflict(Conflict::Stale(Record::Response))
                    } else {
                        error
                    });
                }
            }
            audit_query!(change).execute(&mut *tx).await?;
            tx.commit().await.map_err(StoreError::from)
        })?;
        self.response(save.wave, save.organisation).await?.ok_or(StoreError::NotFound)
    }

    /// Makes a submitted response a draft again, so that the municipality can change it.
    pub async fn reopen_response(&self, response: &Response, author: &Author) -> Result<(), StoreError> {
        const UPDATE: &str = "UPDATE responses SET state = 'draft', submitted_at = NULL, updated_at = $3, revision = revision + 1
            WHERE wave_id = $1 AND organisation_code = $2 AND revision = $4 AND state = 'submitted'";
        let change = author.change(
            "response.reopen",
            format!("{}/{}", response.wave, response.organisation),
            Some(serde_json::json!({"state": "submitted"})),
            Some(serde_json::json!({"state": "draft"})),
        );
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let done = sqlx::query(UPDATE)
                .bind(response.wave.as_str())
                .bind(response.organisation.as_str())
                .bind(now())
                .bind(response.revision)
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() != 1 {
                return Err(StoreError::Conflict(Conflict::Stale(Record::Response)));
            }
            audit_query!(change).execute(&mut *tx).await?;
            tx.commit().await.map_err(StoreError::from)
        })
    }

    /// Where every started response of a wave stands, by organisation code.
    pub async fn progress(&self, wave: &WaveId) -> Result<Vec<Progress>, StoreError> {
        const SQL: &str = "SELECT organisation_code, state, mode, updated_at, submitted_at FROM responses
            WHERE wave_id = $1 ORDER BY organisation_code";
        let rows: Vec<ProgressRow> = with_pool!(self, |pool| sqlx::query_as(SQL).bind(wave.as_str()).fetch_all(pool).await)?;
        rows.into_iter()
            .map(|row| {
                Ok(Progress {
                    organisation: stored_code(&row.organisation_code)?,
                    state: ResponseState::parse(&row.state)
                        .ok_or_else(|| StoreError::Corrupt(format!("response state '{}'", row.state)))?,
                    mode: if row.mode == "interview" { "interview" } else { "online" },
                    updated_at: row.updated_at,
                    submitted_at: row.submitted_at,
                })
            })
            .collect()
    }
}

/// The answers that differ between `before` and `after`, each side holding only those questions.
fn changed_answers(before: &Answers, after: &Answers) -> (Answers, Answers) {
    let names: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    let mut old = Answers::new();
    let mut new = Answers::new();
    for name in names {
        let (b, a) = (before.get(name), after.get(name));
        if b != a {
            if let Some(b) = b {
                old.insert(name.clone(), b.clone());
            }
            if let Some(a) = a {
                new.insert(name.clone(), a.clone());
            }
        }
    }
    (old, new)
}
