//! `/beheer/ondersteuning`: support planning for the monitor team and analysts. The demand for support in a wave
//! (per form, per block and per province, every share with its base and interval), the planner's settings, and
//! the proposals made; running the planner stores a proposal (`proposal` shows and adjusts it).

pub mod proposal;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use domain::fieldwork::{ResponseState, Wave};
use domain::questionnaire::SupportForm;
use domain::register::{OrgCode, OrganisationKind};
use domain::support::{FormFilter, METHOD_NL, PlanError, SettingsForm, demand, plan, requests};
use serde::Deserialize;
use store::{OrganisationFilter, StoredProposal};

use crate::AppState;
use crate::error::{FormRefusal, WebError, form_answer, page};
use crate::extract::{ChangeAuthor, Form, Query};
use crate::figures::wave_data;
use crate::format;
use crate::routes::public::figures::ShareView;
use crate::support::{Labels, wave as find_wave};

pub(crate) struct WaveOption {
    id: String,
    title: String,
    selected: bool,
}

pub(crate) struct Labelled {
    label: String,
    share: ShareView,
}

pub(crate) struct Pair {
    group: String,
    label: String,
    share: ShareView,
}

pub(crate) struct ProvinceRow {
    name: String,
    asked: usize,
    respondents: usize,
    any: ShareView,
}

/// The figures of the chosen wave.
pub(crate) struct DemandView {
    wave_id: String,
    title: String,
    simulated: bool,
    asked: usize,
    respondents: usize,
    requests: usize,
    any: ShareView,
    collective: Option<ShareView>,
    forms: Vec<Labelled>,
    blocks: Vec<Labelled>,
    block_forms: Vec<Pair>,
    provinces: Vec<ProvinceRow>,
    province_forms: Vec<Pair>,
}

pub(crate) struct ProposalRow {
    id: i64,
    created: String,
    author: String,
    settings: String,
    meetings: usize,
    covered: usize,
    demand: usize,
}

pub(crate) struct FieldError {
    field: &'static str,
    text: String,
}

#[derive(Template)]
#[template(path = "ondersteuning.html")]
struct DemandPage {
    waves: Vec<WaveOption>,
    demand: Option<DemandView>,
    form: SettingsForm,
    forms: Vec<(&'static str, &'static str)>,
    errors: Vec<FieldError>,
    proposals: Vec<ProposalRow>,
    method: &'static [&'static str],
}

impl DemandPage {
    fn has_error(&self, field: &str) -> bool {
        self.errors.iter().any(|e| e.field == field)
    }
}

#[derive(Deserialize, Default)]
pub struct DemandQuery {
    #[serde(default)]
    meting: Option<String>,
}

pub async fn page_for(State(state): State<AppState>, Query(query): Query<DemandQuery>) -> Result<Response, WebError> {
    let chosen = match query.meting.as_deref().filter(|id| !id.is_empty()) {
        Some(id) => Some(find_wave(&state.store, id).await?),
        None => newest_with_answers(&state).await?,
    };
    render(&state, chosen, SettingsForm::initial(), Vec::new(), None).await
}

/// The newest wave in which a municipality submitted.
async fn newest_with_answers(state: &AppState) -> Result<Option<Wave>, WebError> {
    for wave in state.store.waves().await? {
        if state.store.progress(&wave.id).await?.iter().any(|p| p.state == ResponseState::Submitted) {
            return Ok(Some(wave));
        }
    }
    Ok(None)
}

pub(crate) fn when(at: DateTime<Utc>) -> String {
    format!("{} {} UTC", format::date(at.date_naive()), at.format("%H:%M"))
}

async fn render(
    state: &AppState,
    chosen: Option<Wave>,
    form: SettingsForm,
    errors: Vec<FieldError>,
    refused: Option<FormRefusal>,
) -> Result<Response, WebError> {
    let waves = state.store.waves().await?;
    let options = waves
        .iter()
        .map(|w| WaveOption { id: w.id.to_string(), title: w.title.clone(), selected: chosen.as_ref().is_some_and(|c| c.id == w.id) })
        .collect();
    let (demand, proposals) = match chosen {
        Some(wave) => {
            let proposals = state.store.support_plans(&wave.id).await?;
            let view = demand_view(state, wave).await?;
            (Some(view), proposals.iter().map(proposal_row).collect())
        }
        None => (None, Vec::new()),
    };
    let html = page(DemandPage {
        waves: options,
        demand,
        form,
        forms: std::iter::once((FormFilter::ANY, "Alle vormen")).chain(SupportForm::ALL.iter().map(|f| (f.code(), f.label_nl()))).collect(),
        errors,
        proposals,
        method: &METHOD_NL,
    })?;
    form_answer(html, refused)
}

