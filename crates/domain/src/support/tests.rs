use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use super::*;
use crate::analysis::indicators::{Asked, WaveInput};
use crate::benchmark::distance_km;
use crate::demo::QUESTIONNAIRE_SOURCE;
use crate::questionnaire::{Answer, Answers, BlockAnswer, BlockStatus, SupportForm, parse_questionnaire_toml};
use crate::register::{Centroid, OrgCode};

fn code(text: &str) -> OrgCode {
    OrgCode::parse(text).unwrap_or_else(|e| panic!("{e}"))
}

fn codes(texts: &[&str]) -> Vec<OrgCode> {
    texts.iter().map(|t| code(t)).collect()
}

fn request(organisation: &str, block: &str) -> Request {
    Request { organisation: code(organisation), block: block.to_owned() }
}

const BLOCKS: [&str; 3] = ["a", "b", "c"];

fn blocks() -> Vec<String> {
    BLOCKS.iter().map(|b| (*b).to_owned()).collect()
}

/// A municipality on the 52nd parallel at `lon`: 0.1 degree of longitude there is 6.85 km.
fn at(province: &str, lon: f64) -> Location {
    Location { province: Some(code(province)), centroid: Some(Centroid { lat: 52.0, lon }) }
}

fn settings(grouping: Grouping, group_size: u32) -> Settings {
    Settings { grouping, group_size, form: FormFilter::Any }
}

fn invitees(meeting: &Meeting) -> Vec<OrgCode> {
    meeting.invitees.iter().map(|i| i.organisation.clone()).collect()
}

/// Two provinces, three blocks, nine requests. In PV01 four municipalities on a line (GM0004 far to the east) ask
/// for block a, and GM0001 and GM0005 for block b; in PV02 GM0011 and GM0012 ask for c, and GM0013 alone for b.
fn two_provinces() -> (Vec<Request>, Locations) {
    let locations: Locations = [
        ("GM0001", at("PV01", 5.0)),
        ("GM0002", at("PV01", 5.1)),
        ("GM0003", at("PV01", 5.2)),
        ("GM0004", at("PV01", 5.6)),
        ("GM0005", at("PV01", 5.3)),
        ("GM0011", at("PV02", 6.0)),
        ("GM0012", at("PV02", 6.1)),
        ("GM0013", at("PV02", 6.2)),
    ]
    .into_iter()
    .map(|(c, l)| (code(c), l))
    .collect();
    let requests = vec![
        request("GM0001", "a"),
        request("GM0002", "a"),
        request("GM0003", "a"),
        request("GM0004", "a"),
        request("GM0005", "b"),
        request("GM0001", "b"),
        request("GM0011", "c"),
        request("GM0012", "c"),
        request("GM0013", "b"),
    ];
    (requests, locations)
}

#[test]
fn one_meeting_per_province_goes_to_the_largest_group_and_covers_the_most_possible() {
    let (requests, locations) = two_provinces();
    let proposal =
        plan(&requests, &locations, &blocks(), &settings(Grouping::PerRegion { meetings: 1 }, 3)).unwrap_or_else(|e| panic!("{e}"));
    // The best possible: one meeting of at most 3 per province covers at most 3 in PV01 and 2 in PV02 (only c has
    // two requests there), so 5 of the 9. In PV01 the meeting is on a (4 requests) and takes the three nearest
    // together, leaving GM0004 in the east; the host is the one in the middle.
    assert_eq!(proposal.meetings.len(), 2);
    let first = &proposal.meetings[0];
    assert_eq!((first.number, first.block.as_str(), &first.region), (1, "a", &Region::Province(code("PV01"))));
    assert_eq!(invitees(first), codes(&["GM0001", "GM0002", "GM0003"]));
    assert_eq!(first.host, code("GM0002"));
    let second = &proposal.meetings[1];
    assert_eq!((second.block.as_str(), &second.region), ("c", &Region::Province(code("PV02"))));
    assert_eq!(invitees(second), codes(&["GM0011", "GM0012"]));
    assert_eq!(second.host, code("GM0011"), "two at equal distance: the lower code hosts");
    assert_eq!((proposal.covered(), proposal.demand()), (5, 9));
    let uncovered: Vec<(&str, &str, Reason)> =
        proposal.uncovered.iter().map(|u| (u.request.organisation.as_str(), u.request.block.as_str(), u.reason)).collect();
    assert_eq!(
        uncovered,
        [
            ("GM0004", "a", Reason::MeetingsUsedUp),
            ("GM0001", "b", Reason::MeetingsUsedUp),
            ("GM0005", "b", Reason::MeetingsUsedUp),
            ("GM0013", "b", Reason::Alone),
        ]
    );
    let distance = first.invitees.iter().find(|i| i.organisation == code("GM0001")).and_then(|i| i.distance_km);
    assert!(distance.is_some_and(|d| (d - 6.85).abs() < 0.05), "{distance:?}");
}

