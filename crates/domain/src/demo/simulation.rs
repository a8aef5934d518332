//! The simulated waves: answers drawn with a fixed seed so that chosen figures come out approximately; for the first
//! wave, the headline figures its published report gave (`FIRST_WAVE_TARGETS`). Nothing here is what a municipality answered; the wave is
//! stored as simulated and every page that shows it says so.
//!
//! How the figures are reached:
//! - Response: exactly 380 of 418 respond (scaled to the number asked), drawn with a weight that grows with size.
//! - Building blocks: each municipality has a progress drawn from its size (larger is further along) plus a large
//!   individual spread; each block has its own head start (BSN and GBA almost everywhere, eHerkenning and BGT hardly
//!   anywhere). The status follows an ordered model (not started < orienting < planned < implementing < in use), a
//!   block is not in use before the blocks it depends on are, and one overall offset is found by bisection over the
//!   drawn numbers so that the mean share in use is 37%.
//! - The other headline figures are quotas, so that they come out for any seed, and who falls in each is drawn,
//!   leaning by size where the field would: three quarters name service delivery, 84% ask for collective support
//!   (smaller municipalities more), 72% collaborate on ICT (smaller ones more), and the focus of future plans is
//!   technique 47%, processes and information management 23%, strategy and policy 13% of all respondents.
//! - Support need per block follows the status (a block in use rarely needs it) and is higher in smaller
//!   municipalities; the forms are drawn per block. Interviews (about 15%), texts and contacts are plain chances.
//!
//! Answers go through `Questionnaire::without_hidden`, as a submission does; the caller validates them as it would
//! real answers.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, NaiveDate, TimeDelta, Weekday};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::{FIRST_WAVE_CLOSES, FIRST_WAVE_OPENS};
use crate::catalogue::Catalogue;
use crate::fieldwork::Mode;
use crate::questionnaire::{Answer, Answers, BlockAnswer, BlockStatus, Questionnaire, SupportForm};
use crate::register::OrgCode;

/// One municipality's drawn response.
#[derive(Clone, Debug, PartialEq)]
pub struct SimulatedResponse {
    pub organisation: OrgCode,
    pub answers: Answers,
    pub mode: Mode,
}

const INTERVIEW_SHARE: f64 = 0.15;

/// The figures a simulated wave is drawn to reach, and its fieldwork period (for interview dates).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Targets {
    pub response_rate: f64,
    pub mean_in_use: f64,
    pub service_delivery: f64,
    pub collective_support: f64,
    pub collaborates: f64,
    /// Share with plans to collaborate (more). Only they are asked the focus, whose shares are of all respondents.
    pub plans: f64,
    /// Technique, processes and information management, strategy and policy.
    pub focus: [f64; 3],
    pub opens: NaiveDate,
    pub closes: NaiveDate,
}

/// The headline figures the report of the first wave published: 380 of 418 municipalities responded, on average 37%
/// of the 18 building blocks was in use, about three quarters named service delivery as their leading theme, more than
/// 80% asked for collective support, 72% collaborated on ICT, and the plans focused on technique (47%), processes and
/// information management (23%) and strategy and policy (13%).
pub const FIRST_WAVE_TARGETS: Targets = Targets {
    response_rate: 380.0 / 418.0,
    mean_in_use: 0.37,
    service_delivery: 0.75,
    collective_support: 0.84,
    collaborates: 0.72,
    plans: 0.74,
    focus: [0.47, 0.23, 0.13],
    opens: FIRST_WAVE_OPENS,
    closes: FIRST_WAVE_CLOSES,
};

const FOCUS_CODES: [&str; 3] = ["techniek", "processen-en-informatiemanagement", "strategie-en-beleid"];

/// How much further along a municipality one standard deviation larger (on a log scale) is, against the spread
/// between municipalities of the same size; both on the logit scale.
const SIZE_EFFECT: f64 = 0.7;
const SPREAD: f64 = 1.0;
/// How many logits each lower status lies below "in use": a block that is not in use is more often being
/// implemented than not started when the municipality is close.
const STATUS_STEPS: [(BlockStatus, f64); 4] =
    [(BlockStatus::InUse, 0.0), (BlockStatus::Implementing, 0.9), (BlockStatus::Planned, 1.7), (BlockStatus::Orienting, 2.7)];

