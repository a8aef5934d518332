//! The standings of a wave's respondents, read from their answers to the building-block matrix.

use std::collections::{BTreeMap, BTreeSet};

use super::Standing;
use crate::analysis::indicators::{WaveInput, counted, questions};
use crate::questionnaire::Answer;
use crate::register::{Centroid, OrgCode};

/// One `Standing` per respondent the wave counts (each asked organisation once), in code order. A respondent
/// without an answer to the matrix stands with no block in use, as the indicators count it.
pub fn standings(
    input: &WaveInput,
    centroids: &BTreeMap<OrgCode, Centroid>,
    partners: &BTreeMap<OrgCode, BTreeSet<OrgCode>>,
) -> Vec<Standing> {
    counted(input)
        .into_iter()
        .map(|(asked, answers)| {
            let matrix = match answers.get(questions::BLOCKS) {
                Some(Answer::Matrix(matrix)) => Some(matrix),
                _ => None,
            };
            let answered = |block: &&String| matrix.and_then(|m| m.get(*block));
            Standing {
                code: asked.code.clone(),
                size_class: asked.size_class,
                province: asked.province.clone(),
                centroid: centroids.get(&asked.code).copied(),
                statuses: input.blocks.iter().filter_map(|b| Some((b.clone(), answered(&b)?.status?))).collect(),
                needs_support: input.blocks.iter().filter(|b| answered(b).and_then(|a| a.support_needed) == Some(true)).cloned().collect(),
                partners: partners.get(&asked.code).cloned().unwrap_or_default(),
            }
        })
        .collect()
}
