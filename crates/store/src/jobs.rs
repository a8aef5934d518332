//! Durable background work: a wave's letters as a job that any `inbeeld` process may carry out, one at a time.
//!
//! A job is claimed for a lease (`claim_job`), which the process renews while it works (`renew_lease`); a job whose
//! process died is taken over once its lease has run out. On PostgreSQL the claim skips jobs that another process
//! is claiming at that moment (`FOR UPDATE SKIP LOCKED`); SQLite has one writer at a time, so its claim is the same
//! update without that clause.
//!
//! A job's letters each have an idempotency key, (wave, organisation, kind, round), unique in the table. A letter is
//! marked `sending` in the transaction that also stores its link's hash, before the letter is handed to the mail
//! server, and it is marked with the outcome after. A letter found `sending` when a job is claimed was being sent
//! by a process that died: it may or may not have arrived, so it becomes `in_doubt` and is never sent again unless
//! the monitor team says so (`retry_in_doubt`). No municipality gets the same letter twice, whatever crashes.

use std::fmt;

use chrono::{DateTime, Utc};
use domain::audit::Change;
use domain::fieldwork::WaveId;
use domain::register::OrgCode;
use metrics::{Unit, describe_gauge, gauge};

use crate::audit::audit_query;
use crate::connect::{Pool, now, with_pool};
use crate::fieldwork::{MessageKind, MessageStatus, NewMessage, message_query};
use crate::register::stored_code;
use crate::sessions::wave_invitation_query;
use crate::{Store, StoreError};

const JOBS: &str = "inbeeld_jobs";
const LETTERS_BY_STATE: &str = "inbeeld_letters";

pub(crate) fn describe_metrics() {
    describe_gauge!(JOBS, Unit::Count, "Letter jobs of every process, by state: waiting, running or done.");
    describe_gauge!(
        LETTERS_BY_STATE,
        Unit::Count,
        "Letters of all jobs by state: waiting, sending, sent, bounced, failed (all tries made) or in_doubt (its sender died while sending)."
    );
}

/// A job's number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct JobId(pub i64);

impl fmt::Display for JobId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobState {
    /// Not claimed: due at `run_after`.
    Waiting,
    /// Claimed by a process until its lease runs out.
    Running,
    /// Every letter has an outcome.
    Done,
}

impl JobState {
    pub const ALL: [JobState; 3] = [JobState::Waiting, JobState::Running, JobState::Done];

    pub fn code(self) -> &'static str {
        match self {
            JobState::Waiting => "waiting",
            JobState::Running => "running",
            JobState::Done => "done",
        }
    }

    fn parse(code: &str) -> Result<Self, StoreError> {
        JobState::ALL.into_iter().find(|state| state.code() == code).ok_or_else(|| StoreError::Corrupt(format!("job state '{code}'")))
    }
}

/// What a job sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum JobKind {
    /// A wave's invitations or reminders.
    WaveLetters,
    /// The invitations to the meetings of a support proposal.
    MeetingLetters,
}

impl JobKind {
    pub fn code(self) -> &'static str {
        match self {
            JobKind::WaveLetters => "wave_letters",
            JobKind::MeetingLetters => "meeting_letters",
        }
    }

    fn parse(code: &str) -> Result<Self, StoreError> {
        [JobKind::WaveLetters, JobKind::MeetingLetters]
            .into_iter()
            .find(|kind| kind.code() == code)
            .ok_or_else(|| StoreError::Corrupt(format!("job kind '{code}'")))
    }
}

/// A wave's letters, sent in the background.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    pub id: JobId,
    pub kind: JobKind,
    pub wave: WaveId,
    pub state: JobState,
    /// When a waiting job may be claimed: at once, or after a pause.
    pub run_after: DateTime<Utc>,
    pub claimed_by: Option<String>,
    pub lease_until: Option<DateTime<Utc>>,
    /// How often the job was put back because the mail server refused for the time being.
    pub pauses: u32,
    /// Why the job waits, in Dutch, for the progress page; empty when it does not.
    pub note: String,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LetterState {
    /// To be sent at `next_attempt_at`.
    Waiting,
    /// Handed to the mail server, or about to be; the outcome is not yet recorded.
    Sending,
    Sent,
    /// Refused for good by the mail server: the address needs correcting.
    Bounced,
    /// Not sent after the last attempt the schedule allows.
    Failed,
    /// Its sender died while sending it: it may have arrived. Not sent again unless the team says so.
    InDoubt,
}

