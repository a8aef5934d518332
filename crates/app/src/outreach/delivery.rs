//! Carrying out letter jobs: any `inbeeld` process may claim one, and sends its letters at the relay's pace, one
//! at a time, each marked before it is handed to the mail server and recorded after (see `store::jobs`).
//!
//! `inbeeld serve` runs a `Worker` beside the web server for as long as it runs; `inbeeld wave invite` and
//! `remind` carry out their own job at once (`send_now`) unless a server holds it already.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use domain::access::Secret;
use domain::fieldwork::delivery::{PAUSE_AFTER_FAILURES_IN_A_ROW, Pace, RetrySchedule};
use domain::fieldwork::letters::{self, LetterFacts};
use domain::fieldwork::{Wave, WaveState};
use domain::register::OrgCode;
use mail::{Envelope, MailError, Mailer};
use store::{Job, JobId, JobKind, Letter, LetterOutcome, LinkToStore, MessageKind, MessageStatus, Store};
use tokio::sync::watch;
use tokio::time::MissedTickBehavior;

use super::{asked, invitation_link, link_expiry, signature};
use crate::AppError;

/// How a process carries out letter jobs.
#[derive(Clone, Debug)]
pub struct DeliverySettings {
    /// The address visitors use (`https://inbeeld.example`); the links in the letters are built on it.
    pub public_url: String,
    pub pace: Pace,
    pub retry: RetrySchedule,
    /// How long a claim holds without being renewed; a job whose process died is taken over after this.
    pub lease: Duration,
    /// How often an idle worker looks for a job.
    pub poll: Duration,
}

impl DeliverySettings {
    /// Above the minute that one letter may take (the mailer's limit), so that a slow mail server does not make a live
    /// process look dead.
    pub const DEFAULT_LEASE: Duration = Duration::from_secs(120);
    pub const DEFAULT_POLL: Duration = Duration::from_secs(2);

    pub fn new(public_url: &str) -> DeliverySettings {
        DeliverySettings {
            public_url: public_url.to_owned(),
            pace: Pace::DEFAULT,
            retry: RetrySchedule::DEFAULT,
            lease: Self::DEFAULT_LEASE,
            poll: Self::DEFAULT_POLL,
        }
    }
}

/// How a claimed job was left.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Left {
    /// Every letter has an outcome.
    Done,
    /// Letters wait for a later try, the job with them, until `until`; `paused` when the mail server seemed down.
    Waiting { until: DateTime<Utc>, paused: bool },
    /// The process is stopping: the job waits for the next claimer.
    Stopped,
    /// The lease ran out and another process took the job over.
    TakenOver,
}

/// One letter as it went, for whoever watches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tried {
    pub organisation: OrgCode,
    pub status: MessageStatus,
    pub detail: String,
}

/// A process that carries out letter jobs, under a name unique to the process.
pub struct Worker {
    store: Store,
    mailer: std::sync::Arc<Mailer>,
    settings: DeliverySettings,
    name: String,
}

