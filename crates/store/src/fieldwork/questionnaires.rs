//! Questionnaire texts. A stored version never changes, because answers refer to it: importing a changed text
//! adds the next version, and the waves still being prepared or in fieldwork move on to it.

use chrono::{DateTime, Utc};
use domain::audit::Author;
use sha2::{Digest, Sha256};

use crate::audit::audit_query;
use crate::connect::{now, with_pool};
use crate::{Store, StoreError};

/// A questionnaire version as stored: the text itself, to be parsed by the domain when used.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct StoredQuestionnaire {
    pub id: String,
    pub version: i64,
    /// The `version` written in the file, shown beside the stored number.
    pub file_version: String,
    pub title: String,
    pub source: String,
    pub imported_at: DateTime<Utc>,
}

impl StoredQuestionnaire {
    /// The questionnaire this text defines. It was checked when it was imported, so an error here means the stored
    /// text was changed behind the product's back.
    pub fn parse(&self) -> Result<domain::questionnaire::Questionnaire, StoreError> {
        domain::questionnaire::parse_questionnaire_toml(&self.source, &format!("{} version {}", self.id, self.version)).map_err(|errors| {
            let first = errors.first().map(ToString::to_string).unwrap_or_default();
            StoreError::Corrupt(format!("the stored questionnaire does not parse: {first}"))
        })
    }
}

/// What importing a questionnaire text did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct QuestionnaireImport {
    pub version: i64,
    /// The text equals the latest stored version: nothing was written.
    pub unchanged: bool,
    /// Waves in draft or open that now ask this version.
    pub waves_moved: Vec<String>,
}

macro_rules! select_questionnaires {
    ($rest:literal) => {
        concat!("SELECT id, version, file_version, title, source, imported_at FROM questionnaires ", $rest)
    };
}

impl Store {
    /// Stores a questionnaire text that the domain has parsed and checked. `id`, `file_version` and `title` are
    /// what the text says.
    pub async fn import_questionnaire(
        &self,
        id: &str,
        file_version: &str,
        title: &str,
        source: &str,
        author: &Author,
    ) -> Result<QuestionnaireImport, StoreError> {
        const LATEST: &str = "SELECT version, source_sha256 FROM questionnaires WHERE id = $1 ORDER BY version DESC LIMIT 1";
        const INSERT: &str = "INSERT INTO questionnaires (id, version, file_version, title, source, source_sha256, imported_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)";
        const MOVABLE: &str = "SELECT id FROM waves WHERE questionnaire_id = $1 AND state IN ('draft', 'open') ORDER BY id";
        const MOVE: &str = "UPDATE waves SET questionnaire_version = $2 WHERE id = $1";
        let fingerprint: String = Sha256::digest(source.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect();
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let latest: Option<(i64, String)> = sqlx::query_as(LATEST).bind(id).fetch_optional(&mut *tx).await?;
            if let Some((version, stored)) = &latest
                && *stored == fingerprint
            {
                return Ok(QuestionnaireImport { version: *version, unchanged: true, waves_moved: Vec::new() });
            }
            let version = latest.map_or(1, |(version, _)| version + 1);
            sqlx::query(INSERT)
                .bind(id)
                .bind(version)
                .bind(file_version)
                .bind(title)
                .bind(source)
                .bind(&fingerprint)
                .bind(now())
                .execute(&mut *tx)
                .await?;
            let change = author.change(
                "questionnaire.import",
                format!("{id} version {version}"),
                None,
                Some(serde_json::json!({"file_version": file_version, "sha256": fingerprint})),
            );
            audit_query!(change).execute(&mut *tx).await?;
            let waves: Vec<String> = sqlx::query_scalar(MOVABLE).bind(id).fetch_all(&mut *tx).await?;
            for wave in &waves {
                sqlx::query(MOVE).bind(wave).bind(version).execute(&mut *tx).await?;
                let change = author.change(
                    "wave.questionnaire",
                    wave.clone(),
                    Some(serde_json::json!({"questionnaire_version": version - 1})),
                    Some(serde_json::json!({"questionnaire_version": version})),
                );
                audit_query!(change).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(QuestionnaireImport { version, unchanged: false, waves_moved: waves })
        })
    }

    /// One stored version of a questionnaire.
    pub async fn questionnaire(&self, id: &str, version: i64) -> Result<StoredQuestionnaire, StoreError> {
        const SQL: &str = select_questionnaires!("WHERE id = $1 AND version = $2");
        Ok(with_pool!(self, |pool| sqlx::query_as(SQL).bind(id).bind(version).fetch_one(pool).await)?)
    }

    /// The newest version of a questionnaire.
    pub async fn latest_questionnaire(&self, id: &str) -> Result<StoredQuestionnaire, StoreError> {
        const SQL: &str = select_questionnaires!("WHERE id = $1 ORDER BY version DESC LIMIT 1");
        Ok(with_pool!(self, |pool| sqlx::query_as(SQL).bind(id).fetch_one(pool).await)?)
    }

    /// Every stored version of every questionnaire, by id and version.
    pub async fn questionnaires(&self) -> Result<Vec<StoredQuestionnaire>, StoreError> {
        const SQL: &str = select_questionnaires!("ORDER BY id, version");
        Ok(with_pool!(self, |pool| sqlx::query_as(SQL).fetch_all(pool).await)?)
    }
}
