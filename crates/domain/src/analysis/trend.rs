//! Trends across waves on comparable boundaries. Municipalities merge and split between waves, so a series is shown
//! either as each wave asked it, or with every wave's answers mapped onto one division through the register
//! (`Register::on_date`). The rule for a mapped municipality is `MAPPING_RULE`; only the blocks every wave asked are
//! compared.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

use super::Proportion;
use super::indicators::{Adoption, WaveInput, adoption_of, counted};
use super::status_matrix::{IN_USE_BYTE, StatusMatrix, status_byte};
use crate::questionnaire::Answer;
use crate::register::{OrgCode, Register};

/// How a municipality of the chosen division gets its answers from the municipalities a wave asked.
pub const MAPPING_RULE: &str = "Elke gemeente die een meting vroeg, telt mee als de gemeente of gemeenten die haar gebied op de \
gekozen peildatum hebben. Een samengevoegde gemeente heeft een bouwsteen pas in gebruik als elke voorganger die antwoordde \
hem in gebruik had (de minst gevorderde voorganger telt); een gesplitste gemeente geeft haar antwoord aan elk deel. Een \
gemeente waarvan geen voorganger antwoordde, telt als niet-respondent.";

/// The boundaries a trend is shown on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "date", rename_all = "snake_case")]
pub enum Division {
    /// Every wave with the municipalities it asked.
    AsItWas,
    /// Every wave mapped onto the municipalities that exist on this date.
    On(NaiveDate),
}

/// One wave of a trend.
#[derive(Clone, Copy, Debug)]
pub struct TrendWave<'a> {
    pub id: &'a str,
    pub input: WaveInput<'a>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Trend {
    pub division: Division,
    /// The blocks that every wave's catalogue has, in the first wave's order: adoption is counted out of these.
    pub blocks: Vec<String>,
    pub points: Vec<TrendPoint>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrendPoint {
    pub wave: String,
    /// The municipalities of the division that the wave covers: the population of its shares.
    pub units: usize,
    pub respondents: usize,
    pub adoption: Option<Adoption>,
    /// Per block of `Trend::blocks`, the share of responding units with it in use.
    pub in_use: Vec<Proportion>,
    /// Each responding unit's share of `Trend::blocks` in use, for its own profile over time.
    #[serde(skip)]
    pub adoption_by_unit: BTreeMap<OrgCode, f64>,
}

/// The trend of adoption over `waves` (oldest first) on `division`.
pub fn trend(waves: &[TrendWave], register: &Register, division: Division) -> Trend {
    let blocks: Vec<String> = waves
        .first()
        .map(|first| first.input.blocks.iter().filter(|b| waves.iter().all(|w| w.input.blocks.contains(b))).cloned().collect())
        .unwrap_or_default();
    let points = waves.iter().map(|wave| point(wave, register, division, &blocks)).collect();
    Trend { division, blocks, points }
}

fn point(wave: &TrendWave, register: &Register, division: Division, blocks: &[String]) -> TrendPoint {
    let units_of = |code: &OrgCode| match division {
        Division::AsItWas => vec![code.clone()],
        Division::On(date) => register.on_date(code, date),
    };
    let mut units: Vec<OrgCode> = wave.input.asked.iter().flat_map(|a| units_of(&a.code)).collect();
    units.sort();
    units.dedup();

    // Per unit, per block: the least advanced status of its responding predecessors (0: none answered).
    let mut rows: Vec<Option<Vec<u8>>> = vec![None; units.len()];
    for (asked, answers) in counted(&wave.input) {
        let Some(Answer::Matrix(matrix)) = answers.get(super::indicators::questions::BLOCKS) else { continue };
        let own: Vec<u8> = blocks.iter().map(|b| status_byte(matrix.get(b).and_then(|a| a.status))).collect();
        for unit in units_of(&asked.code) {
            let Ok(index) = units.binary_search(&unit) else { continue };
            let row = rows[index].get_or_insert_with(|| vec![0; blocks.len()]);
            for (cell, byte) in row.iter_mut().zip(&own) {
                *cell = least_advanced(*cell, *byte);
            }
        }
    }
    let mut matrix = StatusMatrix::with_capacity(blocks.len(), units.len());
    for row in rows.iter().flatten() {
        matrix.push_row(row);
    }
    let tally = matrix.tally();
    let adoption_by_unit = units
        .iter()
        .zip(&rows)
        .filter_map(|(unit, row)| {
            let row = row.as_ref().filter(|_| !blocks.is_empty())?;
            Some((unit.clone(), row.iter().filter(|b| **b == IN_USE_BYTE).count() as f64 / blocks.len() as f64))
        })
        .collect();
    let in_use = tally
        .status_counts
        .iter()
        .map(|counts| {
            Proportion::new(counts[usize::from(IN_USE_BYTE)] as usize, counts[1..].iter().map(|c| *c as usize).sum(), units.len())
        })
        .collect();
    TrendPoint {
        wave: wave.id.to_owned(),
        units: units.len(),
        respondents: matrix.rows(),
        adoption: adoption_of(&tally.in_use_histogram, blocks.len(), units.len()),
        in_use,
        adoption_by_unit,
    }
}