impl LetterState {
    pub const ALL: [LetterState; 6] =
        [LetterState::Waiting, LetterState::Sending, LetterState::Sent, LetterState::Bounced, LetterState::Failed, LetterState::InDoubt];

    pub fn code(self) -> &'static str {
        match self {
            LetterState::Waiting => "waiting",
            LetterState::Sending => "sending",
            LetterState::Sent => "sent",
            LetterState::Bounced => "bounced",
            LetterState::Failed => "failed",
            LetterState::InDoubt => "in_doubt",
        }
    }

    fn parse(code: &str) -> Result<Self, StoreError> {
        LetterState::ALL.into_iter().find(|state| state.code() == code).ok_or_else(|| StoreError::Corrupt(format!("letter state '{code}'")))
    }

    /// Whether the letter may still reach its municipality: a new letter of the same kind would be a second one.
    pub fn is_pending(self) -> bool {
        matches!(self, LetterState::Waiting | LetterState::Sending | LetterState::InDoubt)
    }
}

/// What a letter is: a wave's invitation or reminder, with a personal link, or an invitation to a meeting of a
/// support proposal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LetterKind {
    Invitation,
    Reminder,
    Meeting { plan: i64, meeting: u32 },
}

impl LetterKind {
    pub fn code(self) -> &'static str {
        match self {
            LetterKind::Invitation => "invitation",
            LetterKind::Reminder => "reminder",
            LetterKind::Meeting { .. } => "meeting",
        }
    }

    /// The wave's kind of letter, for a fieldwork letter.
    pub fn fieldwork(self) -> Option<MessageKind> {
        match self {
            LetterKind::Invitation => Some(MessageKind::Invitation),
            LetterKind::Reminder => Some(MessageKind::Reminder),
            LetterKind::Meeting { .. } => None,
        }
    }

    fn meeting(self) -> (Option<i64>, Option<i64>) {
        match self {
            LetterKind::Meeting { plan, meeting } => (Some(plan), Some(i64::from(meeting))),
            _ => (None, None),
        }
    }

    fn read(code: &str, plan: Option<i64>, meeting: Option<i64>) -> Result<Self, StoreError> {
        match (code, plan, meeting) {
            ("meeting", Some(plan), Some(meeting)) => {
                let meeting = u32::try_from(meeting).map_err(|_| StoreError::Corrupt(format!("meeting number {meeting}")))?;
                Ok(LetterKind::Meeting { plan, meeting })
            }
            _ => MessageKind::parse(code).map(LetterKind::from),
        }
    }
}

impl From<MessageKind> for LetterKind {
    fn from(kind: MessageKind) -> Self {
        match kind {
            MessageKind::Invitation => LetterKind::Invitation,
            MessageKind::Reminder => LetterKind::Reminder,
        }
    }
}

/// One letter of a job.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Letter {
    pub id: i64,
    pub job: JobId,
    pub wave: WaveId,
    pub organisation: OrgCode,
    pub kind: LetterKind,
    /// 1 for the first letter of this kind to this municipality in this wave, 2 for the next, and so on.
    pub round: u32,
    pub recipient: String,
    pub recipient_name: String,
    /// The letter as queued, for a letter that is written then; empty for a fieldwork letter.
    pub subject: String,
    pub body: String,
    pub state: LetterState,
    pub attempts: u32,
    pub next_attempt_at: DateTime<Utc>,
    /// The mail server's answer, or where the letter went.
    pub detail: String,
    pub updated_at: DateTime<Utc>,
}

/// A letter to queue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewLetter {
    pub organisation: OrgCode,
    pub kind: LetterKind,
    pub recipient: String,
    pub recipient_name: String,
    /// The letter itself when it holds no secret (an invitation to a meeting); empty for a fieldwork letter, which
    /// is written when it is sent, with a link made then.
    pub subject: String,
    pub body: String,
}