fn proposal_row(stored: &StoredProposal) -> ProposalRow {
    ProposalRow {
        id: stored.id,
        created: when(stored.created_at),
        author: stored.author.clone(),
        settings: stored.proposal.settings.describe_nl(),
        meetings: stored.proposal.meetings.len(),
        covered: stored.proposal.covered(),
        demand: stored.proposal.demand(),
    }
}

async fn demand_view(state: &AppState, wave: Wave) -> Result<DemandView, WebError> {
    let register = state.store.organisations(&OrganisationFilter::default()).await?;
    let data = wave_data(&state.store, wave, &register).await?;
    let labels = Labels::new(&register, data.catalogue.blocks.iter().map(|b| (b.code.clone(), b.name.clone())).collect());
    let mut provinces: Vec<OrgCode> = register
        .iter()
        .filter(|o| o.kind() == OrganisationKind::Provincie && data.asked.iter().any(|a| a.province.as_ref() == Some(&o.code)))
        .map(|o| o.code.clone())
        .collect();
    provinces.sort_by_key(|code| labels.name(code));
    let demand = demand(&data.input(), &provinces);
    let share = ShareView::of;
    Ok(DemandView {
        wave_id: data.wave.id.to_string(),
        title: data.wave.title.clone(),
        simulated: data.wave.simulated,
        asked: demand.asked,
        respondents: demand.respondents,
        requests: demand.requests,
        any: share(&demand.national.any_block),
        collective: demand.national.collective.as_ref().map(share),
        forms: demand.national.by_form.iter().map(|f| Labelled { label: f.label.clone(), share: share(&f.share) }).collect(),
        blocks: demand.blocks.iter().map(|b| Labelled { label: labels.block(&b.block), share: share(&b.needed) }).collect(),
        block_forms: demand
            .blocks
            .iter()
            .flat_map(|b| b.forms.iter().map(|f| Pair { group: labels.block(&b.block), label: f.label.clone(), share: share(&f.share) }))
            .collect(),
        provinces: demand
            .provinces
            .iter()
            .map(|p| ProvinceRow {
                name: labels.name(&p.province),
                asked: p.asked,
                respondents: p.respondents,
                any: share(&p.support.any_block),
            })
            .collect(),
        province_forms: demand
            .provinces
            .iter()
            .flat_map(|p| {
                let name = labels.name(&p.province);
                p.support.by_form.iter().map(move |f| Pair { group: name.clone(), label: f.label.clone(), share: share(&f.share) })
            })
            .collect(),
    })
}

/// The planner's form as posted: the wave and the settings.
#[derive(Deserialize, Default)]
pub struct RunForm {
    #[serde(default)]
    meting: String,
    #[serde(default)]
    indeling: String,
    #[serde(default)]
    bijeenkomsten: String,
    #[serde(default)]
    afstand: String,
    #[serde(default)]
    groepsgrootte: String,
    #[serde(default)]
    vorm: String,
}

/// Runs the planner on the chosen wave and stores the proposal; impossible settings are shown again, as typed,
/// with what is wrong.
pub async fn run(
    State(state): State<AppState>,
    ChangeAuthor(author): ChangeAuthor,
    Form(form): Form<RunForm>,
) -> Result<Response, WebError> {
    let wave = find_wave(&state.store, &form.meting).await?;
    let typed = SettingsForm {
        indeling: form.indeling,
        bijeenkomsten: form.bijeenkomsten,
        afstand: form.afstand,
        groepsgrootte: form.groepsgrootte,
        vorm: form.vorm,
    };
    let settings = match typed.parse() {
        Ok(settings) => settings,
        Err(errors) => {
            let errors = errors.into_iter().map(|e| FieldError { field: e.field, text: e.message }).collect();
            return render(&state, Some(wave), typed, errors, Some(FormRefusal::Invalid)).await;
        }
    };
    let register = state.store.organisations(&OrganisationFilter::default()).await?;
    let data = wave_data(&state.store, wave.clone(), &register).await?;
    let wanted = requests(&data.input(), settings.form);
    let labels = Labels::new(&register, Default::default());
    let proposal = match plan(&wanted, &labels.locations, &data.blocks, &settings) {
        Ok(proposal) => proposal,
        Err(error) => {
            let field = match error {
                PlanError::NoDemand(_) => "vorm",
                PlanError::GroupTooSmall(_) => "groepsgrootte",
                PlanError::NoMeetingPossible(_) => "indeling",
            };
            let errors = vec![FieldError { field, text: error.to_string() }];
            return render(&state, Some(wave), typed, errors, Some(FormRefusal::Invalid)).await;
        }
    };
    let stored = state.store.create_support_plan(&wave.id, &proposal, &author).await?;
    Ok(Redirect::to(&format!("/beheer/ondersteuning/voorstellen/{}", stored.id)).into_response())
}
