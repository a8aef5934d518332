//! `/invullen/{wave}/{code}`: one municipality's questionnaire in one wave. The respondent answers page by page
//! over several sittings, checks a summary and submits; an interviewer enters an interview with the same form;
//! the monitor team corrects and reopens. The route table lets only that municipality's respondents and the staff
//! in; the rules of who may change what, when, are the domain's (`fieldwork::may_edit`).

pub mod form;
pub mod overview;
pub mod profile;
mod view;

use domain::access::Principal;
use domain::catalogue::Catalogue;
use domain::fieldwork::{Edit, Mode, Refusal, Response, Wave, WaveId, WaveState};
use domain::questionnaire::{Answers, Questionnaire};
use domain::register::{OrgCode, Organisation};
use store::{SaveAnswers, StoreError};

use crate::AppState;
use crate::error::WebError;

/// Everything a questionnaire page needs: the wave, the municipality, the questionnaire and catalogue the wave
/// asks now, and the response so far.
pub struct Context {
    pub wave: Wave,
    pub organisation: Organisation,
    pub questionnaire: Questionnaire,
    pub catalogue: Catalogue,
    pub response: Option<Response>,
    pub principal: Principal,
}

impl Context {
    pub async fn load(state: &AppState, principal: Principal, wave: &str, code: &str) -> Result<Self, WebError> {
        let not_found = || WebError::NotFound(format!("Er is geen meting ‘{wave}’ met gemeente ‘{code}’."));
        let wave_id = WaveId::parse(wave).map_err(|_| not_found())?;
        let code = OrgCode::parse(code).map_err(|_| not_found())?;
        let wave = match state.store.wave(&wave_id).await {
            Err(StoreError::NotFound) => return Err(not_found()),
            other => other?,
        };
        let organisation = match state.store.organisation(&code).await {
            Err(StoreError::NotFound) => return Err(not_found()),
            other => other?,
        };
        if !wave.asks(&organisation) {
            return Err(WebError::NotFound(format!(
                "{} ({code}) hoort niet bij de meting ‘{}’: die vraagt de gemeenten zoals ze op {} (het einde van het veldwerk) bestonden.",
                organisation.name,
                wave.title,
                crate::format::date(wave.register_date())
            )));
        }
        if !wave.shown_to_respondents() && principal.organisation().is_some() {
            return Err(WebError::NotFound(format!("De meting ‘{}’ is nog niet begonnen.", wave.title)));
        }
        let stored = state.store.questionnaire(&wave.questionnaire_id, wave.questionnaire_version).await?;
        let questionnaire = stored.parse()?;
        let catalogue = state.store.catalogue(&wave.catalogue_id, Some(&wave.catalogue_version)).await?;
        let response = state.store.response(&wave.id, &code).await?;
        Ok(Self { wave, organisation, questionnaire, catalogue, response, principal })
    }

    pub fn base(&self) -> String {
        format!("/invullen/{}/{}", self.wave.id, self.organisation.code)
    }

    pub fn answers(&self) -> domain::questionnaire::Answers {
        self.response.as_ref().map(|r| r.answers.clone()).unwrap_or_default()
    }

    pub fn response_state(&self) -> Option<domain::fieldwork::ResponseState> {
        self.response.as_ref().map(|r| r.state)
    }

    /// A change to this response's answers, to the questionnaire version the wave asks now.
    pub fn save<'a>(&'a self, answers: &'a Answers, mode: &'a Mode, based_on: Option<i64>, edit: Edit, submit: bool) -> SaveAnswers<'a> {
        SaveAnswers {
            wave: &self.wave.id,
            organisation: &self.organisation.code,
            questionnaire_id: &self.wave.questionnaire_id,
            questionnaire_version: self.wave.questionnaire_version,
            answers,
            mode,
            based_on,
            edit,
            submit,
        }
    }

    /// The same page, read again: after a save was refused because someone saved in between.
    pub async fn reload(&self, state: &AppState) -> Result<Context, WebError> {
        let (wave, code) = (self.wave.id.to_string(), self.organisation.code.to_string());
        Context::load(state, self.principal.clone(), &wave, &code).await
    }

    /// The page index of a page name in the questionnaire.
    pub fn page_index(&self, name: &str) -> Result<usize, WebError> {
        self.questionnaire
            .pages()
            .iter()
            .position(|page| page.name == name)
            .ok_or_else(|| WebError::NotFound(format!("De vragenlijst heeft geen pagina ‘{name}’.")))
    }
}

/// A refusal in words for the person who was refused.
pub fn refusal_text(refusal: Refusal) -> String {
    match refusal {
        Refusal::WaveNotOpen(WaveState::Draft) => "Deze meting is nog niet begonnen; er kan nog niets worden ingevuld.".into(),
        Refusal::WaveNotOpen(_) => "Deze meting is gesloten; de antwoorden kunnen niet meer worden gewijzigd.".into(),
        Refusal::Submitted => "Deze antwoorden zijn ingediend en kunnen niet meer worden gewijzigd. Neem contact op met het monitorteam als er iets moet worden verbeterd.".into(),
        Refusal::NotSubmitted => "Alleen ingediende antwoorden kunnen worden heropend.".into(),
        Refusal::Published => "De resultaten van deze meting zijn gepubliceerd; de antwoorden veranderen niet meer.".into(),
        Refusal::ReadOnly => "Met uw rol kunt u de antwoorden lezen maar niet wijzigen.".into(),
        Refusal::InterviewFirst => "Leg eerst vast wanneer en met wie het interview was; daarna vult u de antwoorden in.".into(),
    }
}