/// How many letters of a job are in each state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct LetterCounts {
    pub waiting: u32,
    pub sending: u32,
    pub sent: u32,
    pub bounced: u32,
    pub failed: u32,
    pub in_doubt: u32,
}

impl LetterCounts {
    pub fn total(&self) -> u32 {
        self.waiting + self.sending + self.sent + self.bounced + self.failed + self.in_doubt
    }

    /// Letters with an outcome.
    pub fn finished(&self) -> u32 {
        self.sent + self.bounced + self.failed + self.in_doubt
    }

    /// Counts a waiting letter as tried with `status`, for a watcher that does not read the table after each letter.
    /// A letter that failed counts as failed, even when it will be tried again.
    pub fn tried(&mut self, status: MessageStatus) {
        self.waiting = self.waiting.saturating_sub(1);
        match status {
            MessageStatus::Sent => self.sent += 1,
            MessageStatus::Bounced => self.bounced += 1,
            MessageStatus::Failed => self.failed += 1,
        }
    }

    /// How many letters are in `state`.
    pub fn of(&self, state: LetterState) -> u32 {
        match state {
            LetterState::Waiting => self.waiting,
            LetterState::Sending => self.sending,
            LetterState::Sent => self.sent,
            LetterState::Bounced => self.bounced,
            LetterState::Failed => self.failed,
            LetterState::InDoubt => self.in_doubt,
        }
    }

    /// Counts from the rows of a `SELECT state, COUNT(*) … GROUP BY state`.
    fn from_rows(rows: Vec<(String, i64)>) -> Result<Self, StoreError> {
        let mut counts = LetterCounts::default();
        for (state, count) in rows {
            let count = u32::try_from(count).unwrap_or(u32::MAX);
            match LetterState::parse(&state)? {
                LetterState::Waiting => counts.waiting += count,
                LetterState::Sending => counts.sending += count,
                LetterState::Sent => counts.sent += count,
                LetterState::Bounced => counts.bounced += count,
                LetterState::Failed => counts.failed += count,
                LetterState::InDoubt => counts.in_doubt += count,
            }
        }
        Ok(counts)
    }
}

/// What became of a letter that was handed to the mail server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LetterOutcome {
    Sent {
        detail: String,
    },
    Bounced {
        detail: String,
    },
    /// Refused or unreachable for now: tried again at `next_attempt_at`, or never again when `None`.
    NotYet {
        detail: String,
        next_attempt_at: Option<DateTime<Utc>>,
    },
}

/// The link of an invitation or reminder, stored (as a hash) with the letter's start.
#[derive(Clone, Copy, Debug)]
pub struct LinkToStore<'a> {
    pub token_hash: &'a str,
    pub expires_at: DateTime<Utc>,
}

/// The columns `job_from_row` reads, as a literal for `concat!`.
macro_rules! job_columns {
    () => {
        "id, kind, wave_id, state, run_after, claimed_by, lease_until, pauses, note, created_by, created_at, finished_at"
    };
}

/// The columns `letter_from_row` reads, as a literal for `concat!`.
macro_rules! letter_columns {
    () => {
        "id, job_id, wave_id, organisation_code, kind, support_plan_id, meeting_number, round, recipient, recipient_name, subject, body,
        state, attempts, next_attempt_at, detail, updated_at"
    };
}

type JobRow = (
    i64,
    String,
    String,
    String,
    DateTime<Utc>,
    Option<String>,
    Option<DateTime<Utc>>,
    i64,
    String,
    String,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
);
#[derive(sqlx::FromRow)]
struct LetterRow {
    id: i64,
    job_id: i64,
    wave_id: String,
    organisation_code: String,
    kind: String,
    support_plan_id: Option<i64>,
    meeting_number: Option<i64>,
    round: i64,
    recipient: String,
    recipient_name: String,
    subject: String,
    body: String,
    state: String,
    attempts: i64,
    next_attempt_at: DateTime<Utc>,
    detail: String,
    updated_at: DateTime<Utc>,
}

