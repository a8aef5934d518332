//! The demo's register of collaborations, drawn from the simulated answers of the newest wave, as the monitor team
//! might have reviewed them: the respondents that named a regional ICT partnership are grouped per province into
//! clusters of nearby municipalities (the largest left takes its nearest, up to eight), each a collaboration named after its largest member ("ICT-samenwerking
//! regio Zwolle") whose areas are those that at least half of its members named. Respondents for whom no cluster
//! forms (too few others nearby) are left for the review page. Every other answer that names partners is
//! decided as not taken: the simulation's other partners are generic texts, not collaborations between
//! municipalities. Like the answers, these collaborations are simulated, and the pages say so.

use std::collections::{BTreeMap, BTreeSet};

use super::SimulatedResponse;
use crate::benchmark::distance_km;
use crate::collaboration::{AREAS_QUESTION, Area, CollaborationDraft, PARTNERS_QUESTION, Review, Step, SurveyAnswer, normalise};
use crate::fieldwork::WaveId;
use crate::questionnaire::Answer;
use crate::register::{OrgCode, Organisation};

/// The simulation's text for a regional ICT partnership (see `simulation::PARTNERS`).
pub const REGIONAL_ICT_PARTNERSHIP: &str = "Regionaal ICT-samenwerkingsverband";
/// A cluster has at least this many members, and at most `MAX_MEMBERS`.
pub const MIN_MEMBERS: usize = 3;
pub const MAX_MEMBERS: usize = 8;
/// How far from the largest member the others may lie: about the reach of a regional partnership. Who finds too
/// few others nearby to start a cluster joins the nearest cluster within this distance that has room.
pub const RADIUS_KM: f64 = 40.0;

/// One drawn collaboration: created when its largest member's answer is accepted; the other members' answers are
/// accepted into it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoCollaboration {
    pub draft: CollaborationDraft,
    pub largest: OrgCode,
}

/// What the demo decides on the newest wave's answers.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DemoCollaborations {
    pub collaborations: Vec<DemoCollaboration>,
    /// Named a regional ICT partnership, but no cluster formed: left for the team to review.
    pub left_for_review: BTreeSet<OrgCode>,
}

impl DemoCollaborations {
    /// The demo's decision on `answer`, when `newest` is the wave the clusters were drawn from: a cluster's largest
    /// member's answer creates it, the other members' answers are accepted into it, the answers left for review
    /// get none (`None`), and every other answer is not taken.
    pub fn decision(&self, answer: &SurveyAnswer, newest: &WaveId) -> Option<Review> {
        if answer.wave != *newest {
            return Some(Review::Rejected);
        }
        if self.left_for_review.contains(&answer.organisation) {
            return None;
        }
        Some(match self.collaborations.iter().find(|c| c.draft.members.contains(&answer.organisation)) {
            Some(cluster) if cluster.largest == answer.organisation => Review::Accepted(vec![Step::Create(cluster.draft.clone())]),
            Some(_) => Review::Accepted(Vec::new()),
            None => Review::Rejected,
        })
    }
}