#[test]
fn a_second_meeting_per_province_goes_to_the_next_largest_group() {
    let (requests, locations) = two_provinces();
    let proposal =
        plan(&requests, &locations, &blocks(), &settings(Grouping::PerRegion { meetings: 2 }, 3)).unwrap_or_else(|e| panic!("{e}"));
    // PV01's second meeting: a second on a would cover one more (splitting a into 2 + 2), one on b covers two.
    let topics: Vec<(&str, Vec<OrgCode>)> = proposal.meetings.iter().map(|m| (m.block.as_str(), invitees(m))).collect();
    assert_eq!(
        topics,
        [("a", codes(&["GM0001", "GM0002", "GM0003"])), ("b", codes(&["GM0001", "GM0005"])), ("c", codes(&["GM0011", "GM0012"]))]
    );
    assert_eq!(proposal.covered(), 7);
    assert_eq!(proposal.uncovered.len(), 2);
    assert_eq!(proposal.uncovered[0].reason, Reason::MeetingsUsedUp, "GM0004: PV01's second meeting covered more on b");
    assert_eq!(proposal.uncovered[1].reason, Reason::Alone, "GM0013 alone on b in PV02");
}

#[test]
fn a_larger_group_is_split_evenly_when_meetings_allow() {
    let locations: Locations = (1..=4).map(|i| (code(&format!("GM000{i}")), at("PV01", 5.0 + f64::from(i) / 10.0))).collect();
    let requests: Vec<Request> = (1..=4).map(|i| request(&format!("GM000{i}"), "a")).collect();
    let proposal =
        plan(&requests, &locations, &blocks(), &settings(Grouping::PerRegion { meetings: 2 }, 3)).unwrap_or_else(|e| panic!("{e}"));
    // 3 + 1 would leave one alone; 2 + 2 covers all four.
    let sizes: Vec<usize> = proposal.meetings.iter().map(|m| m.invitees.len()).collect();
    assert_eq!((sizes, proposal.uncovered.len()), (vec![2, 2], 0));
}