/// The share of municipalities with each block in use before calibration: a plausible order for 2010, from the
/// numbers and base registers every municipality had to the facilities that were only being built.
const HEAD_START: [(&str, f64); 18] = [
    ("bsn", 0.95),
    ("gba", 0.93),
    ("digid", 0.85),
    ("woz", 0.80),
    ("samenwerkende-catalogi", 0.55),
    ("brk", 0.50),
    ("bag", 0.45),
    ("webrichtlijnen", 0.40),
    ("nhr", 0.20),
    ("antwoord", 0.15),
    ("digikoppeling", 0.12),
    ("mijnoverheid", 0.10),
    ("digid-machtigen", 0.08),
    ("antwoord-voor-bedrijven", 0.08),
    ("eherkenning", 0.05),
    ("digimelding", 0.05),
    ("digilevering", 0.04),
    ("bgt", 0.03),
];
/// For a block the table above does not know (an edited catalogue).
const UNKNOWN_HEAD_START: f64 = 0.3;

const SUPPORT_NEED: [(BlockStatus, f64); 5] = [
    (BlockStatus::NotStarted, 0.45),
    (BlockStatus::Orienting, 0.60),
    (BlockStatus::Planned, 0.55),
    (BlockStatus::Implementing, 0.45),
    (BlockStatus::InUse, 0.08),
];
const SUPPORT_FORMS: [(SupportForm, f64); 4] = [
    (SupportForm::RegionalMeetings, 0.55),
    (SupportForm::KnowledgeBase, 0.60),
    (SupportForm::ArchitecturesStandards, 0.35),
    (SupportForm::OnSiteHelp, 0.30),
];

const OTHER_THEMES: [(&str, f64); 4] =
    [("bedrijfsvoering", 0.12), ("informatievoorziening", 0.07), ("ketensamenwerking", 0.04), ("anders", 0.02)];
const OTHER_THEME_TEXTS: [&str; 4] = ["Zaakgericht werken", "Digitaal archiveren", "Informatiebeveiliging", "Het nieuwe werken"];
const INTERVIEWEES: [&str; 6] = [
    "e-coördinator en wethouder",
    "e-coördinator",
    "e-coördinator en gemeentesecretaris",
    "informatiemanager en wethouder dienstverlening",
    "hoofd publiekszaken en e-coördinator",
    "informatiemanager, e-coördinator en portefeuillehouder ICT",
];
const ROLES: [(&str, &str); 5] = [
    ("e-coördinator", "e-coordinator"),
    ("informatiemanager", "informatiemanager"),
    ("adviseur dienstverlening", "dienstverlening"),
    ("beleidsmedewerker ICT", "ict"),
    ("projectleider e-overheid", "e-overheid"),
];
const SURNAMES: [&str; 10] = ["Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Bos"];
const PARTNERS: [&str; 6] = [
    "Buurgemeenten in de regio",
    "Regionaal ICT-samenwerkingsverband",
    "Gemeenschappelijke regeling belastingen",
    "Shared service center bedrijfsvoering",
    "Waterschap (WOZ en belastingen)",
    "Veiligheidsregio",
];
const REMARKS: [&str; 4] = [
    "Graag regionale bijeenkomsten over de aansluiting op Digikoppeling.",
    "Wij zoeken een voorbeeldarchitectuur voor het koppelen van de basisregistraties.",
    "Ondersteuning bij het opstellen van een i-NUP-implementatieplan is welkom.",
    "Een kennisbank met ervaringen van andere gemeenten zou helpen.",
];