/// Clusters the respondents among `responses` that named a regional ICT partnership. `organisations` gives their
/// names, provinces and centroids, `sizes` their size (population; the largest leads a cluster).
pub fn demo_collaborations(
    responses: &[SimulatedResponse],
    organisations: &[Organisation],
    sizes: &[(OrgCode, u64)],
) -> DemoCollaborations {
    let sizes: BTreeMap<&OrgCode, u64> = sizes.iter().map(|(code, size)| (code, *size)).collect();
    let by_code: BTreeMap<&OrgCode, &Organisation> = organisations.iter().map(|o| (&o.code, o)).collect();
    let wanted = normalise(REGIONAL_ICT_PARTNERSHIP);
    let mut result = DemoCollaborations::default();
    let mut per_province: BTreeMap<Option<&OrgCode>, Vec<(&Organisation, BTreeSet<Area>)>> = BTreeMap::new();
    for response in responses {
        let named = match response.answers.get(PARTNERS_QUESTION) {
            Some(Answer::Text(text)) => text.lines().any(|line| normalise(line) == wanted),
            _ => false,
        };
        if !named {
            continue;
        }
        let areas =
            response.answers.get(AREAS_QUESTION).map(|a| a.codes().into_iter().filter_map(Area::parse).collect()).unwrap_or_default();
        match by_code.get(&response.organisation) {
            Some(organisation) if organisation.centroid.is_some() => {
                per_province.entry(organisation.province.as_ref()).or_default().push((organisation, areas))
            }
            _ => {
                result.left_for_review.insert(response.organisation.clone());
            }
        }
    }
    for (_, mut candidates) in per_province {
        // Largest first; among equals, by code, so that the draw is the same every time.
        let size = |o: &Organisation| sizes.get(&o.code).copied().unwrap_or(0);
        candidates.sort_by(|(a, _), (b, _)| size(b).cmp(&size(a)).then_with(|| a.code.cmp(&b.code)));
        let mut clusters: Vec<Vec<(&Organisation, BTreeSet<Area>)>> = Vec::new();
        let mut alone: Vec<(&Organisation, BTreeSet<Area>)> = Vec::new();
        while !candidates.is_empty() {
            let largest = candidates[0].0;
            let nearby = nearest(largest, candidates.iter().map(|(o, _)| *o).enumerate().skip(1), MAX_MEMBERS - 1);
            if nearby.len() + 1 < MIN_MEMBERS {
                alone.push(candidates.remove(0));
                continue;
            }
            let mut chosen: Vec<usize> = nearby.into_iter().chain([0]).collect();
            chosen.sort_unstable();
            let mut members: Vec<(&Organisation, BTreeSet<Area>)> = chosen.iter().rev().map(|index| candidates.remove(*index)).collect();
            members.reverse();
            clusters.push(members);
        }
        // Who found too few others nearby joins the nearest cluster that has room, if one is near enough.
        for (organisation, areas) in alone {
            let open = clusters.iter().enumerate().filter(|(_, c)| c.len() < MAX_MEMBERS).map(|(index, c)| (index, c[0].0));
            match nearest(organisation, open, 1).first() {
                Some(index) => clusters[*index].push((organisation, areas)),
                None => {
                    result.left_for_review.insert(organisation.code.clone());
                }
            }
        }
        for members in clusters {
            let largest = members[0].0;
            result.collaborations.push(DemoCollaboration {
                draft: CollaborationDraft {
                    name: format!("ICT-samenwerking regio {}", largest.name),
                    members: members.iter().map(|(o, _)| o.code.clone()).collect(),
                    areas: majority_areas(members.iter().map(|(_, areas)| areas)),
                },
                largest: largest.code.clone(),
            });
        }
    }
    result.collaborations.sort_by(|a, b| a.draft.name.cmp(&b.draft.name));
    result
}

/// The keys of at most `count` of `others` that lie within `RADIUS_KM` of `centre`, nearest first (ties by key).
fn nearest<'a>(centre: &Organisation, others: impl Iterator<Item = (usize, &'a Organisation)>, count: usize) -> Vec<usize> {
    let Some(from) = centre.centroid else { return Vec::new() };
    let mut near: Vec<(f64, usize)> = others
        .filter_map(|(key, other)| other.centroid.map(|to| (distance_km(from, to), key)))
        .filter(|(distance, _)| *distance <= RADIUS_KM)
        .collect();
    near.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    near.into_iter().take(count).map(|(_, key)| key).collect()
}