#[test]
fn within_a_distance_meetings_gather_around_the_host_that_covers_most() {
    // GM0001..GM0003 are 6.85 km apart in a row, GM0004 is 55 km further east.
    let locations: Locations = [("GM0001", 5.0), ("GM0002", 5.1), ("GM0003", 5.2), ("GM0004", 6.0)]
        .into_iter()
        .map(|(c, lon)| (code(c), at("PV01", lon)))
        .collect();
    let requests: Vec<Request> = ["GM0001", "GM0002", "GM0003", "GM0004"].iter().map(|c| request(c, "a")).collect();
    let distance = |a: f64, b: f64| distance_km(Centroid { lat: 52.0, lon: a }, Centroid { lat: 52.0, lon: b });
    assert!((distance(5.0, 5.1) - 6.85).abs() < 0.05 && distance(5.0, 5.2) < 14.0 && distance(5.2, 6.0) > 50.0);

    // Within 10 km only GM0002 reaches both others: it hosts all three.
    let near =
        plan(&requests, &locations, &blocks(), &settings(Grouping::WithinDistance { km: 10.0 }, 5)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(near.meetings.len(), 1);
    assert_eq!((invitees(&near.meetings[0]), &near.meetings[0].host), (codes(&["GM0001", "GM0002", "GM0003"]), &code("GM0002")));
    assert_eq!(near.meetings[0].region, Region::AroundHost);
    assert_eq!(near.uncovered.iter().map(|u| (u.request.organisation.as_str(), u.reason)).collect::<Vec<_>>(), [("GM0004", Reason::Alone)]);

    // In pairs: every pair of neighbours is as near, so the lowest code's pair goes first and GM0003 is left, its
    // only neighbour placed.
    let pairs =
        plan(&requests, &locations, &blocks(), &settings(Grouping::WithinDistance { km: 15.0 }, 2)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(pairs.meetings.iter().map(invitees).collect::<Vec<_>>(), [codes(&["GM0001", "GM0002"])]);
    let reasons: Vec<(&str, Reason)> = pairs.uncovered.iter().map(|u| (u.request.organisation.as_str(), u.reason)).collect();
    assert_eq!(reasons, [("GM0003", Reason::OthersPlaced), ("GM0004", Reason::Alone)]);

    // Within 5 km nobody meets anybody.
    let far = plan(&requests, &locations, &blocks(), &settings(Grouping::WithinDistance { km: 5.0 }, 5));
    assert_eq!(far, Err(PlanError::NoMeetingPossible(Grouping::WithinDistance { km: 5.0 })));
    assert!(far.map(|_| ()).unwrap_err().to_string().contains("binnen 5 km"));
}

#[test]
fn impossible_settings_are_refused_with_a_reason() {
    let (requests, locations) = two_provinces();
    let any = settings(Grouping::PerRegion { meetings: 1 }, 3);
    let none = plan(&[], &locations, &blocks(), &any);
    assert_eq!(none, Err(PlanError::NoDemand(FormFilter::Any)));
    assert!(none.map(|_| ()).unwrap_err().to_string().starts_with("Geen enkele gemeente vroeg in deze meting om ondersteuning"));
    assert_eq!(plan(&requests, &locations, &blocks(), &settings(Grouping::PerRegion { meetings: 1 }, 0)), Err(PlanError::GroupTooSmall(0)));
    assert!(matches!(
        plan(&requests, &locations, &blocks(), &settings(Grouping::PerRegion { meetings: 0 }, 3)),
        Err(PlanError::NoMeetingPossible(_))
    ));
    let lonely = [request("GM0001", "a"), request("GM0011", "a")];
    assert!(matches!(plan(&lonely, &locations, &blocks(), &any), Err(PlanError::NoMeetingPossible(_))), "one per province");
}

fn form(indeling: &str, bijeenkomsten: &str, afstand: &str, groepsgrootte: &str) -> SettingsForm {
    SettingsForm {
        indeling: indeling.into(),
        bijeenkomsten: bijeenkomsten.into(),
        afstand: afstand.into(),
        groepsgrootte: groepsgrootte.into(),
        vorm: "regional_meetings".into(),
    }
}

fn refusals(form: &SettingsForm) -> Vec<(&'static str, String)> {
    form.parse().err().unwrap_or_default().into_iter().map(|e| (e.field, e.message)).collect()
}

#[test]
fn typed_settings_are_checked_field_by_field() {
    assert_eq!(
        SettingsForm::initial().parse(),
        Ok(Settings {
            grouping: Grouping::PerRegion { meetings: 3 },
            group_size: 10,
            form: FormFilter::Form(SupportForm::RegionalMeetings)
        })
    );
    assert_eq!(form("afstand", "", " 12,5 ", "4").parse().map(|s| s.grouping), Ok(Grouping::WithinDistance { km: 12.5 }));
    let zero = refusals(&form("regio", "0", "", "0"));
    assert_eq!(zero.iter().map(|(f, _)| *f).collect::<Vec<_>>(), ["groepsgrootte", "bijeenkomsten"]);
    assert!(zero[0].1.contains("minstens 2") && zero[1].1.contains("0 bijeenkomsten"), "{zero:?}");
    for (typed, says) in [
        ("-5", "niet negatief"),
        ("0", "meer dan 0 km"),
        ("9999", "hoogstens 500 km"),
        ("ver", "‘ver’ is geen getal"),
        ("NaN", "geen getal"),
    ] {
        let refused = refusals(&form("afstand", "", typed, "8"));
        assert!(refused.len() == 1 && refused[0].0 == "afstand" && refused[0].1.contains(says), "{typed}: {refused:?}");
    }
    assert!(refusals(&form("regio", "twee", "", "8"))[0].1.contains("‘twee’ is geen geheel getal"));
    assert!(refusals(&form("regio", "1", "", "500"))[0].1.contains("hoogstens 100"));
    assert_eq!(refusals(&form("ergens", "1", "", "8"))[0].0, "indeling");
    let mut odd = form("regio", "1", "", "8");
    odd.vorm = "postduif".into();
    assert_eq!(refusals(&odd)[0].0, "vorm");
}

#[test]
fn adjustments_keep_every_request_covered_once_or_listed() {
    let (requests, locations) = two_provinces();
    let mut proposal =
        plan(&requests, &locations, &blocks(), &settings(Grouping::PerRegion { meetings: 1 }, 3)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(proposal.candidates(1), [&code("GM0004")]);
    assert_eq!(proposal.add_invitee(1, &code("GM0004"), &locations), Err(AdjustError::Full { meeting: 1, group_size: 3 }));
    assert_eq!(
        proposal.add_invitee(1, &code("GM0002"), &locations),
        Err(AdjustError::AlreadyInvited { meeting: 1, organisation: code("GM0002") })
    );
    assert_eq!(
        proposal.add_invitee(1, &code("GM0005"), &locations),
        Err(AdjustError::DidNotAsk { organisation: code("GM0005"), block: "a".into() })
    );
    proposal.remove_invitee(1, &code("GM0002"), &locations).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(invitees(&proposal.meetings[0]), codes(&["GM0001", "GM0003"]));
    assert_eq!(proposal.meetings[0].host, code("GM0001"), "the host left: the lower code of two hosts");
    proposal.add_invitee(1, &code("GM0004"), &locations).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(proposal.meetings[0].host, code("GM0003"), "GM0003 lies between the other two");
    assert!(proposal.uncovered.iter().any(|u| u.request == request("GM0002", "a") && u.reason == Reason::RemovedByTeam));
    assert_eq!(proposal.drop_meeting(2), Ok(()));
    assert_eq!(proposal.drop_meeting(2), Err(AdjustError::NoSuchMeeting(2)));
    assert_eq!((proposal.meetings.len(), proposal.meetings[0].number, proposal.covered(), proposal.demand()), (1, 1, 3, 9));
    proposal.remove_invitee(1, &code("GM0001"), &locations).unwrap_or_else(|e| panic!("{e:?}"));
    proposal.remove_invitee(1, &code("GM0003"), &locations).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(proposal.remove_invitee(1, &code("GM0004"), &locations), Err(AdjustError::LastInvitee { meeting: 1 }));
}

fn hand_made_wave() -> (Vec<Asked>, Vec<(OrgCode, Answers)>, Vec<String>) {
    let block = |need: Option<bool>, forms: &[SupportForm]| BlockAnswer {
        status: Some(BlockStatus::Planned),
        support_needed: need,
        support_forms: forms.iter().copied().collect(),
    };
    let matrix = |digid: BlockAnswer, bsn: BlockAnswer| {
        let mut answers = Answers::new();
        answers.insert("blocks".into(), Answer::Matrix([("digid".to_owned(), digid), ("bsn".to_owned(), bsn)].into_iter().collect()));
        answers
    };
    let asked = |c: &str, p: &str| Asked { code: code(c), province: Some(code(p)), size_class: None };
    use SupportForm::*;
    (
        vec![asked("GM0001", "PV20"), asked("GM0002", "PV20"), asked("GM0003", "PV21"), asked("GM0004", "PV21")],
        vec![
            (code("GM0001"), matrix(block(Some(true), &[RegionalMeetings, KnowledgeBase]), block(Some(false), &[]))),
            (code("GM0002"), matrix(block(Some(true), &[OnSiteHelp]), block(Some(true), &[RegionalMeetings]))),
            (code("GM0003"), matrix(block(Some(false), &[]), block(None, &[]))),
        ],
        vec!["digid".to_owned(), "bsn".to_owned()],
    )
}

#[test]
fn demand_is_counted_per_block_form_and_province_with_its_base() {
    let (asked, responses, blocks) = hand_made_wave();
    let questionnaire = parse_questionnaire_toml(QUESTIONNAIRE_SOURCE, "shipped").unwrap_or_else(|e| panic!("{e:?}"));
    let input = WaveInput { asked: &asked, responses: &responses, blocks: &blocks, questionnaire: &questionnaire };
    let demand = demand(&input, &codes(&["PV20", "PV21"]));
    assert_eq!((demand.asked, demand.respondents, demand.requests), (4, 3, 3));
    assert_eq!((demand.national.any_block.count, demand.national.any_block.n), (2, 3));
    let digid = &demand.blocks[0];
    assert_eq!((digid.block.as_str(), digid.needed.count, digid.needed.n), ("digid", 2, 3));
    let meetings = &digid.forms[0];
    assert_eq!((meetings.code.as_str(), meetings.share.count, meetings.share.n), ("regional_meetings", 1, 2));
    assert!(meetings.share.low.is_some_and(|l| l < 0.5) && meetings.share.high.is_some_and(|h| h > 0.5));
    let bsn = &demand.blocks[1];
    assert_eq!((bsn.needed.count, bsn.needed.n), (1, 2), "GM0003 did not say whether it needs help with bsn");
    let (north, south) = (&demand.provinces[0], &demand.provinces[1]);
    assert_eq!((north.asked, north.respondents, north.support.any_block.count, north.support.any_block.n), (2, 2, 2, 2));
    assert_eq!((south.asked, south.respondents, south.support.any_block.count), (2, 1, 0));

    let all = requests(&input, FormFilter::Any);
    assert_eq!(all, [request("GM0001", "digid"), request("GM0002", "digid"), request("GM0002", "bsn")]);
    assert_eq!(requests(&input, FormFilter::Form(SupportForm::RegionalMeetings)), [request("GM0001", "digid"), request("GM0002", "bsn")]);
}

/// A random case: up to 24 municipalities in 3 provinces (some without a province or a centroid), each asking
/// help for some of 4 blocks, and random settings.
fn case() -> impl Strategy<Value = (Vec<Request>, Locations, Settings)> {
    let municipality = (0..4usize, prop::option::weighted(0.9, (51.0..53.5f64, 3.5..7.0f64)), prop::collection::vec(any::<bool>(), 4));
    let grouping = prop_oneof![
        (1..4u32).prop_map(|meetings| Grouping::PerRegion { meetings }),
        (1.0..80.0f64).prop_map(|km| Grouping::WithinDistance { km })
    ];
    (prop::collection::vec(municipality, 0..24), grouping, 2..6u32).prop_map(|(municipalities, grouping, group_size)| {
        let mut locations = Locations::new();
        let mut requests = Vec::new();
        for (index, (province, centroid, asks)) in municipalities.into_iter().enumerate() {
            let organisation = code(&format!("GM{:04}", index + 1));
            let province = (province < 3).then(|| code(&format!("PV2{province}")));
            locations.insert(organisation.clone(), Location { province, centroid: centroid.map(|(lat, lon)| Centroid { lat, lon }) });
            for (block, asked) in ["a", "b", "c", "d"].into_iter().zip(asks) {
                if asked {
                    requests.push(Request { organisation: organisation.clone(), block: block.to_owned() });
                }
            }
        }
        (requests, locations, Settings { grouping, group_size, form: FormFilter::Any })
    })
}

fn check_whole(proposal: &Proposal, requests: &[Request]) {
    let demanded: BTreeSet<&Request> = requests.iter().collect();
    let mut seen: BTreeSet<Request> = BTreeSet::new();
    for meeting in &proposal.meetings {
        for invitee in &meeting.invitees {
            let asked = Request { organisation: invitee.organisation.clone(), block: meeting.block.clone() };
            assert!(demanded.contains(&asked), "every invitee asked for help with the topic: {asked:?}");
            assert!(seen.insert(asked), "nobody twice on a list, nor on two lists of one topic");
        }
        assert!(meeting.invitees.len() <= proposal.settings.group_size as usize, "the group size is kept");
        assert!(meeting.invites(&meeting.host), "the host is an invitee");
    }
    for uncovered in &proposal.uncovered {
        assert!(demanded.contains(&uncovered.request) && seen.insert(uncovered.request.clone()), "{uncovered:?}");
    }
    assert_eq!(seen.len(), demanded.len(), "covered and uncovered together are the demand");
    assert_eq!(proposal.demand(), demanded.len());
}

proptest! {
    #[test]
    fn a_plan_keeps_its_promises((requests, locations, settings) in case()) {
        let Ok(proposal) = plan(&requests, &locations, &blocks_abcd(), &settings) else {
            return Ok(());
        };
        check_whole(&proposal, &requests);
        for meeting in &proposal.meetings {
            prop_assert!(meeting.invitees.len() >= 2, "a meeting brings at least two together");
        }
        match settings.grouping {
            Grouping::PerRegion { meetings } => {
                let mut per_province: BTreeMap<&OrgCode, u32> = BTreeMap::new();
                for meeting in &proposal.meetings {
                    let Region::Province(province) = &meeting.region else { panic!("a province per meeting") };
                    *per_province.entry(province).or_default() += 1;
                    for invitee in &meeting.invitees {
                        prop_assert_eq!(locations[&invitee.organisation].province.as_ref(), Some(province));
                    }
                }
                prop_assert!(per_province.values().all(|held| *held <= meetings), "{per_province:?}");
            }
            Grouping::WithinDistance { km } => {
                for meeting in &proposal.meetings {
                    for invitee in &meeting.invitees {
                        prop_assert!(invitee.distance_km.is_some_and(|d| d <= km), "{invitee:?} within {km} of {}", meeting.host);
                    }
                }
            }
        }
        prop_assert_eq!(plan(&requests, &locations, &blocks_abcd(), &settings).ok(), Some(proposal), "the same input, the same plan");
    }

    #[test]
    fn adjustments_keep_the_proposal_whole((requests, locations, settings) in case(), steps in prop::collection::vec((0..3u8, 1..6u32, 0..24usize), 0..12)) {
        let Ok(mut proposal) = plan(&requests, &locations, &blocks_abcd(), &settings) else {
            return Ok(());
        };
        for (kind, number, pick) in steps {
            let organisation = code(&format!("GM{:04}", pick + 1));
            let _ = match kind {
                0 => proposal.remove_invitee(number, &organisation, &locations),
                1 => proposal.add_invitee(number, &organisation, &locations),
                _ => proposal.drop_meeting(number),
            };
            check_whole(&proposal, &requests);
        }
    }
}

fn blocks_abcd() -> Vec<String> {
    ["a", "b", "c", "d"].iter().map(|b| (*b).to_owned()).collect()
}
