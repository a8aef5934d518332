//! The register of collaborations: each with its members and areas, entered by the team or taken from a survey
//! answer after review. Every change is one transaction with its audit entry; an edit names the revision it was
//! based on, and a review the response revision it read, so that neither overwrites what it did not see.

use std::collections::{BTreeMap, BTreeSet};

use domain::audit::Author;
use domain::collaboration::{Area, Collaboration, CollaborationDraft, Review, Source, Step, SurveyAnswer, partners};
use domain::fieldwork::WaveId;
use domain::questionnaire::Answers;
use domain::register::OrgCode;

use crate::audit::audit_query;
use crate::connect::{now, with_pool};
use crate::register::stored_code;
use crate::{Conflict, Record, Store, StoreError};

#[derive(sqlx::FromRow)]
struct CollaborationRow {
    id: i64,
    name: String,
    source_wave_id: Option<String>,
    source_organisation_code: Option<String>,
    simulated: bool,
    revision: i64,
}

#[derive(sqlx::FromRow)]
struct ReviewRow {
    wave_id: String,
    organisation_code: String,
    revision: i64,
    answers: String,
}

const SELECT: &str = "SELECT id, name, source_wave_id, source_organisation_code, simulated, revision FROM collaborations ORDER BY name, id";
const SELECT_ONE: &str = "SELECT id, name, source_wave_id, source_organisation_code, simulated, revision FROM collaborations WHERE id = $1";
const MEMBERS: &str = "SELECT collaboration_id, organisation_code FROM collaboration_members WHERE ($1 IS NULL OR collaboration_id = $1)";
const AREAS: &str = "SELECT collaboration_id, area FROM collaboration_areas WHERE ($1 IS NULL OR collaboration_id = $1)";
const INSERT: &str =
    "INSERT INTO collaborations (name, source_wave_id, source_organisation_code, simulated, revision, created_at, updated_at)
    VALUES ($1, $2, $3, COALESCE((SELECT simulated FROM waves WHERE id = $2), FALSE), 1, $4, $4) RETURNING id";
const INSERT_MEMBER: &str =
    "INSERT INTO collaboration_members (collaboration_id, organisation_code) VALUES ($1, $2) ON CONFLICT DO NOTHING";
const INSERT_AREA: &str = "INSERT INTO collaboration_areas (collaboration_id, area) VALUES ($1, $2) ON CONFLICT DO NOTHING";
const TOUCH: &str = "UPDATE collaborations SET revision = revision + 1, updated_at = $2 WHERE id = $1";

/// Inserts a draft with its members and areas inside the transaction `$tx`, and gives its id.
macro_rules! insert_draft {
    ($tx:expr, $draft:expr, $wave:expr, $organisation:expr) => {{
        let id: i64 =
            sqlx::query_scalar(INSERT).bind(&$draft.name).bind($wave).bind($organisation).bind(now()).fetch_one(&mut *$tx).await?;
        for member in &$draft.members {
            sqlx::query(INSERT_MEMBER).bind(id).bind(member.as_str()).execute(&mut *$tx).await?;
        }
        for area in &$draft.areas {
            sqlx::query(INSERT_AREA).bind(id).bind(area.code()).execute(&mut *$tx).await?;
        }
        id
    }};
}

/// A collaboration's state as the audit log keeps it.
fn state(draft: &CollaborationDraft) -> serde_json::Value {
    serde_json::json!({
        "name": draft.name,
        "members": draft.members.iter().map(OrgCode::as_str).collect::<Vec<_>>(),
        "areas": draft.areas.iter().map(|a| a.code()).collect::<Vec<_>>(),
    })
}

fn draft_of(collaboration: &Collaboration) -> CollaborationDraft {
    CollaborationDraft { name: collaboration.name.clone(), members: collaboration.members.clone(), areas: collaboration.areas.clone() }
}

impl Store {
    /// Every registered collaboration, by name.
    pub async fn collaborations(&self) -> Result<Vec<Collaboration>, StoreError> {
        let rows: Vec<CollaborationRow> = with_pool!(self, |pool| sqlx::query_as(SELECT).fetch_all(pool).await)?;
        self.assemble(rows, None).await
    }

    /// One collaboration; `NotFound` when there is none with this id.
    pub async fn collaboration(&self, id: i64) -> Result<Collaboration, StoreError> {
        let rows: Vec<CollaborationRow> = with_pool!(self, |pool| sqlx::query_as(SELECT_ONE).bind(id).fetch_all(pool).await)?;
        self.assemble(rows, Some(id)).await?.pop().ok_or(StoreError::NotFound)
    }