/// Draws a wave for `municipalities` (code and size driver; 0 for unknown), in their order, so that it reaches
/// `targets`. The same seed and input give the same responses.
pub fn simulate_wave(
    questionnaire: &Questionnaire,
    catalogue: &Catalogue,
    municipalities: &[(OrgCode, u64)],
    targets: &Targets,
    seed: u64,
) -> Vec<SimulatedResponse> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let sizes = standardised_log_sizes(municipalities);
    let larger_respond_more: Vec<f64> = sizes.iter().map(|size| (0.4 * size).exp()).collect();
    let respond = quota(&mut rng, &larger_respond_more, (municipalities.len() as f64 * targets.response_rate).round() as usize);
    let respondents: Vec<usize> = (0..municipalities.len()).filter(|index| respond[*index]).collect();

    // All chances are drawn before the offset is calibrated, so that the calibration moves every municipality
    // together and the draw stays the same for a given seed.
    let progress: Vec<f64> = respondents.iter().map(|&index| SIZE_EFFECT * sizes[index] + SPREAD * normal(&mut rng)).collect();
    let chances: Vec<Vec<f64>> = respondents.iter().map(|_| catalogue.blocks.iter().map(|_| rng.random::<f64>()).collect()).collect();
    let offset = calibrate(|offset| mean_in_use(catalogue, &progress, &chances, offset), targets.mean_in_use);

    // The headline shares are drawn as quotas, so that they come out for any seed; who falls in a quota is drawn,
    // leaning by size where the field would.
    let count = |share: f64| (respondents.len() as f64 * share).round() as usize;
    let respondent_sizes: Vec<f64> = respondents.iter().map(|&index| sizes[index]).collect();
    let leaning = |lean: f64| respondent_sizes.iter().map(|size| (lean * size).exp()).collect::<Vec<f64>>();
    let service_delivery = quota(&mut rng, &leaning(0.0), count(targets.service_delivery));
    let collective = quota(&mut rng, &leaning(-0.3), count(targets.collective_support));
    let collaborates = quota(&mut rng, &leaning(-0.2), count(targets.collaborates));
    let plans = quota(&mut rng, &leaning(0.0), count(targets.plans));
    let planners: Vec<f64> = plans.iter().map(|plans| if *plans { 1.0 } else { 0.0 }).collect();
    let focus: Vec<Vec<bool>> = targets.focus.iter().map(|share| quota(&mut rng, &planners, count(*share))).collect();

    respondents
        .iter()
        .enumerate()
        .map(|(position, &index)| {
            let (code, driver) = &municipalities[index];
            let choices = Choices {
                statuses: block_statuses(catalogue, progress[position] + offset, &chances[position]),
                service_delivery: service_delivery[position],
                collective: collective[position],
                collaborates: collaborates[position],
                plans: plans[position],
                focus: FOCUS_CODES.iter().zip(&focus).filter(|(_, chosen)| chosen[position]).map(|(code, _)| *code).collect(),
            };
            let drawn = draw_answers(&mut rng, catalogue, code, *driver, sizes[index], &choices);
            let mode = if rng.random_bool(INTERVIEW_SHARE) {
                Mode::Interview {
                    date: interview_date(&mut rng, targets.opens, targets.closes),
                    interviewees: pick(&mut rng, &INTERVIEWEES).to_owned(),
                }
            } else {
                Mode::Online
            };
            SimulatedResponse { organisation: code.clone(), answers: questionnaire.without_hidden(&drawn), mode }
        })
        .collect()
}

/// What is decided for a respondent before its answers are written out.
struct Choices {
    statuses: Vec<BlockStatus>,
    service_delivery: bool,
    collective: bool,
    collaborates: bool,
    plans: bool,
    focus: Vec<&'static str>,
}

/// ln(size) in standard deviations from the mean; 0 for an unknown size.
fn standardised_log_sizes(municipalities: &[(OrgCode, u64)]) -> Vec<f64> {
    let logs: Vec<f64> = municipalities.iter().filter(|(_, size)| *size > 0).map(|(_, size)| (*size as f64).ln()).collect();
    if logs.len() < 2 {
        return vec![0.0; municipalities.len()];
    }
    let mean = logs.iter().sum::<f64>() / logs.len() as f64;
    let deviation = (logs.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / (logs.len() - 1) as f64).sqrt();
    municipalities
        .iter()
        .map(|(_, size)| if *size > 0 && deviation > 0.0 { ((*size as f64).ln() - mean) / deviation } else { 0.0 })
        .collect()
}

