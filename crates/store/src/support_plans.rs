//! Proposals of regional meetings: stored whole with their settings, wave, author and time; adjusted only on the
//! revision that was read (an edit from an outdated page is `Conflict::Stale(Record::SupportPlan)`, not lost work);
//! and the record of every invitation sent for them. Every change writes its audit entry in its transaction.

use chrono::{DateTime, Utc};
use domain::audit::Author;
use domain::fieldwork::WaveId;
use domain::register::OrgCode;
use domain::support::{FormFilter, Grouping, Invitee, Meeting, Proposal, Reason, Region, Request, Settings, Uncovered};

use crate::audit::{as_json, audit_query};
use crate::connect::{now, with_pool};
use crate::register::stored_code;
use crate::{Conflict, Record, Store, StoreError};

/// A proposal as stored.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredProposal {
    pub id: i64,
    pub wave: WaveId,
    /// Who ran the planner, as the audit log describes actors.
    pub author: String,
    pub created_at: DateTime<Utc>,
    /// Grows with every adjustment; an adjustment names the revision it was made on.
    pub revision: i64,
    pub proposal: Proposal,
}

/// How an invitation to a meeting went.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitationOutcome {
    Sent,
    /// The mail server could not be reached or refused for now: worth sending again.
    Failed,
    /// The address was refused for good.
    Bounced,
    /// The municipality has no contact address: nothing was sent.
    NoAddress,
}

impl InvitationOutcome {
    const ALL: [InvitationOutcome; 4] =
        [InvitationOutcome::Sent, InvitationOutcome::Failed, InvitationOutcome::Bounced, InvitationOutcome::NoAddress];

    pub fn code(self) -> &'static str {
        match self {
            InvitationOutcome::Sent => "sent",
            InvitationOutcome::Failed => "failed",
            InvitationOutcome::Bounced => "bounced",
            InvitationOutcome::NoAddress => "no_address",
        }
    }
}

/// One invitation to a meeting, tried or not possible.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeetingInvitation {
    pub meeting: u32,
    pub organisation: OrgCode,
    /// Empty without an address.
    pub recipient: String,
    pub outcome: InvitationOutcome,
    /// Where it went, or why not.
    pub detail: String,
    pub at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct PlanRow {
    id: i64,
    wave_id: String,
    grouping_kind: String,
    meetings_per_region: Option<i64>,
    max_km: Option<f64>,
    group_size: i64,
    support_form: String,
    author: String,
    created_at: DateTime<Utc>,
    revision: i64,
}

impl PlanRow {
    fn settings(&self) -> Result<Settings, StoreError> {
        let corrupt = |what: &str| StoreError::Corrupt(format!("support plan {} has {what}", self.id));
        let grouping = match (self.grouping_kind.as_str(), self.meetings_per_region, self.max_km) {
            ("region", Some(meetings), _) => {
                Grouping::PerRegion { meetings: u32::try_from(meetings).map_err(|_| corrupt("an impossible number of meetings"))? }
            }
            ("distance", _, Some(km)) => Grouping::WithinDistance { km },
            _ => return Err(corrupt("no grouping")),
        };
        Ok(Settings {
            grouping,
            group_size: u32::try_from(self.group_size).map_err(|_| corrupt("an impossible group size"))?,
            form: FormFilter::from_code(&self.support_form).ok_or_else(|| corrupt("an unknown form of support"))?,
        })
    }
}

/// A plan's meetings (number, block, province, host), invitees (meeting, code, distance) and uncovered requests
/// (code, block, reason), as read.
type PlanContentRows = (Vec<(i64, String, Option<String>, String)>, Vec<(i64, String, Option<f64>)>, Vec<(String, String, String)>);

macro_rules! select_plans {
    ($rest:literal) => {
        concat!(
            "SELECT id, wave_id, grouping_kind, meetings_per_region, max_km, group_size, support_form, author, created_at, revision
             FROM support_plans ",
            $rest
        )
    };
}

/// Writes the meetings, invitees and uncovered requests of `$proposal` for plan `$id` inside transaction `$tx`.
macro_rules! insert_content {
    ($tx:expr, $id:expr, $proposal:expr) => {{
        const MEETING: &str =
            "INSERT INTO support_meetings (plan_id, number, block_code, province_code, host_code) VALUES ($1, $2, $3, $4, $5)";
        const INVITEE: &str =
            "INSERT INTO support_invitees (plan_id, meeting_number, organisation_code, distance_km) VALUES ($1, $2, $3, $4)";
        const UNCOVERED: &str = "INSERT INTO support_uncovered (plan_id, organisation_code, block_code, reason) VALUES ($1, $2, $3, $4)";
        for meeting in &$proposal.meetings {
            let province = match &meeting.region {
                Region::Province(code) => Some(code.as_str()),
                Region::AroundHost => None,
            };
            sqlx::query(MEETING)
                .bind($id)
                .bind(i64::from(meeting.number))
                .bind(&meeting.block)
                .bind(province)
                .bind(meeting.host.as_str())
                .execute(&mut *$tx)
                .await?;
            for invitee in &meeting.invitees {
                sqlx::query(INVITEE)
                    .bind($id)
                    .bind(i64::from(meeting.number))
                    .bind(invitee.organisation.as_str())
                    .bind(invitee.distance_km)
                    .execute(&mut *$tx)
                    .await?;
            }
        }
        for uncovered in &$proposal.uncovered {
            sqlx::query(UNCOVERED)
                .bind($id)
                .bind(uncovered.request.organisation.as_str())
                .bind(&uncovered.request.block)
                .bind(uncovered.reason.code())
                .execute(&mut *$tx)
                .await?;
        }
    }};
}