    async fn assemble(&self, rows: Vec<CollaborationRow>, only: Option<i64>) -> Result<Vec<Collaboration>, StoreError> {
        let members: Vec<(i64, String)> = with_pool!(self, |pool| sqlx::query_as(MEMBERS).bind(only).fetch_all(pool).await)?;
        let areas: Vec<(i64, String)> = with_pool!(self, |pool| sqlx::query_as(AREAS).bind(only).fetch_all(pool).await)?;
        let mut members_of: BTreeMap<i64, BTreeSet<OrgCode>> = BTreeMap::new();
        for (id, code) in members {
            members_of.entry(id).or_default().insert(stored_code(&code)?);
        }
        let mut areas_of: BTreeMap<i64, BTreeSet<Area>> = BTreeMap::new();
        for (id, code) in areas {
            let area = Area::parse(&code).ok_or_else(|| StoreError::Corrupt(format!("collaboration {id}: area '{code}'")))?;
            areas_of.entry(id).or_default().insert(area);
        }
        rows.into_iter()
            .map(|row| {
                let source = match (row.source_wave_id, row.source_organisation_code) {
                    (Some(wave), Some(organisation)) => Source::Survey {
                        wave: WaveId::parse(&wave).map_err(StoreError::Corrupt)?,
                        organisation: stored_code(&organisation)?,
                    },
                    _ => Source::Team,
                };
                Ok(Collaboration {
                    members: members_of.remove(&row.id).unwrap_or_default(),
                    areas: areas_of.remove(&row.id).unwrap_or_default(),
                    id: row.id,
                    name: row.name,
                    source,
                    simulated: row.simulated,
                    revision: row.revision,
                })
            })
            .collect()
    }

