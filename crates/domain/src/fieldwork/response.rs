//! A response: one organisation's answers in one wave, answered online over several sittings or entered from an
//! interview. Who may change it, and how, depends on the wave's state, the response's state and the role.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::{WaveId, WaveState};
use crate::account::Role;
use crate::questionnaire::Answers;
use crate::register::OrgCode;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponseState {
    /// Saved page by page; the respondent can go on changing it.
    Draft,
    /// Handed in: read-only for the respondent; the monitor team may correct or reopen it.
    Submitted,
}

impl ResponseState {
    pub fn code(self) -> &'static str {
        match self {
            ResponseState::Draft => "draft",
            ResponseState::Submitted => "submitted",
        }
    }

    pub fn parse(code: &str) -> Option<Self> {
        [ResponseState::Draft, ResponseState::Submitted].into_iter().find(|state| state.code() == code)
    }
}

/// How the answers came in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "mode")]
pub enum Mode {
    /// Filled in by the municipality itself.
    Online,
    /// Entered by an interviewer from an interview on `date` with `interviewees`.
    Interview { date: NaiveDate, interviewees: String },
}

impl Mode {
    pub fn code(&self) -> &'static str {
        match self {
            Mode::Online => "online",
            Mode::Interview { .. } => "interview",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Response {
    pub wave: WaveId,
    pub organisation: OrgCode,
    pub questionnaire_id: String,
    /// The stored questionnaire version these answers were last given to.
    pub questionnaire_version: i64,
    pub answers: Answers,
    pub state: ResponseState,
    pub mode: Mode,
    pub started_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    /// Goes up by one with every change, so that a save based on an older read is refused instead of lost.
    pub revision: i64,
}

/// What a save of answers is, for the audit log and for the rules below.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edit {
    /// A respondent or interviewer saving a page while the wave is open.
    Draft,
    /// The monitor team changing a submitted response, or any response once the fieldwork is over.
    Correction,
}

/// Why a change to a response is refused. The web layer words it for the person.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The wave is not open (draft, closed or published) and the person is not the monitor team.
    WaveNotOpen(WaveState),
    /// The response was submitted; only the monitor team changes it now.
    Submitted,
    /// Only a submitted response can be reopened.
    NotSubmitted,
    /// Published figures are out in the world; their answers no longer change.
    Published,
    /// This role reads but does not change answers.
    ReadOnly,
    /// An interviewer enters answers from an interview, so records when and with whom it was held first.
    InterviewFirst,
}

/// May someone with `role` save answers to a response in `state` (None: not started) of a wave in `wave`?
pub fn may_edit(role: Role, wave: WaveState, state: Option<ResponseState>) -> Result<Edit, Refusal> {
    match role {
        Role::Analyst => Err(Refusal::ReadOnly),
        _ if wave == WaveState::Published => Err(Refusal::Published),
        Role::Admin if wave == WaveState::Draft => Err(Refusal::WaveNotOpen(wave)),
        Role::Admin if state == Some(ResponseState::Submitted) || wave == WaveState::Closed => Ok(Edit::Correction),
        Role::Admin => Ok(Edit::Draft),
        Role::Respondent | Role::Interviewer if wave != WaveState::Open => Err(Refusal::WaveNotOpen(wave)),
        Role::Respondent | Role::Interviewer if state == Some(ResponseState::Submitted) => Err(Refusal::Submitted),
        Role::Respondent | Role::Interviewer => Ok(Edit::Draft),
    }
}

/// May someone with `role` fill in the questionnaire's pages of `response` (None: not started)? As `may_edit`,
/// and an interviewer records the interview (`Mode::Interview`) before entering answers from it.
pub fn may_fill_in(role: Role, wave: WaveState, response: Option<&Response>) -> Result<Edit, Refusal> {
    let edit = may_edit(role, wave, response.map(|r| r.state))?;
    let interviewed = matches!(response.map(|r| &r.mode), Some(Mode::Interview { .. }));
    if role == Role::Interviewer && !interviewed {
        return Err(Refusal::InterviewFirst);
    }
    Ok(edit)
}

/// May someone with `role` hand in a response, and as what change? Only a draft, only while the wave is open; the
/// monitor team may also hand in for a municipality after the fieldwork (a late paper answer, say), which is then
/// a correction.
pub fn may_submit(role: Role, wave: WaveState, state: Option<ResponseState>) -> Result<Edit, Refusal> {
    match may_edit(role, wave, state)? {
        _ if state == Some(ResponseState::Submitted) => Err(Refusal::Submitted),
        edit => Ok(edit),
    }
}

