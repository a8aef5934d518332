use super::*;
use crate::catalogue::BuildingBlock;

fn code(text: &str) -> OrgCode {
    OrgCode::parse(text).unwrap_or_else(|e| panic!("{e}"))
}

/// bsn ← digid ← mijnoverheid: MijnOverheid needs DigiD, which needs the BSN; BAG stands alone.
pub(super) fn catalogue() -> Catalogue {
    let block = |code: &str, depends_on: &[&str]| BuildingBlock {
        code: code.into(),
        name: code.to_uppercase(),
        group: "g".into(),
        description: String::new(),
        target_date: None,
        depends_on: depends_on.iter().map(|d| (*d).to_owned()).collect(),
    };
    Catalogue {
        id: "test".into(),
        version: "1".into(),
        name: "Test".into(),
        description: String::new(),
        source: String::new(),
        reconstruction: false,
        groups: Vec::new(),
        blocks: vec![block("bsn", &[]), block("digid", &["bsn"]), block("mijnoverheid", &["digid"]), block("bag", &[])],
    }
}

fn standing(text: &str, class: u8, province: &str, (lat, lon): (f64, f64), in_use: &[&str]) -> Standing {
    Standing {
        code: code(text),
        size_class: SizeClass::from_number(class),
        province: Some(code(province)),
        centroid: Some(Centroid { lat, lon }),
        statuses: ["bsn", "digid", "mijnoverheid", "bag"]
            .iter()
            .map(|b| ((*b).to_owned(), if in_use.contains(b) { BlockStatus::InUse } else { BlockStatus::Planned }))
            .collect(),
        needs_support: BTreeSet::new(),
        partners: BTreeSet::new(),
    }
}

/// Five municipalities: four of size class 4 in one province at known places, and a large one elsewhere.
fn register() -> Vec<Standing> {
    vec![
        standing("GM0001", 4, "PV20", (53.0, 6.0), &["bsn"]),
        standing("GM0002", 4, "PV20", (53.1, 6.0), &["bsn", "digid", "bag"]),
        standing("GM0003", 4, "PV20", (53.5, 6.0), &["bsn", "digid", "mijnoverheid"]),
        standing("GM0004", 5, "PV20", (53.0, 6.5), &["bsn", "digid"]),
        standing("GM0005", 8, "PV27", (52.37, 4.9), &["bsn", "digid", "mijnoverheid", "bag"]),
    ]
}

#[test]
fn peers_are_the_others_of_the_same_size_class_province_or_partnership() {
    let all = register();
    let mut me = all[0].clone();
    me.partners = [code("GM0005")].into();
    assert_eq!(
        peer_groups(&me),
        [
            PeerGroup::SizeClass(SizeClass::from_number(4).unwrap_or_else(|| panic!())),
            PeerGroup::Province(code("PV20")),
            PeerGroup::Partners
        ]
    );
    let codes = |group: &PeerGroup| peers(&me, &all, group).iter().map(|p| p.code.as_str().to_owned()).collect::<Vec<_>>();
    assert_eq!(codes(&peer_groups(&me)[0]), ["GM0002", "GM0003"]);
    assert_eq!(codes(&peer_groups(&me)[1]), ["GM0002", "GM0003", "GM0004"]);
    assert_eq!(codes(&PeerGroup::Partners), ["GM0005"]);
}

#[test]
fn the_percentile_counts_peers_below_and_half_of_the_ties() {
    assert_eq!(percentile(0.5, &[0.25, 0.5, 0.75, 1.0]), Some(37.5));
    assert_eq!(percentile(1.0, &[0.25, 0.5]), Some(100.0));
    assert_eq!(percentile(0.0, &[0.25]), Some(0.0));
    assert_eq!(percentile(0.5, &[0.5, 0.5]), Some(50.0));
    assert_eq!(percentile(0.5, &[]), None);
    let all = register();
    let catalogue = catalogue();
    assert_eq!(all[0].adoption(&catalogue), Some(0.25));
    assert_eq!(all[4].adoption(&catalogue), Some(1.0));
}

#[test]
fn next_steps_are_what_most_peers_use_and_whose_prerequisites_are_met() {
    let all = register();
    let catalogue = catalogue();
    // GM0001 has only the BSN. Of its province peers (GM0002..4) all have DigiD, one has MijnOverheid and one the
    // BAG: DigiD is the step (3 of 3); MijnOverheid is not, both because few use it and because DigiD is missing.
    let province = peers(&all[0], &all, &PeerGroup::Province(code("PV20")));
    let steps = next_steps(&all[0], &province, &catalogue);
    assert_eq!(steps, [NextStep { block: "digid".into(), peers_in_use: 1.0 }]);
    // GM0004 (BSN, DigiD) against everyone else: MijnOverheid is used by 2 of 4 (not more than half), the BAG by 2
    // of 4: no step.
    let everyone: Vec<&Standing> = all.iter().filter(|s| s.code != all[3].code).collect();
    assert!(next_steps(&all[3], &everyone, &catalogue).is_empty());
    // Against its size-class peers, which it has none of (class 5), there is nothing to say.
    assert!(next_steps(&all[3], &[], &catalogue).is_empty());
}

#[test]
fn helpers_are_the_nearest_of_similar_size_with_the_block_in_use() {
    let all = register();
    // GM0001 needs DigiD. GM0002 is 11 km north, GM0004 (class 5, neighbouring) 33 km east, GM0003 56 km north;
    // GM0005 has it too but is of class 8, not similar.
    let helpers = who_can_help(&all[0], &all, "digid", 5);
    let codes: Vec<&str> = helpers.iter().map(|h| h.code.as_str()).collect();
    assert_eq!(codes, ["GM0002", "GM0004", "GM0003"]);
    assert!((helpers[0].distance_km - 11.1).abs() < 0.1, "{}", helpers[0].distance_km);
    assert!((helpers[1].distance_km - 33.5).abs() < 0.2, "{}", helpers[1].distance_km);
    assert_eq!(who_can_help(&all[0], &all, "digid", 1).len(), 1);
    assert!(who_can_help(&all[0], &all, "onbekend", 5).is_empty());
    let mut nowhere = all[0].clone();
    nowhere.centroid = None;
    assert!(who_can_help(&nowhere, &all, "digid", 5).is_empty(), "without a place, nobody is near");
}

#[test]
fn distances_match_known_ones() {
    // Amsterdam to Utrecht, centre to centre, is about 35 km.
    let amsterdam = Centroid { lat: 52.3676, lon: 4.9041 };
    let utrecht = Centroid { lat: 52.0907, lon: 5.1214 };
    assert!((distance_km(amsterdam, utrecht) - 34.4).abs() < 0.5, "{}", distance_km(amsterdam, utrecht));
    assert_eq!(distance_km(amsterdam, amsterdam), 0.0);
}