impl Worker {
    pub fn new(store: Store, mailer: std::sync::Arc<Mailer>, settings: DeliverySettings) -> Worker {
        let name = format!("{}:{}:{}", hostname(), std::process::id(), uuid::Uuid::new_v4().simple());
        Worker { store, mailer, settings, name }
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    /// Claims and carries out due jobs until `stop` turns true, then leaves the job at hand for the next claimer.
    /// A database or mail failure is logged and tried again after the poll interval: a worker outlives outages.
    pub async fn run(&self, mut stop: watch::Receiver<bool>) {
        tracing::info!(worker = %self.name, pace = %self.settings.pace, "carrying out letter jobs");
        while !*stop.borrow() {
            match self.claim(None).await {
                Ok(Some(job)) => {
                    tracing::info!(job = %job.id, wave = %job.wave, worker = %self.name, "claimed a letter job");
                    match self.work(&job, &stop, &mut |_| {}).await {
                        Ok(left) => tracing::info!(job = %job.id, left = ?left, "left a letter job"),
                        Err(error) => {
                            tracing::warn!(job = %job.id, error = %error, "a letter job stopped on an error; it is taken up again")
                        }
                    }
                    continue;
                }
                Ok(None) => {}
                Err(error) => tracing::warn!(error = %error, "looking for letter jobs failed; trying again"),
            }
            tokio::select! {
                _ = tokio::time::sleep(self.settings.poll) => {}
                _ = stop.changed() => {}
            }
        }
    }

    /// Claims a due job, or only `only` when it is due.
    pub async fn claim(&self, only: Option<JobId>) -> Result<Option<Job>, AppError> {
        Ok(self.store.claim_job(&self.name, only, self.lease_until(Utc::now())).await?)
    }

    /// Sends the due letters of `job`, which this worker claimed, one at a time at the settings' pace, and says how
    /// the job was left. `watch` hears of each letter tried.
    pub async fn work(&self, job: &Job, stop: &watch::Receiver<bool>, watch: &mut (dyn FnMut(&Tried) + Send)) -> Result<Left, AppError> {
        let wave = self.store.wave(&job.wave).await?;
        if job.kind == JobKind::WaveLetters && wave.state != WaveState::Open {
            return self.give_up_closed(job, &wave).await;
        }
        // Only a fieldwork letter is written when it is sent, and names its municipality.
        let names: BTreeMap<OrgCode, String> = match job.kind {
            JobKind::WaveLetters => asked(&self.store, &wave).await?.into_iter().map(|o| (o.code, o.name)).collect(),
            JobKind::MeetingLetters => BTreeMap::new(),
        };
        let signature = signature(&self.mailer.sender());
        let mut pace = tokio::time::interval(self.settings.pace.interval());
        pace.set_missed_tick_behavior(MissedTickBehavior::Delay);
        let mut failures_in_a_row = 0;
        // A stop does not wait for the next tick: at a slow pace that could outlast the service manager's patience.
        let mut stopping = stop.clone();
        loop {
            // A stop whose sender is gone never comes: then only the pace counts.
            tokio::select! {
                _ = pace.tick() => {}
                Ok(()) = stopping.changed() => {}
            }
            if *stop.borrow() {
                self.store.release_job(job.id, &self.name, Utc::now(), "", false).await?;
                return Ok(Left::Stopped);
            }
            let now = Utc::now();
            if !self.store.renew_lease(job.id, &self.name, self.lease_until(now)).await? {
                return Ok(Left::TakenOver);
            }
            let Some(letter) = self.store.next_letter(job.id, now).await? else {
                return self.leave(job).await;
            };
            let envelope = match letter.kind.fieldwork() {
                Some(kind) => {
                    let secret = Secret::generate().map_err(AppError::Secret)?;
                    let link = LinkToStore { token_hash: &secret.hash, expires_at: link_expiry(wave.closes_on, now) };
                    if !self.store.start_letter(&letter, &self.name, Some(link)).await? {
                        return Ok(Left::TakenOver);
                    }
                    let name = names.get(&letter.organisation).map_or_else(|| letter.organisation.to_string(), Clone::clone);
                    let link = invitation_link(&self.settings.public_url, &secret.token);
                    let facts = LetterFacts {
                        organisation_name: &name,
                        wave_title: &wave.title,
                        link: &link,
                        closes_on: wave.closes_on,
                        sender: &signature,
                    };
                    let text = match kind {
                        MessageKind::Invitation => letters::invitation(&facts),
                        MessageKind::Reminder => letters::reminder(&facts),
                    };
                    envelope(&letter, text.subject, text.body)
                }
                None => {
                    if !self.store.start_letter(&letter, &self.name, None).await? {
                        return Ok(Left::TakenOver);
                    }
                    envelope(&letter, letter.subject.clone(), letter.body.clone())
                }
            };
            let (tried, way_out_blocked) = self.send(&letter, &envelope).await?;
            failures_in_a_row = if way_out_blocked { failures_in_a_row + 1 } else { 0 };
            watch(&tried);
            if failures_in_a_row >= PAUSE_AFTER_FAILURES_IN_A_ROW {
                let until = Utc::now() + to_delta(self.settings.retry.pause(job.pauses));
                let note = format!("De mailserver weigert op dit moment of is onbereikbaar ({}).", tried.detail);
                self.store.release_job(job.id, &self.name, until, &note, true).await?;
                tracing::warn!(job = %job.id, until = %until, detail = %tried.detail, "the mail server refused {PAUSE_AFTER_FAILURES_IN_A_ROW} letters in a row; the job pauses");
                return Ok(Left::Waiting { until, paused: true });
            }
        }
    }

    /// Hands one started letter to the mail server and records the outcome with the attempt. `true` beside it when
    /// the failure was about the way out (the server down, refusing for now or refusing us, the outbox not
    /// writable) rather than about this one letter.
    async fn send(&self, letter: &Letter, envelope: &Envelope) -> Result<(Tried, bool), AppError> {
        let mut way_out_blocked = false;
        let (outcome, status) = match self.mailer.send(envelope).await {
            Ok(delivery) => {
                (LetterOutcome::Sent { detail: format!("{}, Message-ID {}", delivery.where_to, delivery.message_id) }, MessageStatus::Sent)
            }
            Err(error) if error.is_bounce() => (LetterOutcome::Bounced { detail: error.to_string() }, MessageStatus::Bounced),
            Err(error) => {
                way_out_blocked = !matches!(error, MailError::InvalidAddress { .. });
                tracing::warn!(organisation = %letter.organisation, error = %error, "a letter was not sent");
                // An address that is no address stays one: trying again changes nothing.
                let next_attempt_at = match error {
                    MailError::InvalidAddress { .. } => None,
                    _ => self.settings.retry.after(letter.attempts + 1).map(|wait| Utc::now() + to_delta(wait)),
                };
                (LetterOutcome::NotYet { detail: error.to_string(), next_attempt_at }, MessageStatus::Failed)
            }
        };
        let detail = match &outcome {
            LetterOutcome::Sent { detail } | LetterOutcome::Bounced { detail } | LetterOutcome::NotYet { detail, .. } => detail.clone(),
        };
        self.store.finish_letter(letter, &outcome).await?;
        Ok((Tried { organisation: letter.organisation.clone(), status, detail }, way_out_blocked))
    }

    /// No letter is due: the job is done, or waits for the earliest retry.
    async fn leave(&self, job: &Job) -> Result<Left, AppError> {
        match self.store.next_attempt(job.id).await? {
            Some(until) => {
                let note = "Brieven die de mailserver nog niet aannam, gaan later opnieuw.";
                self.store.release_job(job.id, &self.name, until, note, false).await?;
                Ok(Left::Waiting { until, paused: false })
            }
            None => {
                self.store.finish_job(job.id, &self.name).await?;
                Ok(Left::Done)
            }
        }
    }

    /// A wave that closed while its letters waited sends none of them: a link would lead to closed fieldwork.
    async fn give_up_closed(&self, job: &Job, wave: &Wave) -> Result<Left, AppError> {
        let detail = format!("niet verstuurd: de meting is {}", wave.state.label_nl());
        self.store.fail_waiting_letters(job.id, &detail).await?;
        self.store.finish_job(job.id, &self.name).await?;
        Ok(Left::Done)
    }

    fn lease_until(&self, now: DateTime<Utc>) -> DateTime<Utc> {
        // Renewed before each letter: the lease must outlast the wait between two of them.
        now + to_delta(self.settings.lease + self.settings.pace.interval())
    }
}

fn envelope(letter: &Letter, subject: String, body: String) -> Envelope {
    Envelope { to: letter.recipient.clone(), to_name: Some(letter.recipient_name.clone()), subject, body }
}

fn to_delta(duration: Duration) -> TimeDelta {
    TimeDelta::from_std(duration).unwrap_or(TimeDelta::MAX)
}

fn hostname() -> String {
    hostname::get().ok().and_then(|name| name.into_string().ok()).unwrap_or_else(|| "host".to_owned())
}