/// May someone with `role` reopen a submitted response, so that the municipality can change it again? Only the
/// monitor team, and only while the wave is open.
pub fn may_reopen(role: Role, wave: WaveState, state: Option<ResponseState>) -> Result<(), Refusal> {
    match (role, wave, state) {
        (Role::Admin, WaveState::Open, Some(ResponseState::Submitted)) => Ok(()),
        (Role::Admin, WaveState::Published, _) => Err(Refusal::Published),
        (Role::Admin, WaveState::Open, _) => Err(Refusal::NotSubmitted),
        (Role::Admin, _, _) => Err(Refusal::WaveNotOpen(wave)),
        _ => Err(Refusal::ReadOnly),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn respondents_and_interviewers_save_drafts_while_the_wave_is_open() {
        for role in [Role::Respondent, Role::Interviewer] {
            assert_eq!(may_edit(role, WaveState::Open, None), Ok(Edit::Draft));
            assert_eq!(may_edit(role, WaveState::Open, Some(ResponseState::Draft)), Ok(Edit::Draft));
            assert_eq!(may_edit(role, WaveState::Open, Some(ResponseState::Submitted)), Err(Refusal::Submitted));
            assert_eq!(may_edit(role, WaveState::Closed, Some(ResponseState::Draft)), Err(Refusal::WaveNotOpen(WaveState::Closed)));
            assert_eq!(may_edit(role, WaveState::Draft, None), Err(Refusal::WaveNotOpen(WaveState::Draft)));
            assert_eq!(may_submit(role, WaveState::Open, Some(ResponseState::Draft)), Ok(Edit::Draft));
            assert_eq!(may_reopen(role, WaveState::Open, Some(ResponseState::Submitted)), Err(Refusal::ReadOnly));
        }
    }

    #[test]
    fn the_monitor_team_corrects_after_submission_and_after_the_fieldwork_but_not_after_publication() {
        assert_eq!(may_edit(Role::Admin, WaveState::Open, Some(ResponseState::Submitted)), Ok(Edit::Correction));
        assert_eq!(may_edit(Role::Admin, WaveState::Closed, Some(ResponseState::Draft)), Ok(Edit::Correction));
        assert_eq!(may_edit(Role::Admin, WaveState::Open, None), Ok(Edit::Draft));
        assert_eq!(may_edit(Role::Admin, WaveState::Published, Some(ResponseState::Submitted)), Err(Refusal::Published));
        assert_eq!(may_submit(Role::Admin, WaveState::Closed, Some(ResponseState::Draft)), Ok(Edit::Correction), "a late answer");
        assert_eq!(may_submit(Role::Admin, WaveState::Open, None), Ok(Edit::Draft));
        assert_eq!(may_submit(Role::Admin, WaveState::Open, Some(ResponseState::Submitted)), Err(Refusal::Submitted));
        assert_eq!(may_reopen(Role::Admin, WaveState::Open, Some(ResponseState::Submitted)), Ok(()));
        assert_eq!(may_reopen(Role::Admin, WaveState::Open, Some(ResponseState::Draft)), Err(Refusal::NotSubmitted));
        assert_eq!(
            may_reopen(Role::Admin, WaveState::Closed, Some(ResponseState::Submitted)),
            Err(Refusal::WaveNotOpen(WaveState::Closed))
        );
    }

    fn response(mode: Mode) -> Response {
        let at = DateTime::<Utc>::default();
        Response {
            wave: WaveId::parse("eerste-meting").unwrap(),
            organisation: OrgCode::parse("GM0363").unwrap(),
            questionnaire_id: "eerste-meting-2010".to_owned(),
            questionnaire_version: 1,
            answers: Answers::default(),
            state: ResponseState::Draft,
            mode,
            started_at: at,
            updated_at: at,
            submitted_at: None,
            revision: 1,
        }
    }

    #[test]
    fn an_interviewer_fills_in_the_pages_only_after_recording_the_interview() {
        let interview =
            response(Mode::Interview { date: NaiveDate::from_ymd_opt(2010, 11, 15).unwrap(), interviewees: "J. de Vries".into() });
        let online = response(Mode::Online);
        assert_eq!(may_fill_in(Role::Interviewer, WaveState::Open, None), Err(Refusal::InterviewFirst));
        assert_eq!(may_fill_in(Role::Interviewer, WaveState::Open, Some(&online)), Err(Refusal::InterviewFirst));
        assert_eq!(may_fill_in(Role::Interviewer, WaveState::Open, Some(&interview)), Ok(Edit::Draft));
        assert_eq!(
            may_fill_in(Role::Interviewer, WaveState::Closed, Some(&interview)),
            Err(Refusal::WaveNotOpen(WaveState::Closed)),
            "the wave's rule first"
        );
        assert_eq!(may_fill_in(Role::Respondent, WaveState::Open, None), Ok(Edit::Draft), "respondents answer online");
        assert_eq!(may_fill_in(Role::Admin, WaveState::Closed, Some(&online)), Ok(Edit::Correction));
    }

    #[test]
    fn analysts_read_but_never_change() {
        for wave in WaveState::ALL {
            assert_eq!(may_edit(Role::Analyst, wave, Some(ResponseState::Draft)), Err(Refusal::ReadOnly));
            assert_eq!(may_submit(Role::Analyst, wave, None), Err(Refusal::ReadOnly));
        }
    }
}