/// Exactly `count` of the items (fewer when fewer have a weight), each more likely the larger its weight: weighted
/// sampling without replacement (Efraimidis and Spirakis: the largest keys u^(1/w) win). A weight of 0 is never
/// chosen.
fn quota(rng: &mut ChaCha8Rng, weights: &[f64], count: usize) -> Vec<bool> {
    let mut keys: Vec<(f64, usize)> = weights
        .iter()
        .enumerate()
        .map(|(index, weight)| (rng.random::<f64>().max(f64::MIN_POSITIVE).ln() / weight, index))
        .filter(|(key, _)| key.is_finite())
        .collect();
    keys.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut chosen = vec![false; weights.len()];
    for (_, index) in keys.into_iter().take(count) {
        chosen[index] = true;
    }
    chosen
}

/// The status of each block for a municipality at `progress`: the highest status whose chance exceeds the drawn
/// number, then held below "in use" while a block it depends on is not in use.
fn block_statuses(catalogue: &Catalogue, progress: f64, chances: &[f64]) -> Vec<BlockStatus> {
    let mut statuses: Vec<BlockStatus> = catalogue
        .blocks
        .iter()
        .zip(chances)
        .map(|(block, &chance)| {
            let head_start = HEAD_START.iter().find(|(code, _)| *code == block.code).map_or(UNKNOWN_HEAD_START, |(_, share)| *share);
            let level = logit(head_start) + progress;
            STATUS_STEPS.iter().find(|(_, below)| chance < logistic(level - below)).map_or(BlockStatus::NotStarted, |(status, _)| *status)
        })
        .collect();
    // Dependencies form chains (MijnOverheid needs DigiD, which needs BSN): repeat until nothing changes.
    for _ in 0..catalogue.blocks.len() {
        let mut changed = false;
        for (index, block) in catalogue.blocks.iter().enumerate() {
            let waiting = block.depends_on.iter().any(|dependency| {
                catalogue.blocks.iter().position(|b| &b.code == dependency).is_some_and(|d| statuses[d] != BlockStatus::InUse)
            });
            if waiting && statuses[index] == BlockStatus::InUse {
                statuses[index] = BlockStatus::Implementing;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    statuses
}

fn mean_in_use(catalogue: &Catalogue, progress: &[f64], chances: &[Vec<f64>], offset: f64) -> f64 {
    if progress.is_empty() || catalogue.blocks.is_empty() {
        return 0.0;
    }
    let in_use: usize = progress
        .iter()
        .zip(chances)
        .map(|(p, c)| block_statuses(catalogue, p + offset, c).iter().filter(|s| **s == BlockStatus::InUse).count())
        .sum();
    in_use as f64 / (progress.len() * catalogue.blocks.len()) as f64
}

/// The offset at which `share` (rising with the offset) reaches `target`, by bisection.
fn calibrate(share: impl Fn(f64) -> f64, target: f64) -> f64 {
    let (mut low, mut high) = (-8.0, 8.0);
    for _ in 0..40 {
        let middle = (low + high) / 2.0;
        if share(middle) < target {
            low = middle;
        } else {
            high = middle;
        }
    }
    (low + high) / 2.0
}

fn draw_answers(rng: &mut ChaCha8Rng, catalogue: &Catalogue, code: &OrgCode, driver: u64, size: f64, choices: &Choices) -> Answers {
    let mut answers = Answers::new();
    let mut put = |name: &str, answer: Answer| {
        answers.insert(name.to_owned(), answer);
    };
    let text = |value: &str| Answer::Text(value.to_owned());

    let theme = if choices.service_delivery { "dienstverlening" } else { weighted(rng, &OTHER_THEMES) };
    put("leading_theme", text(theme));
    if theme == "anders" {
        put("leading_theme_other", text(pick(rng, &OTHER_THEME_TEXTS)));
    }

    // Smaller municipalities need support more often, and some municipalities ask for more than others.
    let neediness = -0.3 * size + 0.7 * normal(rng);
    let blocks: BTreeMap<String, BlockAnswer> = catalogue
        .blocks
        .iter()
        .zip(&choices.statuses)
        .map(|(block, &status)| {
            let need = SUPPORT_NEED.iter().find(|(s, _)| *s == status).map_or(0.3, |(_, chance)| *chance);
            let needed = rng.random_bool(logistic(logit(need) + neediness));
            let mut forms = BTreeSet::new();
            if needed {
                for (form, chance) in SUPPORT_FORMS {
                    // On-site help matters most where the municipality has few hands of its own.
                    let shift = if form == SupportForm::OnSiteHelp { -0.4 * size } else { 0.0 };
                    if rng.random_bool(logistic(logit(chance) + shift)) {
                        forms.insert(form);
                    }
                }
                if forms.is_empty() {
                    forms.insert(pick(rng, &SupportForm::ALL));
                }
            }
            (block.code.clone(), BlockAnswer { status: Some(status), support_needed: Some(needed), support_forms: forms })
        })
        .collect();
    put("blocks", Answer::Matrix(blocks));

    put("collective_support", text(yes_no(choices.collective)));
    if rng.random_bool(0.25) {
        put("support_remarks", text(pick(rng, &REMARKS)));
    }

    put("collaborates", text(yes_no(choices.collaborates)));
    if choices.collaborates {
        if rng.random_bool(0.7) {
            let count = rng.random_range(1..=3);
            let mut partners: Vec<&str> = Vec::new();
            while partners.len() < count {
                let partner = pick(rng, &PARTNERS);
                if !partners.contains(&partner) {
                    partners.push(partner);
                }
            }
            put("partners", text(&partners.join("\n")));
        }
        let mut areas: Vec<String> = [("techniek", 0.8), ("processen-en-informatiemanagement", 0.45), ("strategie-en-beleid", 0.3)]
            .into_iter()
            .filter(|(_, chance)| rng.random_bool(*chance))
            .map(|(code, _)| code.to_owned())
            .collect();
        if areas.is_empty() {
            areas.push("techniek".to_owned());
        }
        put("collaboration_areas", Answer::Many(areas));
    }
    put("future_collaboration", text(yes_no(choices.plans)));
    if choices.plans {
        put("future_collaboration_focus", Answer::Many(choices.focus.iter().map(|code| (*code).to_owned()).collect()));
    }

    if rng.random_bool(0.85) {
        put("satisfaction", Answer::Number(f64::from(weighted(rng, &[(1, 0.05), (2, 0.15), (3, 0.40), (4, 0.33), (5, 0.07)]))));
    }
    if driver > 0 && rng.random_bool(0.8) {
        // About one FTE per 2,000 inhabitants, give or take a third.
        let staff = (driver as f64 / 2000.0 * (0.35 * normal(rng)).exp()).round().clamp(1.0, 10_000.0);
        put("ict_staff", Answer::Number(staff));
    }

    let (role, mailbox) = pick(rng, &ROLES);
    let initial = char::from(b'A' + rng.random_range(0..26u8));
    put("contact_name", text(&format!("{initial}. {} (fictief)", pick(rng, &SURNAMES))));
    put("contact_role", text(role));
    put("contact_email", text(&format!("{mailbox}.{}@voorbeeld.invalid", code.as_str().to_lowercase())));
    answers
}

/// A working day within the fieldwork period.
fn interview_date(rng: &mut ChaCha8Rng, opens: NaiveDate, closes: NaiveDate) -> NaiveDate {
    let days = (closes - opens).num_days().max(0);
    let mut date = opens + TimeDelta::days(rng.random_range(0..=days));
    while matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
        date = if date < closes { date + TimeDelta::days(1) } else { date - TimeDelta::days(1) };
    }
    date
}

fn yes_no(yes: bool) -> &'static str {
    if yes { "ja" } else { "nee" }
}

fn pick<T: Copy>(rng: &mut ChaCha8Rng, items: &[T]) -> T {
    items[rng.random_range(0..items.len())]
}

/// One of the items, with chances proportional to the weights.
fn weighted<T: Copy>(rng: &mut ChaCha8Rng, items: &[(T, f64)]) -> T {
    let total: f64 = items.iter().map(|(_, weight)| weight).sum();
    let mut left = rng.random::<f64>() * total;
    for (item, weight) in items {
        if left < *weight {
            return *item;
        }
        left -= weight;
    }
    items[items.len() - 1].0
}

/// A standard normal draw (Box and Muller).
fn normal(rng: &mut ChaCha8Rng) -> f64 {
    let u = 1.0 - rng.random::<f64>();
    let v = rng.random::<f64>();
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
}

fn logit(p: f64) -> f64 {
    let p = p.clamp(1e-6, 1.0 - 1e-6);
    (p / (1.0 - p)).ln()
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{FIRST_WAVE_SEED, data};

    struct Figures {
        responded: usize,
        asked: usize,
        service_delivery: f64,
        mean_in_use: f64,
        collective_support: f64,
        collaborates: f64,
        focus: [f64; 3],
        interviews: f64,
    }

    fn share(responses: &[SimulatedResponse], test: impl Fn(&Answers) -> bool) -> f64 {
        responses.iter().filter(|r| test(&r.answers)).count() as f64 / responses.len() as f64
    }

    fn is(answers: &Answers, name: &str, code: &str) -> bool {
        answers.get(name).is_some_and(|answer| answer.codes().contains(&code))
    }

    fn in_use(answers: &Answers) -> f64 {
        let Some(Answer::Matrix(blocks)) = answers.get("blocks") else { return 0.0 };
        blocks.values().filter(|b| b.status == Some(BlockStatus::InUse)).count() as f64 / 18.0
    }

    fn simulate(seed: u64) -> (Vec<(OrgCode, u64)>, Vec<SimulatedResponse>) {
        let demo = data().unwrap();
        let asked = demo.municipalities_asked_on(FIRST_WAVE_TARGETS.closes);
        let drivers = demo.size_drivers(&asked);
        let catalogue = demo.catalogues.iter().find(|c| c.id == "nup-2008").unwrap();
        let responses = simulate_wave(&demo.questionnaire, catalogue, &drivers, &FIRST_WAVE_TARGETS, seed);
        (drivers, responses)
    }

    fn figures(asked: usize, responses: &[SimulatedResponse]) -> Figures {
        Figures {
            responded: responses.len(),
            asked,
            service_delivery: share(responses, |a| is(a, "leading_theme", "dienstverlening")),
            mean_in_use: responses.iter().map(|r| in_use(&r.answers)).sum::<f64>() / responses.len() as f64,
            collective_support: share(responses, |a| is(a, "collective_support", "ja")),
            collaborates: share(responses, |a| is(a, "collaborates", "ja")),
            focus: FOCUS_CODES.map(|code| share(responses, |a| is(a, "future_collaboration_focus", code))),
            interviews: responses.iter().filter(|r| matches!(r.mode, Mode::Interview { .. })).count() as f64 / responses.len() as f64,
        }
    }

    fn assert_headline_figures(asked: usize, responses: &[SimulatedResponse], slack: f64) {
        let f = figures(asked, responses);
        let within = |value: f64, low: f64, high: f64| value >= low - slack && value <= high + slack;
        let rate = f.responded as f64 / f.asked as f64;
        assert!(within(rate, 0.88, 0.92), "response {rate}");
        assert!(within(f.service_delivery, 0.70, 0.80), "service delivery {}", f.service_delivery);
        assert!(within(f.mean_in_use, 0.33, 0.41), "mean in use {}", f.mean_in_use);
        assert!(f.collective_support > 0.80 - slack, "collective support {}", f.collective_support);
        assert!(within(f.collaborates, 0.67, 0.77), "collaborates {}", f.collaborates);
        for ((code, target), found) in FOCUS_CODES.iter().zip(FIRST_WAVE_TARGETS.focus).zip(f.focus) {
            assert!(within(found, target - 0.05, target + 0.05), "focus {code}: {found}");
        }
        assert!(within(f.interviews, 0.10, 0.20), "interviews {}", f.interviews);
    }

    #[test]
    fn the_same_seed_draws_the_same_wave_and_another_seed_another() {
        let (_, first) = simulate(FIRST_WAVE_SEED);
        let (_, again) = simulate(FIRST_WAVE_SEED);
        assert_eq!(first, again);
        let (_, other) = simulate(FIRST_WAVE_SEED + 1);
        assert_ne!(first, other);
    }

    #[test]
    fn every_drawn_answer_set_passes_validation_and_is_kept_whole() {
        let demo = data().unwrap();
        let catalogue = demo.catalogues.iter().find(|c| c.id == "nup-2008").unwrap();
        for seed in [FIRST_WAVE_SEED, 1, 2, 3] {
            let (_, responses) = simulate(seed);
            for response in &responses {
                assert_eq!(demo.questionnaire.validate_all(&response.answers, catalogue), [], "{}", response.organisation);
                assert_eq!(demo.questionnaire.without_hidden(&response.answers), response.answers);
            }
        }
    }

    #[test]
    fn the_headline_figures_come_out_approximately() {
        let (drivers, responses) = simulate(FIRST_WAVE_SEED);
        assert_eq!(responses.len(), 380);
        assert_headline_figures(drivers.len(), &responses, 0.0);
        // Another seed lands near the same figures: they come from the model, not from a lucky draw.
        for seed in [1, 2, 3] {
            let (drivers, responses) = simulate(seed);
            assert_headline_figures(drivers.len(), &responses, 0.03);
        }
    }

    #[test]
    fn larger_municipalities_are_further_along_with_large_differences() {
        let (drivers, responses) = simulate(FIRST_WAVE_SEED);
        let size = |code: &OrgCode| drivers.iter().find(|(c, _)| c == code).map_or(0, |(_, s)| *s);
        let mut by_size: Vec<(u64, f64)> = responses.iter().map(|r| (size(&r.organisation), in_use(&r.answers))).collect();
        by_size.sort_by_key(|(size, _)| *size);
        let third = by_size.len() / 3;
        let mean = |part: &[(u64, f64)]| part.iter().map(|(_, s)| s).sum::<f64>() / part.len() as f64;
        let (small, large) = (mean(&by_size[..third]), mean(&by_size[by_size.len() - third..]));
        assert!(large > small + 0.08, "small {small}, large {large}");
        let lowest = by_size.iter().map(|(_, s)| *s).fold(1.0, f64::min);
        let highest = by_size.iter().map(|(_, s)| *s).fold(0.0, f64::max);
        assert!(highest - lowest > 0.4, "large differences: {lowest} to {highest}");
    }

    #[test]
    fn blocks_not_in_use_need_support_more_often_and_interviews_fall_on_working_days_in_the_period() {
        let (_, responses) = simulate(FIRST_WAVE_SEED);
        let (mut in_use, mut not_in_use) = ((0, 0), (0, 0));
        for response in &responses {
            let Some(Answer::Matrix(blocks)) = response.answers.get("blocks") else { panic!("a matrix") };
            for block in blocks.values() {
                let tally = if block.status == Some(BlockStatus::InUse) { &mut in_use } else { &mut not_in_use };
                tally.0 += usize::from(block.support_needed == Some(true));
                tally.1 += 1;
                assert_eq!(block.support_needed == Some(true), !block.support_forms.is_empty());
            }
            if let Mode::Interview { date, interviewees } = &response.mode {
                assert!((FIRST_WAVE_OPENS..=FIRST_WAVE_CLOSES).contains(date), "{date}");
                assert!(!matches!(date.weekday(), Weekday::Sat | Weekday::Sun), "{date}");
                assert!(!interviewees.is_empty());
            }
            let email = response.answers.get("contact_email").and_then(|a| a.codes().first().map(|s| s.to_string())).unwrap();
            assert!(email.ends_with("@voorbeeld.invalid"), "{email}");
        }
        let rate = |(needed, all): (usize, usize)| needed as f64 / all as f64;
        assert!(rate(not_in_use) > 2.0 * rate(in_use), "not in use {}, in use {}", rate(not_in_use), rate(in_use));
    }

    #[test]
    fn an_empty_or_sizeless_list_draws_without_failing() {
        let demo = data().unwrap();
        let catalogue = demo.catalogues.iter().find(|c| c.id == "nup-2008").unwrap();
        assert!(simulate_wave(&demo.questionnaire, catalogue, &[], &FIRST_WAVE_TARGETS, 7).is_empty());
        let unknown: Vec<(OrgCode, u64)> = ["GM0001", "GM0002"].iter().map(|c| (OrgCode::parse(c).unwrap(), 0)).collect();
        let responses = simulate_wave(&demo.questionnaire, catalogue, &unknown, &FIRST_WAVE_TARGETS, 7);
        assert_eq!(responses.len(), 2);
        assert!(responses.iter().all(|r| demo.questionnaire.validate_all(&r.answers, catalogue).is_empty()));
    }
}