/// The audit log's record of a proposal: its settings and, per meeting, topic, host and invitees.
fn summary(proposal: &Proposal) -> serde_json::Value {
    let meetings: Vec<serde_json::Value> = proposal
        .meetings
        .iter()
        .map(|m| {
            serde_json::json!({
                "number": m.number,
                "block": m.block,
                "host": m.host,
                "invitees": m.invitees.iter().map(|i| i.organisation.as_str()).collect::<Vec<_>>(),
            })
        })
        .collect();
    serde_json::json!({"settings": as_json(&proposal.settings), "meetings": meetings, "uncovered": proposal.uncovered.len()})
}

impl Store {
    /// Stores a new proposal for `wave`, at revision 1.
    pub async fn create_support_plan(&self, wave: &WaveId, proposal: &Proposal, author: &Author) -> Result<StoredProposal, StoreError> {
        const INSERT: &str = "INSERT INTO support_plans (wave_id, grouping_kind, meetings_per_region, max_km, group_size, support_form,
                author, created_at, revision)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1) RETURNING id";
        let settings = &proposal.settings;
        let (kind, meetings, km) = match settings.grouping {
            Grouping::PerRegion { meetings } => ("region", Some(i64::from(meetings)), None),
            Grouping::WithinDistance { km } => ("distance", None, Some(km)),
        };
        let created_at = now();
        let id = with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let id: i64 = sqlx::query_scalar(INSERT)
                .bind(wave.as_str())
                .bind(kind)
                .bind(meetings)
                .bind(km)
                .bind(i64::from(settings.group_size))
                .bind(settings.form.code())
                .bind(author.actor.describe())
                .bind(created_at)
                .fetch_one(&mut *tx)
                .await?;
            insert_content!(tx, id, proposal);
            let mut after = summary(proposal);
            after["wave"] = serde_json::json!(wave.as_str());
            let change = author.change("support_plan.create", format!("support_plan:{id}"), None, Some(after));
            audit_query!(change).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok::<i64, StoreError>(id)
        })?;
        Ok(StoredProposal { id, wave: wave.clone(), author: author.actor.describe(), created_at, revision: 1, proposal: proposal.clone() })
    }

    /// Replaces the content of proposal `id` with `proposal`, if it is still at revision `based_on`; otherwise
    /// nothing changes and the answer is `Conflict::Stale(Record::SupportPlan)`. `action` names the adjustment in
    /// the audit log (`support_plan.remove_invitee`, ...), `detail` what was adjusted. Returns the new revision.
    pub async fn adjust_support_plan(
        &self,
        id: i64,
        based_on: i64,
        proposal: &Proposal,
        action: &'static str,
        detail: serde_json::Value,
        author: &Author,
    ) -> Result<i64, StoreError> {
        const BUMP: &str = "UPDATE support_plans SET revision = revision + 1 WHERE id = $1 AND revision = $2";
        const EXISTS: &str = "SELECT COUNT(*) FROM support_plans WHERE id = $1";
        const CLEAR: [&str; 3] = [
            "DELETE FROM support_invitees WHERE plan_id = $1",
            "DELETE FROM support_meetings WHERE plan_id = $1",
            "DELETE FROM support_uncovered WHERE plan_id = $1",
        ];
        let mut after = summary(proposal);
        after["adjustment"] = detail;
        after["revision"] = serde_json::json!(based_on + 1);
        let change = author.change(action, format!("support_plan:{id}"), Some(serde_json::json!({"revision": based_on})), Some(after));
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let bumped = sqlx::query(BUMP).bind(id).bind(based_on).execute(&mut *tx).await?.rows_affected();
            if bumped == 0 {
                let exists: i64 = sqlx::query_scalar(EXISTS).bind(id).fetch_one(&mut *tx).await?;
                return Err(if exists == 0 { StoreError::NotFound } else { StoreError::Conflict(Conflict::Stale(Record::SupportPlan)) });
            }
            for sql in CLEAR {
                sqlx::query(sql).bind(id).execute(&mut *tx).await?;
            }
            insert_content!(tx, id, proposal);
            audit_query!(change).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(based_on + 1)
        })
    }

    /// One proposal, whole.
    pub async fn support_plan(&self, id: i64) -> Result<StoredProposal, StoreError> {
        const SQL: &str = select_plans!("WHERE id = $1");
        let row: PlanRow = with_pool!(self, |pool| sqlx::query_as(SQL).bind(id).fetch_one(pool).await)?;
        self.read_plan(row).await
    }

    /// The proposals made for a wave, newest first.
    pub async fn support_plans(&self, wave: &WaveId) -> Result<Vec<StoredProposal>, StoreError> {
        const SQL: &str = select_plans!("WHERE wave_id = $1 ORDER BY id DESC");
        let rows: Vec<PlanRow> = with_pool!(self, |pool| sqlx::query_as(SQL).bind(wave.as_str()).fetch_all(pool).await)?;
        let mut plans = Vec::with_capacity(rows.len());
        for row in rows {
            plans.push(self.read_plan(row).await?);
        }
        Ok(plans)
    }

    async fn read_plan(&self, row: PlanRow) -> Result<StoredProposal, StoreError> {
        const MEETINGS: &str =
            "SELECT number, block_code, province_code, host_code FROM support_meetings WHERE plan_id = $1 ORDER BY number";
        const INVITEES: &str = "SELECT meeting_number, organisation_code, distance_km FROM support_invitees WHERE plan_id = $1
            ORDER BY meeting_number, organisation_code";
        const UNCOVERED: &str =
            "SELECT organisation_code, block_code, reason FROM support_uncovered WHERE plan_id = $1 ORDER BY block_code, organisation_code";
        let settings = row.settings()?;
        let (meetings, invitees, uncovered): PlanContentRows = with_pool!(self, |pool| {
            let meetings = sqlx::query_as(MEETINGS).bind(row.id).fetch_all(pool).await?;
            let invitees = sqlx::query_as(INVITEES).bind(row.id).fetch_all(pool).await?;
            let uncovered = sqlx::query_as(UNCOVERED).bind(row.id).fetch_all(pool).await?;
            Ok::<_, sqlx::Error>((meetings, invitees, uncovered))
        })?;
        let corrupt = |what: String| StoreError::Corrupt(format!("support plan {}: {what}", row.id));
        let mut read = Vec::with_capacity(meetings.len());
        for (number, block, province, host) in meetings {
            let number = u32::try_from(number).map_err(|_| corrupt(format!("meeting number {number}")))?;
            let invitees = invitees
                .iter()
                .filter(|(meeting, _, _)| *meeting == i64::from(number))
                .map(|(_, code, distance)| Ok(Invitee { organisation: stored_code(code)?, distance_km: *distance }))
                .collect::<Result<Vec<_>, StoreError>>()?;
            let region = match province {
                Some(code) => Region::Province(stored_code(&code)?),
                None => Region::AroundHost,
            };
            read.push(Meeting { number, block, region, host: stored_code(&host)?, invitees });
        }
        let uncovered = uncovered
            .into_iter()
            .map(|(code, block, reason)| {
                let reason = Reason::from_code(&reason).ok_or_else(|| corrupt(format!("reason '{reason}'")))?;
                Ok(Uncovered { request: Request { organisation: stored_code(&code)?, block }, reason })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(StoredProposal {
            id: row.id,
            wave: WaveId::parse(&row.wave_id).map_err(StoreError::Corrupt)?,
            author: row.author,
            created_at: row.created_at,
            revision: row.revision,
            proposal: Proposal { settings, meetings: read, uncovered },
        })
    }

    /// Records an invitation to a meeting that was tried, or could not be (no address).
    pub async fn record_meeting_invitation(&self, plan: i64, invitation: &MeetingInvitation) -> Result<(), StoreError> {
        const INSERT: &str = "INSERT INTO support_messages (plan_id, meeting_number, organisation_code, recipient, status, detail, at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)";
        with_pool!(self, |pool| {
            sqlx::query(INSERT)
                .bind(plan)
                .bind(i64::from(invitation.meeting))
                .bind(invitation.organisation.as_str())
                .bind(&invitation.recipient)
                .bind(invitation.outcome.code())
                .bind(&invitation.detail)
                .bind(invitation.at)
                .execute(pool)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// The invitations recorded for a proposal, oldest first.
    pub async fn meeting_invitations(&self, plan: i64) -> Result<Vec<MeetingInvitation>, StoreError> {
        const SQL: &str = "SELECT meeting_number, organisation_code, recipient, status, detail, at FROM support_messages
            WHERE plan_id = $1 ORDER BY id";
        let rows: Vec<(i64, String, String, String, String, DateTime<Utc>)> =
            with_pool!(self, |pool| sqlx::query_as(SQL).bind(plan).fetch_all(pool).await)?;
        rows.into_iter()
            .map(|(meeting, code, recipient, status, detail, at)| {
                let outcome = InvitationOutcome::ALL
                    .into_iter()
                    .find(|o| o.code() == status)
                    .ok_or_else(|| StoreError::Corrupt(format!("invitation status '{status}'")))?;
                let meeting = u32::try_from(meeting).map_err(|_| StoreError::Corrupt(format!("meeting number {meeting}")))?;
                Ok(MeetingInvitation { meeting, organisation: stored_code(&code)?, recipient, outcome, detail, at })
            })
            .collect()
    }
}
