//! The profile on a hand-made wave whose answers are worked out below.

use super::tests::catalogue;
use super::*;
use crate::analysis::Proportion;
use crate::analysis::indicators::Asked;

fn code(text: &str) -> OrgCode {
    OrgCode::parse(text).unwrap_or_else(|e| panic!("{e}"))
}

fn class(number: u8) -> Option<SizeClass> {
    SizeClass::from_number(number)
}

/// The catalogue is bsn ← digid ← mijnoverheid, and the BAG alone. GM0001 (class 4, province PV20) uses only the BSN and asks support for DigiD and the BAG. Its eleven size-class
/// peers GM0002..GM0012 stand one hundredth of a degree of latitude (1.1 km) apart going north:
///
/// | peer | in use | adoption |
/// |---|---|---|
/// | GM0002 | bsn digid mijnoverheid bag | 1.00 |
/// | GM0003 | bsn digid mijnoverheid | 0.75 |
/// | GM0004..GM0006 | bsn digid bag | 0.75 |
/// | GM0007..GM0009 | bsn digid | 0.50 |
/// | GM0010, GM0011 | bsn | 0.25 |
/// | GM0012 | bsn bag | 0.50 |
///
/// So DigiD is in use at 8 of 11, MijnOverheid at 2, the BAG at 5. GM0013 (class 5, PV20) uses bsn, digid and bag;
/// GM0014 (class 4, PV20) was asked and did not respond; GM0015 (class 8, PV27) is far away with everything.
fn wave() -> (Vec<Asked>, Vec<Standing>) {
    let rows: [(&str, u8, &str, &[&str]); 14] = [
        ("GM0001", 4, "PV20", &["bsn"]),
        ("GM0002", 4, "PV20", &["bsn", "digid", "mijnoverheid", "bag"]),
        ("GM0003", 4, "PV20", &["bsn", "digid", "mijnoverheid"]),
        ("GM0004", 4, "PV20", &["bsn", "digid", "bag"]),
        ("GM0005", 4, "PV20", &["bsn", "digid", "bag"]),
        ("GM0006", 4, "PV20", &["bsn", "digid", "bag"]),
        ("GM0007", 4, "PV20", &["bsn", "digid"]),
        ("GM0008", 4, "PV20", &["bsn", "digid"]),
        ("GM0009", 4, "PV20", &["bsn", "digid"]),
        ("GM0010", 4, "PV20", &["bsn"]),
        ("GM0011", 4, "PV20", &["bsn"]),
        ("GM0012", 4, "PV20", &["bsn", "bag"]),
        ("GM0013", 5, "PV20", &["bsn", "digid", "bag"]),
        ("GM0015", 8, "PV27", &["bsn", "digid", "mijnoverheid", "bag"]),
    ];
    let standings: Vec<Standing> = rows
        .iter()
        .enumerate()
        .map(|(i, (text, size, province, in_use))| Standing {
            code: code(text),
            size_class: class(*size),
            province: Some(code(province)),
            centroid: Some(Centroid { lat: if *size == 8 { 52.37 } else { 53.0 + 0.01 * i as f64 }, lon: 6.0 }),
            statuses: ["bsn", "digid", "mijnoverheid", "bag"]
                .iter()
                .map(|b| ((*b).to_owned(), if in_use.contains(b) { BlockStatus::InUse } else { BlockStatus::Planned }))
                .collect(),
            needs_support: if *text == "GM0001" { ["digid".to_owned(), "bag".to_owned()].into() } else { BTreeSet::new() },
            partners: BTreeSet::new(),
        })
        .collect();
    let mut asked: Vec<Asked> =
        standings.iter().map(|s| Asked { code: s.code.clone(), province: s.province.clone(), size_class: s.size_class }).collect();
    asked.push(Asked { code: code("GM0014"), province: Some(code("PV20")), size_class: class(4) });
    (asked, standings)
}

fn no_partners() -> BTreeSet<OrgCode> {
    BTreeSet::new()
}