    /// Enters a collaboration by hand (the source is the team), and gives its id.
    pub async fn create_collaboration(&self, draft: &CollaborationDraft, author: &Author) -> Result<i64, StoreError> {
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let id = insert_draft!(tx, draft, None::<&str>, None::<&str>);
            let change = author.change("collaboration.create", format!("samenwerking {id}"), None, Some(state(draft)));
            audit_query!(change).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok::<i64, StoreError>(id)
        })
    }

    /// Replaces a collaboration's name, members and areas. An edit based on another revision than the stored one
    /// changes nothing and is `Conflict::Stale(Record::Collaboration)`.
    pub async fn update_collaboration(
        &self,
        id: i64,
        based_on: i64,
        draft: &CollaborationDraft,
        author: &Author,
    ) -> Result<(), StoreError> {
        const UPDATE: &str =
            "UPDATE collaborations SET name = $2, revision = revision + 1, updated_at = $3 WHERE id = $1 AND revision = $4";
        const CLEAR_MEMBERS: &str = "DELETE FROM collaboration_members WHERE collaboration_id = $1";
        const CLEAR_AREAS: &str = "DELETE FROM collaboration_areas WHERE collaboration_id = $1";
        let before = self.collaboration(id).await?;
        if before.revision != based_on {
            return Err(StoreError::Conflict(Conflict::Stale(Record::Collaboration)));
        }
        let change =
            author.change("collaboration.update", format!("samenwerking {id}"), Some(state(&draft_of(&before))), Some(state(draft)));
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let done = sqlx::query(UPDATE).bind(id).bind(&draft.name).bind(now()).bind(based_on).execute(&mut *tx).await?;
            if done.rows_affected() != 1 {
                return Err(StoreError::Conflict(Conflict::Stale(Record::Collaboration)));
            }
            sqlx::query(CLEAR_MEMBERS).bind(id).execute(&mut *tx).await?;
            sqlx::query(CLEAR_AREAS).bind(id).execute(&mut *tx).await?;
            for member in &draft.members {
                sqlx::query(INSERT_MEMBER).bind(id).bind(member.as_str()).execute(&mut *tx).await?;
            }
            for area in &draft.areas {
                sqlx::query(INSERT_AREA).bind(id).bind(area.code()).execute(&mut *tx).await?;
            }
            audit_query!(change).execute(&mut *tx).await?;
            tx.commit().await.map_err(StoreError::from)
        })
    }

    /// The submitted answers that name partners and have not been decided at their current revision: never
    /// reviewed, or changed since. Newest wave first, then by organisation.
    pub async fn answers_to_review(&self) -> Result<Vec<SurveyAnswer>, StoreError> {
        const SQL: &str = "SELECT r.wave_id, r.organisation_code, r.revision, r.answers FROM responses r
            JOIN waves w ON w.id = r.wave_id
            LEFT JOIN collaboration_reviews c ON c.wave_id = r.wave_id AND c.organisation_code = r.organisation_code
            WHERE r.state = 'submitted' AND (c.revision IS NULL OR c.revision <> r.revision)
            ORDER BY w.closes_on DESC, r.wave_id, r.organisation_code";
        let rows: Vec<ReviewRow> = with_pool!(self, |pool| sqlx::query_as(SQL).fetch_all(pool).await)?;
        let mut found = Vec::new();
        for row in rows {
            let answers: Answers = serde_json::from_str(&row.answers)
                .map_err(|e| StoreError::Corrupt(format!("response {}/{}: answers: {e}", row.wave_id, row.organisation_code)))?;
            let wave = WaveId::parse(&row.wave_id).map_err(StoreError::Corrupt)?;
            found.extend(SurveyAnswer::from_answers(wave, stored_code(&row.organisation_code)?, row.revision, &answers));
        }
        Ok(found)
    }

    /// Records the team's decision on `answer` and makes its changes, in one transaction, and gives the ids of the
    /// collaborations it created. `Conflict::Stale(Record::Response)` when the response changed since it was read;
    /// `Conflict::Stale(Record::Review)` when this revision was decided already.
    pub async fn review_answer(&self, answer: &SurveyAnswer, review: &Review, author: &Author) -> Result<Vec<i64>, StoreError> {
        const CURRENT: &str = "SELECT revision FROM responses WHERE wave_id = $1 AND organisation_code = $2 AND state = 'submitted'";
        const DECIDE: &str = "INSERT INTO collaboration_reviews (wave_id, organisation_code, revision, decision, decided_at)
            VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (wave_id, organisation_code) DO UPDATE
            SET revision = excluded.revision, decision = excluded.decision, decided_at = excluded.decided_at
            WHERE collaboration_reviews.revision <> excluded.revision";
        let wave = answer.wave.as_str();
        let organisation = answer.organisation.as_str();
        let target = format!("{wave}/{organisation}");
        let steps: &[Step] = match review {
            Review::Accepted(steps) => steps,
            Review::Rejected => &[],
        };
        let decided = author.change(
            "collaboration.review",
            target,
            None,
            Some(serde_json::json!({"decision": review.code(), "revision": answer.revision, "partners": answer.partners})),
        );
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let current: Option<i64> = sqlx::query_scalar(CURRENT).bind(wave).bind(organisation).fetch_optional(&mut *tx).await?;
            if current != Some(answer.revision) {
                return Err(StoreError::Conflict(Conflict::Stale(Record::Response)));
            }
            let done = sqlx::query(DECIDE)
                .bind(wave)
                .bind(organisation)
                .bind(answer.revision)
                .bind(review.code())
                .bind(now())
                .execute(&mut *tx)
                .await?;
            if done.rows_affected() != 1 {
                return Err(StoreError::Conflict(Conflict::Stale(Record::Review)));
            }
            audit_query!(decided).execute(&mut *tx).await?;
            let mut created = Vec::new();
            for step in steps {
                match step {
                    Step::Create(draft) => {
                        let id = insert_draft!(tx, draft, Some(wave), Some(organisation));
                        let change = author.change("collaboration.create", format!("samenwerking {id}"), None, Some(state(draft)));
                        audit_query!(change).execute(&mut *tx).await?;
                        created.push(id);
                    }
                    Step::Join { collaboration, member, areas } => {
                        let touched = sqlx::query(TOUCH).bind(*collaboration).bind(now()).execute(&mut *tx).await?;
                        if touched.rows_affected() != 1 {
                            return Err(StoreError::NotFound);
                        }
                        sqlx::query(INSERT_MEMBER).bind(*collaboration).bind(member.as_str()).execute(&mut *tx).await?;
                        for area in areas {
                            sqlx::query(INSERT_AREA).bind(*collaboration).bind(area.code()).execute(&mut *tx).await?;
                        }
                        let after =
                            serde_json::json!({"member": member.as_str(), "areas": areas.iter().map(|a| a.code()).collect::<Vec<_>>()});
                        let change = author.change("collaboration.join", format!("samenwerking {collaboration}"), None, Some(after));
                        audit_query!(change).execute(&mut *tx).await?;
                    }
                }
            }
            tx.commit().await?;
            Ok::<Vec<i64>, StoreError>(created)
        })
    }

    /// For every municipality that shares a registered collaboration with another, those others.
    pub async fn partners_by_organisation(&self) -> Result<BTreeMap<OrgCode, BTreeSet<OrgCode>>, StoreError> {
        Ok(partners(&self.collaborations().await?))
    }
}
