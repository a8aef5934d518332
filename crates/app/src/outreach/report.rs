//! Letters sent at once, for the command line: queue them, carry out the wave's unfinished letter jobs now (or
//! watch the process that holds one), and say what became of each letter.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use domain::fieldwork::Wave;
use domain::register::OrgCode;
use mail::Mailer;
use store::{JobId, JobState, LetterCounts, LetterState, Store};
use tokio::sync::watch;

use super::{DeliverySettings, Left, Outreach, Queued, Worker, enqueue};
use crate::AppError;

/// How often the command line looks at a job that another process carries out.
const WATCH_EVERY: Duration = Duration::from_millis(500);

/// A letter that did not arrive, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Undelivered {
    pub organisation: OrgCode,
    pub recipient: String,
    /// The mail server's answer or the reason it could not be reached, as recorded.
    pub detail: String,
}

/// What `send_now` did: what it queued and skipped, and what became of every letter of the wave's jobs that was
/// tried while it ran or still waits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OutreachReport {
    pub queued: Queued,
    pub sent: Vec<OrgCode>,
    /// Refused for good by the server: the contact address needs correcting.
    pub bounced: Vec<Undelivered>,
    /// Tried and not sent: they wait for a later try, or had all their tries.
    pub failed: Vec<Undelivered>,
    /// Not tried yet: the job paused because the mail server seemed down.
    pub not_attempted: Vec<OrgCode>,
    /// Their sender died while sending them: they may have arrived, and are not sent again unless the team says so.
    pub in_doubt: Vec<OrgCode>,
    /// When the letters that wait are tried again, by any `inbeeld serve` that runs then, or by the next run.
    pub resumes_at: Option<DateTime<Utc>>,
}

impl OutreachReport {
    /// Letters that should have gone and did not for a reason a later try can overcome.
    pub fn to_retry(&self) -> usize {
        self.failed.len() + self.not_attempted.len()
    }
}

/// Queues `outreach`'s letters (`enqueue`), makes every waiting letter of the wave due now, and carries out the
/// wave's unfinished jobs one after the other; a job that another process holds is watched until that process is
/// done with it. Stops early when `stop` turns true, leaving the rest to the next claimer. `progress` hears the
/// counts of the job at hand after each letter.
pub async fn send_now(
    store: &Store,
    mailer: Arc<Mailer>,
    wave: &Wave,
    outreach: &Outreach<'_>,
    settings: DeliverySettings,
    stop: &watch::Receiver<bool>,
    progress: &mut (dyn FnMut(LetterCounts) + Send),
) -> Result<OutreachReport, AppError> {
    // As the store keeps time: to the microsecond.
    let started = chrono::SubsecRound::trunc_subsecs(Utc::now(), 6);
    let queued = enqueue(store, wave, outreach).await?;
    let jobs = store.letters_due_now(&wave.id).await?;
    let worker = Worker::new(store.clone(), mailer, settings);
    let mut resumes_at = None;
    for job in &jobs {
        if let Some(until) = carry_out(store, &worker, *job, stop, progress).await? {
            resumes_at = Some(resumes_at.map_or(until, |earlier: DateTime<Utc>| earlier.min(until)));
        }
        if *stop.borrow() {
            break;
        }
    }
    report(store, queued, &jobs, started, resumes_at).await
}

/// Works `job` until it is done or waits, taking it over when the process that held it let its lease run out. When
/// the job waits: until when.
async fn carry_out(
    store: &Store,
    worker: &Worker,
    job: JobId,
    stop: &watch::Receiver<bool>,
    progress: &mut (dyn FnMut(LetterCounts) + Send),
) -> Result<Option<DateTime<Utc>>, AppError> {
    loop {
        if let Some(claimed) = worker.claim(Some(job)).await? {
            let mut counts = store.letter_counts(job).await?;
            progress(counts);
            let left = worker
                .work(&claimed, stop, &mut |tried| {
                    counts.tried(tried.status);
                    progress(counts);
                })
                .await?;
            match left {
                Left::Done | Left::Stopped => return Ok(None),
                Left::Waiting { until, .. } => return Ok(Some(until)),
                Left::TakenOver => continue,
            }
        }
        let held = store.job(job).await?;
        progress(store.letter_counts(job).await?);
        match held.state {
            JobState::Done => return Ok(None),
            JobState::Waiting if held.run_after > Utc::now() => return Ok(Some(held.run_after)),
            _ if *stop.borrow() => return Ok(None),
            _ => tokio::time::sleep(WATCH_EVERY).await,
        }
    }
}

/// Every letter of `jobs` tried since `started`, or still waiting, by what became of it.
async fn report(
    store: &Store,
    queued: Queued,
    jobs: &[JobId],
    started: DateTime<Utc>,
    resumes_at: Option<DateTime<Utc>>,
) -> Result<OutreachReport, AppError> {
    let mut report = OutreachReport {
        queued,
        sent: Vec::new(),
        bounced: Vec::new(),
        failed: Vec::new(),
        not_attempted: Vec::new(),
        in_doubt: Vec::new(),
        resumes_at,
    };
    let mut seen = BTreeSet::new();
    for job in jobs {
        for letter in store.job_letters(*job).await? {
            let this_run = letter.updated_at >= started;
            if !seen.insert(letter.id) || (!this_run && letter.state != LetterState::Waiting) {
                continue;
            }
            let undelivered = || Undelivered {
                organisation: letter.organisation.clone(),
                recipient: letter.recipient.clone(),
                detail: letter.detail.clone(),
            };
            match letter.state {
                LetterState::Sent => report.sent.push(letter.organisation.clone()),
                LetterState::Bounced => report.bounced.push(undelivered()),
                LetterState::Waiting if letter.attempts == 0 => report.not_attempted.push(letter.organisation.clone()),
                LetterState::Waiting | LetterState::Failed => report.failed.push(undelivered()),
                LetterState::Sending | LetterState::InDoubt => report.in_doubt.push(letter.organisation.clone()),
            }
        }
    }
    for list in [&mut report.sent, &mut report.not_attempted, &mut report.in_doubt] {
        list.sort();
    }
    report.bounced.sort_by(|a, b| a.organisation.cmp(&b.organisation));
    report.failed.sort_by(|a, b| a.organisation.cmp(&b.organisation));
    Ok(report)
}