#[test]
fn a_respondent_stands_against_its_size_class_and_province() {
    let (asked, standings) = wave();
    let profile = profile(&code("GM0001"), &asked, &standings, &no_partners(), &catalogue()).unwrap_or_else(|| panic!());
    assert!(profile.responded);
    assert_eq!(profile.adoption, Some(0.25));

    let size_class = &profile.groups[0];
    assert_eq!(size_class.group, PeerGroup::SizeClass(class(4).unwrap_or_else(|| panic!())));
    // Twelve peers were asked (GM0014 too), eleven answered.
    assert_eq!((size_class.asked, size_class.respondents), (12, 11));
    // Below it: none; equal: GM0010 and GM0011, counted as half each: 100 · 1 / 11.
    assert!((size_class.percentile.unwrap_or_default() - 100.0 / 11.0).abs() < 1e-9, "{:?}", size_class.percentile);
    let mean = size_class.adoption.as_ref().map(|a| a.summary.mean).unwrap_or_default();
    assert!((mean - 6.5 / 11.0).abs() < 1e-9, "mean of 1 + 4 × 0.75 + 4 × 0.5 + 2 × 0.25 = 6.5 over 11: {mean}");

    let province = &profile.groups[1];
    assert_eq!(province.group, PeerGroup::Province(code("PV20")));
    assert_eq!((province.asked, province.respondents), (13, 12));
    assert_eq!(profile.groups.len(), 2, "no partners, no partner group");

    let digid = &profile.blocks[1];
    assert_eq!((digid.block.as_str(), digid.status, digid.needs_support), ("digid", Some(BlockStatus::Planned), true));
    assert_eq!(digid.peers_in_use, [Some(Proportion::new(8, 11, 12)), Some(Proportion::new(9, 12, 13))]);
}

#[test]
fn next_steps_and_helpers_follow_the_peers() {
    let (asked, standings) = wave();
    let profile = profile(&code("GM0001"), &asked, &standings, &no_partners(), &catalogue()).unwrap_or_else(|| panic!());
    // DigiD: 8 of 11 and 9 of 12 peers. The BAG: 5 of 11 and 6 of 12, not more than half. MijnOverheid needs DigiD.
    assert_eq!(profile.next_steps, ["digid"]);
    let helped: Vec<(&str, Vec<&str>)> =
        profile.helpers.iter().map(|h| (h.block.as_str(), h.helpers.iter().map(|x| x.code.as_str()).collect())).collect();
    assert_eq!(helped, [("digid", vec!["GM0002", "GM0003", "GM0004"]), ("bag", vec!["GM0002", "GM0004", "GM0005"])]);
    assert!((profile.helpers[0].helpers[0].distance_km - 1.11).abs() < 0.01);
}

#[test]
fn a_small_partner_group_gives_only_its_count() {
    let (asked, standings) = wave();
    let partners: BTreeSet<OrgCode> = [code("GM0013"), code("GM0015")].into();
    let profile = profile(&code("GM0001"), &asked, &standings, &partners, &catalogue()).unwrap_or_else(|| panic!());
    let group = &profile.groups[2];
    assert_eq!(group.group, PeerGroup::Partners);
    assert_eq!((group.asked, group.respondents, group.published()), (2, 2, false));
    assert_eq!((group.adoption.as_ref(), group.percentile), (None, None));
    assert!(profile.blocks.iter().all(|b| b.peers_in_use[2].is_none()));
}

#[test]
fn a_non_respondent_sees_its_peers_but_has_no_standing_of_its_own() {
    let (asked, standings) = wave();
    let profile = profile(&code("GM0014"), &asked, &standings, &no_partners(), &catalogue()).unwrap_or_else(|| panic!());
    assert!(!profile.responded);
    assert_eq!(profile.adoption, None);
    // All twelve of class 4 that answered are its peers, GM0001 included.
    assert_eq!((profile.groups[0].respondents, profile.groups[0].percentile), (12, None));
    assert!(profile.next_steps.is_empty() && profile.helpers.is_empty());
    assert!(profile.blocks.iter().all(|b| b.status.is_none()));
}