fn job_from_row(row: JobRow) -> Result<Job, StoreError> {
    let (id, kind, wave, state, run_after, claimed_by, lease_until, pauses, note, created_by, created_at, finished_at) = row;
    Ok(Job {
        id: JobId(id),
        kind: JobKind::parse(&kind)?,
        wave: WaveId::parse(&wave).map_err(|error| StoreError::Corrupt(format!("job {id}: {error}")))?,
        state: JobState::parse(&state)?,
        run_after,
        claimed_by,
        lease_until,
        pauses: u32::try_from(pauses).unwrap_or_default(),
        note,
        created_by,
        created_at,
        finished_at,
    })
}

fn letter_from_row(row: LetterRow) -> Result<Letter, StoreError> {
    let id = row.id;
    Ok(Letter {
        id,
        job: JobId(row.job_id),
        wave: WaveId::parse(&row.wave_id).map_err(|error| StoreError::Corrupt(format!("letter {id}: {error}")))?,
        organisation: stored_code(&row.organisation_code)?,
        kind: LetterKind::read(&row.kind, row.support_plan_id, row.meeting_number)?,
        round: u32::try_from(row.round).unwrap_or_default(),
        recipient: row.recipient,
        recipient_name: row.recipient_name,
        subject: row.subject,
        body: row.body,
        state: LetterState::parse(&row.state)?,
        attempts: u32::try_from(row.attempts).unwrap_or_default(),
        next_attempt_at: row.next_attempt_at,
        detail: row.detail,
        updated_at: row.updated_at,
    })
}

/// The idempotency key of a letter: the same letter always has the same key, and the table keeps one row per key.
fn idempotency_key(wave: &WaveId, organisation: &OrgCode, kind: LetterKind, round: i64) -> String {
    match kind {
        LetterKind::Meeting { plan, meeting } => format!("{wave}/{organisation}/meeting-{plan}-{meeting}/{round}"),
        _ => format!("{wave}/{organisation}/{}/{round}", kind.code()),
    }
}