/// Of two status bytes, the less advanced; 0 (no answer) gives way to any answer.
fn least_advanced(a: u8, b: u8) -> u8 {
    match (a, b) {
        (0, other) | (other, 0) => other,
        (a, b) => a.min(b),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::indicators::Asked;
    use crate::demo::QUESTIONNAIRE_SOURCE;
    use crate::questionnaire::{Answers, BlockAnswer, BlockStatus, parse_questionnaire_toml};
    use crate::register::parse_register_csv;

    const REGISTER: &str = "code,name,province_code,valid_from,valid_to,successors
GM0001,Oost,PV20,2011-01-01,2019-01-01,GM0003
GM0002,West,PV20,2011-01-01,2019-01-01,GM0003
GM0003,Samen,PV20,2019-01-01,,
GM0004,Heel,PV20,2011-01-01,2021-01-01,GM0005;GM0006
GM0005,Deel A,PV20,2011-01-01,,
GM0006,Deel B,PV20,2011-01-01,,
";

    fn code(text: &str) -> OrgCode {
        OrgCode::parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn answers(statuses: &[(&str, BlockStatus)]) -> Answers {
        let matrix = statuses
            .iter()
            .map(|(block, status)| ((*block).to_owned(), BlockAnswer { status: Some(*status), ..BlockAnswer::default() }))
            .collect();
        [("blocks".to_owned(), Answer::Matrix(matrix))].into()
    }

    #[test]
    fn merged_municipalities_count_as_their_least_advanced_part_and_a_split_gives_its_answer_to_each_part() {
        let file = parse_register_csv(REGISTER);
        assert!(file.errors.is_empty(), "{:?}", file.errors);
        let register = Register::new(file.organisations.into_iter().map(|(_, o)| o));
        let questionnaire = parse_questionnaire_toml(QUESTIONNAIRE_SOURCE, "shipped").unwrap_or_else(|e| panic!("{e:?}"));
        let asked: Vec<Asked> = ["GM0001", "GM0002", "GM0004", "GM0005", "GM0006"]
            .iter()
            .map(|c| Asked { code: code(c), province: Some(code("PV20")), size_class: None })
            .collect();
        let first_blocks = vec!["bsn".to_owned(), "digid".to_owned(), "bag".to_owned()];
        let later_blocks = vec!["digid".to_owned(), "bsn".to_owned()];
        use BlockStatus::*;
        let responses = vec![
            (code("GM0001"), answers(&[("bsn", InUse), ("digid", InUse)])),
            (code("GM0002"), answers(&[("bsn", InUse), ("digid", Planned)])),
            (code("GM0004"), answers(&[("bsn", InUse), ("digid", InUse)])),
        ];
        let wave = TrendWave {
            id: "eerste",
            input: WaveInput { asked: &asked, responses: &responses, blocks: &first_blocks, questionnaire: &questionnaire },
        };
        let later_asked: Vec<Asked> =
            ["GM0003", "GM0005", "GM0006"].iter().map(|c| Asked { code: code(c), province: None, size_class: None }).collect();
        let later_responses = vec![(code("GM0003"), answers(&[("bsn", InUse), ("digid", InUse)]))];
        let later = TrendWave {
            id: "tweede",
            input: WaveInput { asked: &later_asked, responses: &later_responses, blocks: &later_blocks, questionnaire: &questionnaire },
        };

        let mapped = trend(&[wave, later], &register, Division::On("2026-01-01".parse().unwrap_or_default()));
        assert_eq!(mapped.blocks, ["bsn", "digid"], "only the blocks both waves asked, in the first wave's order");
        let first = &mapped.points[0];
        assert_eq!((first.units, first.respondents), (3, 3), "GM0003, GM0005 and GM0006; all three have an answer");
        let digid = first.in_use[1];
        assert_eq!((digid.count, digid.n, digid.population), (2, 3, 3), "GM0003 takes GM0002's 'planned'; both parts of GM0004 have it");
        let second = &mapped.points[1];
        assert_eq!((second.units, second.respondents, second.in_use[0].count), (3, 1, 1));
        let own: Vec<(&str, f64)> = first.adoption_by_unit.iter().map(|(unit, share)| (unit.as_str(), *share)).collect();
        assert_eq!(own, [("GM0003", 0.5), ("GM0005", 1.0), ("GM0006", 1.0)], "each unit's own share of the common blocks");
        assert_eq!(second.adoption_by_unit.keys().map(OrgCode::as_str).collect::<Vec<_>>(), ["GM0003"], "non-respondents have none");

        let as_it_was = trend(&[wave], &register, Division::AsItWas);
        let point = &as_it_was.points[0];
        assert_eq!((point.units, point.respondents, point.in_use[1].count), (5, 3, 2));
        let adoption = point.adoption.clone().unwrap_or_else(|| panic!("adoption"));
        assert!((adoption.summary.mean - 5.0 / 9.0).abs() < 1e-12);
    }
}