#[test]
fn an_organisation_the_wave_did_not_ask_has_no_profile() {
    let (asked, standings) = wave();
    assert!(profile(&code("GM9999"), &asked, &standings, &no_partners(), &catalogue()).is_none());
}

/// GM0001 in a later wave, not yet published: it now has DigiD in use and still asks support for the BAG. GM0016, a
/// close neighbour of its class, answered only in that later wave, with every block in use.
fn later_wave() -> (Vec<Asked>, Standing, Standing) {
    let (mut asked, standings) = wave();
    let mut own = standings[0].clone();
    own.statuses.insert("digid".into(), BlockStatus::InUse);
    own.needs_support = ["bag".to_owned()].into();
    let newcomer = Standing {
        code: code("GM0016"),
        centroid: own.centroid,
        statuses: own.statuses.keys().map(|b| (b.clone(), BlockStatus::InUse)).collect(),
        needs_support: BTreeSet::new(),
        ..own.clone()
    };
    asked.push(Asked { code: newcomer.code.clone(), province: newcomer.province.clone(), size_class: newcomer.size_class });
    (asked, own, newcomer)
}

#[test]
fn a_preliminary_profile_takes_its_own_answers_and_the_published_peers_only() {
    let (published_asked, published) = wave();
    let (asked, own, newcomer) = later_wave();
    let comparison = Comparison { asked: &published_asked, standings: &published };
    let preliminary = preliminary_profile(&code("GM0001"), &asked, Some(&own), Some(comparison), &no_partners(), &catalogue())
        .unwrap_or_else(|| panic!());
    assert_eq!(preliminary.adoption, Some(0.5), "its own answers of the later wave");
    assert_eq!(preliminary.blocks[1].status, Some(BlockStatus::InUse));
    assert_eq!((preliminary.groups[0].asked, preliminary.groups[0].respondents), (12, 11), "the published wave's peers");
    let helpers: Vec<&str> = preliminary.helpers[0].helpers.iter().map(|h| h.code.as_str()).collect();
    assert_eq!(helpers, ["GM0002", "GM0004", "GM0005"]);

    // Whatever the newcomer answered in the unpublished wave, it changes nothing.
    let mut all_later: Vec<Standing> = published.clone();
    all_later[0] = own.clone();
    all_later.push(newcomer.clone());
    let with_everyone = profile(&code("GM0001"), &asked, &all_later, &no_partners(), &catalogue()).unwrap_or_else(|| panic!());
    assert!(with_everyone.helpers[0].helpers.iter().any(|h| h.code == newcomer.code), "the newcomer would be the nearest helper");
    let not_own = preliminary_profile(&code("GM0001"), &asked, Some(&newcomer), Some(comparison), &no_partners(), &catalogue());
    assert_eq!(not_own.map(|p| p.responded), Some(false), "another's standing is never taken for its own");
}

#[test]
fn without_a_published_wave_a_preliminary_profile_has_no_peers_and_no_helpers() {
    let (asked, own, _) = later_wave();
    let preliminary =
        preliminary_profile(&code("GM0001"), &asked, Some(&own), None, &no_partners(), &catalogue()).unwrap_or_else(|| panic!());
    assert!(preliminary.responded);
    assert!(preliminary.groups.iter().all(|g| (g.asked, g.respondents, g.percentile) == (0, 0, None)), "{:?}", preliminary.groups);
    assert!(preliminary.blocks.iter().all(|b| b.peers_in_use.iter().all(Option::is_none)));
    assert!(preliminary.next_steps.is_empty());
    assert_eq!(preliminary.helpers.len(), 1, "the block it asked support for is listed");
    assert!(preliminary.helpers[0].helpers.is_empty(), "but nobody is named");
    assert!(preliminary_profile(&code("GM9999"), &asked, Some(&own), None, &no_partners(), &catalogue()).is_none());
}