/// The areas that at least half of the members named; when none did, those named most.
fn majority_areas<'a>(answers: impl Iterator<Item = &'a BTreeSet<Area>>) -> BTreeSet<Area> {
    let mut counts: BTreeMap<Area, usize> = BTreeMap::new();
    let mut members = 0;
    for areas in answers {
        members += 1;
        for area in areas {
            *counts.entry(*area).or_default() += 1;
        }
    }
    let half: BTreeSet<Area> = counts.iter().filter(|(_, count)| **count * 2 >= members).map(|(area, _)| *area).collect();
    if !half.is_empty() {
        return half;
    }
    let most = counts.values().copied().max().unwrap_or(0);
    counts.into_iter().filter(|(_, count)| *count == most && most > 0).map(|(area, _)| area).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::demo::data;

    #[test]
    fn the_newest_wave_gives_clusters_of_nearby_municipalities_in_one_province_and_a_handful_to_review() {
        let demo = data().unwrap();
        let second = demo.second_wave().unwrap();
        let asked = demo.municipalities_asked_on(super::super::SECOND_WAVE_TARGETS.closes);
        let sizes = demo.size_drivers(&asked);
        let drawn = demo_collaborations(&second.responses, &demo.organisations, &sizes);
        let again = demo_collaborations(&second.responses, &demo.organisations, &sizes);
        assert_eq!(drawn, again, "the same every time");
        // The seed's draw: 55 respondents named a regional ICT partnership; 43 fall in 9 clusters, 12 had too
        // few others nearby.
        assert_eq!(drawn.collaborations.len(), 9);
        assert_eq!(drawn.left_for_review.len(), 12, "{:?}", drawn.left_for_review);

        let organisation = |code: &OrgCode| demo.organisations.iter().find(|o| &o.code == code).unwrap();
        let mut seen = BTreeSet::new();
        for collaboration in &drawn.collaborations {
            let members = &collaboration.draft.members;
            assert!((MIN_MEMBERS..=MAX_MEMBERS).contains(&members.len()), "{:?}", collaboration.draft);
            assert!(members.contains(&collaboration.largest));
            let largest = organisation(&collaboration.largest);
            assert_eq!(collaboration.draft.name, format!("ICT-samenwerking regio {}", largest.name));
            assert!(!collaboration.draft.areas.is_empty());
            for member in members {
                assert!(seen.insert(member.clone()), "{member} is in one cluster only");
                let member = organisation(member);
                assert_eq!(member.province, largest.province, "one province");
                assert!(distance_km(largest.centroid.unwrap(), member.centroid.unwrap()) <= RADIUS_KM);
                let response = second.responses.iter().find(|r| r.organisation == member.code).unwrap();
                assert!(matches!(response.answers.get(PARTNERS_QUESTION), Some(Answer::Text(t)) if t.contains(REGIONAL_ICT_PARTNERSHIP)));
            }
        }
        assert!(drawn.left_for_review.iter().all(|code| !seen.contains(code)));
        assert_eq!(seen.len(), 43);
    }

    #[test]
    fn the_largest_member_creates_its_cluster_the_others_join_and_the_rest_is_not_taken() {
        let code = |text: &str| OrgCode::parse(text).unwrap();
        let newest = WaveId::parse("vervolgmeting").unwrap();
        let draft = CollaborationDraft {
            name: "ICT-samenwerking regio Zwolle".into(),
            members: [code("GM0193"), code("GM0166"), code("GM0303")].into_iter().collect(),
            areas: BTreeSet::from([Area::Technique]),
        };
        let drawn = DemoCollaborations {
            collaborations: vec![DemoCollaboration { draft: draft.clone(), largest: code("GM0193") }],
            left_for_review: BTreeSet::from([code("GM0150")]),
        };
        let answer = |wave: &WaveId, organisation: &str| SurveyAnswer {
            wave: wave.clone(),
            organisation: code(organisation),
            revision: 1,
            partners: vec![REGIONAL_ICT_PARTNERSHIP.into()],
            areas: BTreeSet::new(),
        };
        assert_eq!(drawn.decision(&answer(&newest, "GM0193"), &newest), Some(Review::Accepted(vec![Step::Create(draft)])));
        assert_eq!(drawn.decision(&answer(&newest, "GM0166"), &newest), Some(Review::Accepted(Vec::new())));
        assert_eq!(drawn.decision(&answer(&newest, "GM0150"), &newest), None, "left for the review page");
        assert_eq!(drawn.decision(&answer(&newest, "GM0363"), &newest), Some(Review::Rejected));
        let older = WaveId::parse("eerste-meting").unwrap();
        assert_eq!(drawn.decision(&answer(&older, "GM0193"), &newest), Some(Review::Rejected), "an older wave is not taken");
    }

    #[test]
    fn areas_are_those_half_the_members_named_or_else_the_most_named() {
        let set = |areas: &[Area]| areas.iter().copied().collect::<BTreeSet<Area>>();
        let answers = [set(&[Area::Technique, Area::Strategy]), set(&[Area::Technique]), set(&[Area::Processes]), set(&[Area::Technique])];
        assert_eq!(majority_areas(answers.iter()), set(&[Area::Technique]));
        let spread = [set(&[Area::Technique]), set(&[Area::Processes]), set(&[Area::Strategy]), set(&[Area::Strategy])];
        assert_eq!(majority_areas(spread.iter()), set(&[Area::Strategy]), "two of four is half");
        let thin = [set(&[Area::Technique]), set(&[]), set(&[]), set(&[Area::Processes]), set(&[])];
        assert_eq!(majority_areas(thin.iter()), set(&[Area::Technique, Area::Processes]));
        assert_eq!(majority_areas([set(&[])].iter()), set(&[]));
    }
}
