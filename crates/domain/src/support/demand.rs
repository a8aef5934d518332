//! Demand for support in one wave: nationally, per block and per province, each share with its base and 95%
//! interval as every published figure has; and the requests themselves (a municipality asking for help with a
//! block), which the planner groups into meetings.
//!
//! The national figures and every province's are the wave's indicators (`analysis::indicators`), computed over all
//! municipalities or over those of one province. Only the forms asked per block are counted here, because the
//! indicators count forms across blocks.

use serde::Serialize;

use super::settings::FormFilter;
use crate::analysis::Proportion;
use crate::analysis::indicators::{Asked, CategoryShare, Support, WaveInput, compute, counted, questions};
use crate::questionnaire::{Answer, SupportForm};
use crate::register::OrgCode;

/// One municipality asking for help with one building block.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Request {
    pub organisation: OrgCode,
    pub block: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Demand {
    /// How many municipalities the wave asked: the population of every share.
    pub asked: usize,
    /// How many submitted.
    pub respondents: usize,
    /// Support with at least one block, per form, and collective support, as the wave's indicators have them.
    pub national: Support,
    pub blocks: Vec<BlockDemand>,
    pub provinces: Vec<ProvinceDemand>,
    /// Requests for help: (municipality, block) pairs, whatever the form.
    pub requests: usize,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct BlockDemand {
    pub block: String,
    /// Needs support with this block, of the respondents who said whether they do.
    pub needed: Proportion,
    /// Per form: asks it for this block, of those who need support with it.
    pub forms: Vec<CategoryShare>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ProvinceDemand {
    pub province: OrgCode,
    pub asked: usize,
    pub respondents: usize,
    /// As `Demand::national`, over the municipalities of the province: they are its population.
    pub support: Support,
}

/// The demand for support in a wave. `provinces` are the provinces to break it down by, in the order to show.
pub fn demand(input: &WaveInput, provinces: &[OrgCode]) -> Demand {
    let national = compute(input);
    let requests = requests(input, FormFilter::Any);
    let blocks = national
        .blocks
        .iter()
        .map(|block| {
            let asking = |form: SupportForm| requests_with(input, &block.code, Some(form)).len();
            let needed = block.support_needed.count;
            BlockDemand {
                block: block.code.clone(),
                needed: block.support_needed,
                forms: SupportForm::ALL
                    .iter()
                    .map(|form| CategoryShare {
                        code: form.code().to_owned(),
                        label: form.label_nl().to_owned(),
                        share: Proportion::new(asking(*form), needed, input.asked.len()),
                    })
                    .collect(),
            }
        })
        .collect();
    let provinces = provinces
        .iter()
        .map(|province| {
            let asked: Vec<Asked> = input.asked.iter().filter(|a| a.province.as_ref() == Some(province)).cloned().collect();
            let indicators = compute(&WaveInput { asked: &asked, ..*input });
            ProvinceDemand {
                province: province.clone(),
                asked: asked.len(),
                respondents: indicators.respondents,
                support: indicators.support,
            }
        })
        .collect();
    Demand {
        asked: national.asked,
        respondents: national.respondents,
        national: national.support,
        blocks,
        provinces,
        requests: requests.len(),
    }
}

/// Every request for help in the wave that passes `filter`, in block order and then by municipality. A request
/// is a block of the wave's catalogue for which a municipality the wave asked said it needs support.
pub fn requests(input: &WaveInput, filter: FormFilter) -> Vec<Request> {
    let form = match filter {
        FormFilter::Any => None,
        FormFilter::Form(form) => Some(form),
    };
    input.blocks.iter().flat_map(|block| requests_with(input, block, form)).collect()
}

fn requests_with(input: &WaveInput, block: &str, form: Option<SupportForm>) -> Vec<Request> {
    counted(input)
        .into_iter()
        .filter(|(_, answers)| {
            let Some(Answer::Matrix(matrix)) = answers.get(questions::BLOCKS) else { return false };
            matrix.get(block).is_some_and(|b| b.support_needed == Some(true) && form.is_none_or(|f| b.support_forms.contains(&f)))
        })
        .map(|(asked, _)| Request { organisation: asked.code.clone(), block: block.to_owned() })
        .collect()
}