impl Store {
    /// Queues `letters` of `wave` as one new job, with `change` in the audit log, in one transaction. A letter gets
    /// the next round for its municipality and kind; a letter that another run queued meanwhile under the same key
    /// is left out. The job and the municipalities whose letter it holds, or `None` when no letter was left to queue
    /// (and then nothing is written).
    pub async fn enqueue_letters(
        &self,
        wave: &WaveId,
        kind: JobKind,
        letters: &[NewLetter],
        created_by: &str,
        change: &Change,
    ) -> Result<Option<(JobId, Vec<OrgCode>)>, StoreError> {
        const JOB: &str = "INSERT INTO jobs (kind, wave_id, state, run_after, created_by, created_at)
            VALUES ($4, $1, 'waiting', $2, $3, $2) RETURNING id";
        const ROUND: &str = "SELECT COALESCE(MAX(round), 0) FROM letters WHERE wave_id = $1 AND organisation_code = $2 AND kind = $3
            AND COALESCE(support_plan_id, 0) = COALESCE($4, 0) AND COALESCE(meeting_number, 0) = COALESCE($5, 0)";
        const LETTER: &str = "INSERT INTO letters (job_id, idempotency_key, wave_id, organisation_code, kind, support_plan_id,
                meeting_number, round, recipient, recipient_name, subject, body, state, next_attempt_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 'waiting', $13, $13) ON CONFLICT (idempotency_key) DO NOTHING";
        let at = now();
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let job: i64 =
                sqlx::query_scalar(JOB).bind(wave.as_str()).bind(at).bind(created_by).bind(kind.code()).fetch_one(&mut *tx).await?;
            let mut queued = Vec::new();
            for letter in letters {
                let (plan, meeting) = letter.kind.meeting();
                let round: i64 = sqlx::query_scalar(ROUND)
                    .bind(wave.as_str())
                    .bind(letter.organisation.as_str())
                    .bind(letter.kind.code())
                    .bind(plan)
                    .bind(meeting)
                    .fetch_one(&mut *tx)
                    .await?;
                let round = round + 1;
                let added = sqlx::query(LETTER)
                    .bind(job)
                    .bind(idempotency_key(wave, &letter.organisation, letter.kind, round))
                    .bind(wave.as_str())
                    .bind(letter.organisation.as_str())
                    .bind(letter.kind.code())
                    .bind(plan)
                    .bind(meeting)
                    .bind(round)
                    .bind(&letter.recipient)
                    .bind(&letter.recipient_name)
                    .bind(&letter.subject)
                    .bind(&letter.body)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if added == 1 {
                    queued.push(letter.organisation.clone());
                }
            }
            if queued.is_empty() {
                tx.rollback().await?;
                return Ok(None);
            }
            audit_query!(change).execute(&mut *tx).await?;
            tx.commit().await?;
            Ok(Some((JobId(job), queued)))
        })
    }

    /// Claims the oldest job that is due (waiting and past its `run_after`, or running under a lease that ran out),
    /// or only job `only`, for `worker` until `lease_until`. Letters that were being sent under the old lease become
    /// `in_doubt`, in the same transaction.
    pub async fn claim_job(&self, worker: &str, only: Option<JobId>, lease_until: DateTime<Utc>) -> Result<Option<Job>, StoreError> {
        macro_rules! due {
            () => {
                "SELECT id FROM jobs
                WHERE ((state = 'waiting' AND run_after <= $1) OR (state = 'running' AND lease_until < $1))
                  AND ($2 IS NULL OR id = $2)
                ORDER BY id LIMIT 1"
            };
        }
        const CLAIM: &str = "UPDATE jobs SET state = 'running', claimed_by = $2, lease_until = $3 WHERE id = $1";
        const IN_DOUBT: &str = "UPDATE letters SET state = 'in_doubt', updated_at = $2,
                detail = 'het proces dat deze brief verstuurde, stopte onderweg; misschien is hij aangekomen'
            WHERE job_id = $1 AND state = 'sending'";
        let at = now();
        let only = only.map(|job| job.0);
        // The same steps on either backend, inside a transaction that each begins its own way.
        macro_rules! claim_in {
            ($tx:ident, $due:expr) => {{
                let due: Option<i64> = sqlx::query_scalar($due).bind(at).bind(only).fetch_optional(&mut *$tx).await?;
                if let Some(id) = due {
                    sqlx::query(CLAIM).bind(id).bind(worker).bind(lease_until).execute(&mut *$tx).await?;
                    sqlx::query(IN_DOUBT).bind(id).bind(at).execute(&mut *$tx).await?;
                }
                $tx.commit().await?;
                due
            }};
        }
        let claimed: Option<i64> = match &self.pool {
            Pool::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                claim_in!(tx, concat!(due!(), " FOR UPDATE SKIP LOCKED"))
            }
            Pool::Sqlite(pool) => {
                // BEGIN IMMEDIATE takes the write lock first, so the job read is the job claimed.
                let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
                claim_in!(tx, due!())
            }
        };
        match claimed {
            Some(id) => self.job(JobId(id)).await.map(Some),
            None => Ok(None),
        }
    }

    /// Extends `worker`'s lease on `job`; `false` if the job is no longer `worker`'s (its lease ran out and another
    /// process took it), and then the worker must stop.
    pub async fn renew_lease(&self, job: JobId, worker: &str, lease_until: DateTime<Utc>) -> Result<bool, StoreError> {
        const SQL: &str = "UPDATE jobs SET lease_until = $3 WHERE id = $1 AND claimed_by = $2 AND state = 'running'";
        let renewed = with_pool!(self, |pool| {
            sqlx::query(SQL).bind(job.0).bind(worker).bind(lease_until).execute(pool).await.map(|done| done.rows_affected())
        })?;
        Ok(renewed == 1)
    }

    /// The next letter of `job` that is due at `at`, the oldest first.
    pub async fn next_letter(&self, job: JobId, at: DateTime<Utc>) -> Result<Option<Letter>, StoreError> {
        const SQL: &str = concat!(
            "SELECT ",
            letter_columns!(),
            " FROM letters WHERE job_id = $1 AND state = 'waiting' AND next_attempt_at <= $2 ORDER BY id LIMIT 1"
        );
        let row: Option<LetterRow> = with_pool!(self, |pool| sqlx::query_as(SQL).bind(job.0).bind(at).fetch_optional(pool).await)?;
        row.map(letter_from_row).transpose()
    }

    /// When the next waiting letter of `job` is due, if any is waiting.
    pub async fn next_attempt(&self, job: JobId) -> Result<Option<DateTime<Utc>>, StoreError> {
        const SQL: &str = "SELECT MIN(next_attempt_at) FROM letters WHERE job_id = $1 AND state = 'waiting'";
        Ok(with_pool!(self, |pool| sqlx::query_scalar(SQL).bind(job.0).fetch_one(pool).await)?)
    }

    /// Marks `letter` as being sent, and stores its link's hash (a fieldwork letter's), in one transaction, if its job is still
    /// `worker`'s and the letter still waits. `false` means neither was done and the letter must not be sent.
    pub async fn start_letter(&self, letter: &Letter, worker: &str, link: Option<LinkToStore<'_>>) -> Result<bool, StoreError> {
        const START: &str = "UPDATE letters SET state = 'sending', attempts = attempts + 1, updated_at = $3
            WHERE id = $1 AND state = 'waiting'
              AND EXISTS (SELECT 1 FROM jobs WHERE jobs.id = letters.job_id AND jobs.claimed_by = $2 AND jobs.state = 'running')";
        let at = now();
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let started = sqlx::query(START).bind(letter.id).bind(worker).bind(at).execute(&mut *tx).await?.rows_affected();
            if started != 1 {
                tx.rollback().await?;
                return Ok(false);
            }
            if let Some(link) = link {
                wave_invitation_query!(link.token_hash, &letter.organisation, &letter.wave, link.expires_at, at).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Records what became of a letter that was being sent, and the attempt beside the wave's messages or the
    /// proposal's invitations, in one transaction.
    pub async fn finish_letter(&self, letter: &Letter, outcome: &LetterOutcome) -> Result<(), StoreError> {
        const FINISH: &str =
            "UPDATE letters SET state = $2, detail = $3, next_attempt_at = COALESCE($4, next_attempt_at), updated_at = $5 WHERE id = $1";
        const MEETING: &str = "INSERT INTO support_messages (plan_id, meeting_number, organisation_code, recipient, status, detail, at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)";
        let (state, detail, next_attempt_at, status) = match outcome {
            LetterOutcome::Sent { detail } => (LetterState::Sent, detail, None, MessageStatus::Sent),
            LetterOutcome::Bounced { detail } => (LetterState::Bounced, detail, None, MessageStatus::Bounced),
            LetterOutcome::NotYet { detail, next_attempt_at: Some(at) } => (LetterState::Waiting, detail, Some(*at), MessageStatus::Failed),
            LetterOutcome::NotYet { detail, next_attempt_at: None } => (LetterState::Failed, detail, None, MessageStatus::Failed),
        };
        let at = now();
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(FINISH).bind(letter.id).bind(state.code()).bind(detail).bind(next_attempt_at).bind(at).execute(&mut *tx).await?;
            match letter.kind.fieldwork() {
                Some(kind) => {
                    let message = NewMessage {
                        wave: &letter.wave,
                        organisation: &letter.organisation,
                        kind,
                        recipient: &letter.recipient,
                        status,
                        detail,
                    };
                    message_query!(message, at).execute(&mut *tx).await?;
                }
                None => {
                    let (plan, meeting) = letter.kind.meeting();
                    sqlx::query(MEETING)
                        .bind(plan)
                        .bind(meeting)
                        .bind(letter.organisation.as_str())
                        .bind(&letter.recipient)
                        .bind(status.code())
                        .bind(detail)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                }
            }
            tx.commit().await
        })?;
        Ok(())
    }

    /// Gives up the waiting letters of `job`, saying why in `detail`: they can no longer go (the wave closed).
    pub async fn fail_waiting_letters(&self, job: JobId, detail: &str) -> Result<u64, StoreError> {
        const SQL: &str = "UPDATE letters SET state = 'failed', detail = $2, updated_at = $3 WHERE job_id = $1 AND state = 'waiting'";
        let failed = with_pool!(self, |pool| sqlx::query(SQL)
            .bind(job.0)
            .bind(detail)
            .bind(now())
            .execute(pool)
            .await
            .map(|done| done.rows_affected()))?;
        Ok(failed)
    }

    /// Puts `worker`'s `job` back to wait until `run_after`, saying why in `note`; `paused` counts it as a pause
    /// because the mail server refused for the time being.
    pub async fn release_job(
        &self,
        job: JobId,
        worker: &str,
        run_after: DateTime<Utc>,
        note: &str,
        paused: bool,
    ) -> Result<(), StoreError> {
        const SQL: &str = "UPDATE jobs SET state = 'waiting', run_after = $3, note = $4, pauses = pauses + $5,
                claimed_by = NULL, lease_until = NULL
            WHERE id = $1 AND claimed_by = $2 AND state = 'running'";
        let pause = i64::from(paused);
        with_pool!(self, |pool| {
            sqlx::query(SQL).bind(job.0).bind(worker).bind(run_after).bind(note).bind(pause).execute(pool).await.map(|_| ())
        })?;
        Ok(())
    }

    /// Marks `worker`'s `job` as done: every letter has an outcome. The job keeps the name of the worker that
    /// finished it.
    pub async fn finish_job(&self, job: JobId, worker: &str) -> Result<(), StoreError> {
        // `claimed_by` stays: it says which process finished the job.
        const SQL: &str = "UPDATE jobs SET state = 'done', note = '', finished_at = $3, lease_until = NULL
            WHERE id = $1 AND claimed_by = $2 AND state = 'running'";
        with_pool!(self, |pool| sqlx::query(SQL).bind(job.0).bind(worker).bind(now()).execute(pool).await.map(|_| ()))?;
        Ok(())
    }

    pub async fn job(&self, id: JobId) -> Result<Job, StoreError> {
        const SQL: &str = concat!("SELECT ", job_columns!(), " FROM jobs WHERE id = $1");
        let row: JobRow = with_pool!(self, |pool| sqlx::query_as(SQL).bind(id.0).fetch_one(pool).await)?;
        job_from_row(row)
    }

    /// The letter jobs of `wave`, the newest first.
    pub async fn wave_jobs(&self, wave: &WaveId) -> Result<Vec<Job>, StoreError> {
        const SQL: &str = concat!("SELECT ", job_columns!(), " FROM jobs WHERE wave_id = $1 ORDER BY id DESC");
        let rows: Vec<JobRow> = with_pool!(self, |pool| sqlx::query_as(SQL).bind(wave.as_str()).fetch_all(pool).await)?;
        rows.into_iter().map(job_from_row).collect()
    }

    /// The letters of `job`, in the order they are sent.
    pub async fn job_letters(&self, job: JobId) -> Result<Vec<Letter>, StoreError> {
        const SQL: &str = concat!("SELECT ", letter_columns!(), " FROM letters WHERE job_id = $1 ORDER BY id");
        let rows: Vec<LetterRow> = with_pool!(self, |pool| sqlx::query_as(SQL).bind(job.0).fetch_all(pool).await)?;
        rows.into_iter().map(letter_from_row).collect()
    }

    /// How many letters of `job` are in each state.
    pub async fn letter_counts(&self, job: JobId) -> Result<LetterCounts, StoreError> {
        const SQL: &str = "SELECT state, COUNT(*) FROM letters WHERE job_id = $1 GROUP BY state";
        let rows: Vec<(String, i64)> = with_pool!(self, |pool| sqlx::query_as(SQL).bind(job.0).fetch_all(pool).await)?;
        LetterCounts::from_rows(rows)
    }

    /// The letters of `wave` that may still reach their municipality (waiting, being sent, or in doubt).
    pub async fn pending_letters(&self, wave: &WaveId) -> Result<Vec<Letter>, StoreError> {
        const SQL: &str = concat!(
            "SELECT ",
            letter_columns!(),
            " FROM letters WHERE wave_id = $1 AND state IN ('waiting', 'sending', 'in_doubt') ORDER BY id"
        );
        let rows: Vec<LetterRow> = with_pool!(self, |pool| sqlx::query_as(SQL).bind(wave.as_str()).fetch_all(pool).await)?;
        rows.into_iter().map(letter_from_row).collect()
    }

    /// Makes every waiting letter of `wave` due now, and its unfinished jobs too: someone asked to send them now
    /// rather than at the next try the schedule set. The jobs concerned, oldest first.
    pub async fn letters_due_now(&self, wave: &WaveId) -> Result<Vec<JobId>, StoreError> {
        const LETTERS: &str = "UPDATE letters SET next_attempt_at = $2 WHERE wave_id = $1 AND state = 'waiting'";
        const JOBS: &str = "UPDATE jobs SET run_after = $2 WHERE wave_id = $1 AND state = 'waiting'";
        const UNFINISHED: &str = "SELECT id FROM jobs WHERE wave_id = $1 AND state <> 'done' ORDER BY id";
        let at = now();
        let ids: Vec<i64> = with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            sqlx::query(LETTERS).bind(wave.as_str()).bind(at).execute(&mut *tx).await?;
            sqlx::query(JOBS).bind(wave.as_str()).bind(at).execute(&mut *tx).await?;
            let ids = sqlx::query_scalar(UNFINISHED).bind(wave.as_str()).fetch_all(&mut *tx).await?;
            tx.commit().await.map(|()| ids)
        })?;
        Ok(ids.into_iter().map(JobId).collect())
    }

    /// The monitor team decided that the letters of `job` that are in doubt did not arrive: they wait to be sent
    /// again, and the job with them, with `change` in the audit log. How many letters that was.
    pub async fn retry_in_doubt(&self, job: JobId, change: &Change) -> Result<u64, StoreError> {
        const LETTERS: &str =
            "UPDATE letters SET state = 'waiting', next_attempt_at = $2, updated_at = $2 WHERE job_id = $1 AND state = 'in_doubt'";
        const JOB: &str = "UPDATE jobs SET state = 'waiting', run_after = $2, finished_at = NULL WHERE id = $1 AND state = 'done'";
        let at = now();
        with_pool!(self, |pool| {
            let mut tx = pool.begin().await?;
            let letters = sqlx::query(LETTERS).bind(job.0).bind(at).execute(&mut *tx).await?.rows_affected();
            if letters > 0 {
                sqlx::query(JOB).bind(job.0).bind(at).execute(&mut *tx).await?;
                audit_query!(change).execute(&mut *tx).await?;
            }
            tx.commit().await.map(|()| letters)
        })
        .map_err(StoreError::from)
    }

    /// Sets the gauges of jobs and letters by state to how they are now, for the operator's metrics.
    pub async fn record_job_counts(&self) -> Result<(), StoreError> {
        const LETTERS: &str = "SELECT state, COUNT(*) FROM letters GROUP BY state";
        for (state, count) in self.job_counts().await? {
            gauge!(JOBS, "state" => state.code()).set(count as f64);
        }
        let rows: Vec<(String, i64)> = with_pool!(self, |pool| sqlx::query_as(LETTERS).fetch_all(pool).await)?;
        let counts = LetterCounts::from_rows(rows)?;
        for state in LetterState::ALL {
            gauge!(LETTERS_BY_STATE, "state" => state.code()).set(f64::from(counts.of(state)));
        }
        Ok(())
    }

    /// How many jobs are in each state, for the metrics.
    pub async fn job_counts(&self) -> Result<Vec<(JobState, u64)>, StoreError> {
        const SQL: &str = "SELECT state, COUNT(*) FROM jobs GROUP BY state";
        let rows: Vec<(String, i64)> = with_pool!(self, |pool| sqlx::query_as(SQL).fetch_all(pool).await)?;
        let mut counts: Vec<(JobState, u64)> = JobState::ALL.into_iter().map(|state| (state, 0)).collect();
        for (state, count) in rows {
            let state = JobState::parse(&state)?;
            if let Some(slot) = counts.iter_mut().find(|(s, _)| *s == state) {
                slot.1 = u64::try_from(count).unwrap_or_default();
            }
        }
        Ok(counts)
    }
}
