//! Proposals of regional meetings on both backends: stored whole, read back as they were, adjusted only on the
//! revision that was read, with an audit entry for every change; and invitations recorded per invitee.

use crate::fixtures::{CATALOGUE, REGISTER, code};
use chrono::Utc;
use domain::catalogue::parse_catalogue_toml;
use domain::fieldwork::{NewWave, WaveId};
use domain::register::parse_register_csv;
use domain::support::{FormFilter, Grouping, Location, Locations, Reason, Region, Request, Settings, plan};
use inbeeld_store::testing::author;
use inbeeld_store::{AuditFilter, Conflict, InvitationOutcome, MeetingInvitation, Record, Store, StoreError, both_backends};

/// A wave, and the register's locations of its municipalities.
async fn wave(store: &Store) -> (WaveId, Locations) {
    let organisations: Vec<_> = parse_register_csv(REGISTER).organisations.into_iter().map(|(_, o)| o).collect();
    store.import_register(&organisations, &author(), &mut |_| {}).await.unwrap();
    store.import_catalogue(&parse_catalogue_toml(CATALOGUE, "nup-2008.toml").unwrap(), &author()).await.unwrap();
    store.import_questionnaire("vragenlijst", "1", "Vragenlijst", "text", &author()).await.unwrap();
    let new = NewWave {
        id: WaveId::parse("eerste-meting").unwrap(),
        title: "Eerste meting".into(),
        catalogue_id: "nup-2008".into(),
        catalogue_version: "2008".into(),
        questionnaire_id: "vragenlijst".into(),
        opens_on: "2010-10-01".parse().unwrap(),
        closes_on: "2011-03-31".parse().unwrap(),
    };
    let wave = store.create_wave(&new, false, &author()).await.unwrap();
    let locations = organisations.into_iter().map(|o| (o.code, Location { province: o.province, centroid: o.centroid })).collect();
    (wave.id, locations)
}

/// Utrecht (GM0344), Zeist (GM0355) and De Bilt (GM0310) ask for DigiD, Amsterdam (GM0363) alone in its
/// province; one meeting per province of at most three.
fn requests() -> Vec<Request> {
    ["GM0344", "GM0355", "GM0310", "GM0363"].iter().map(|c| Request { organisation: code(c), block: "digid".into() }).collect()
}

both_backends!(a_proposal_is_stored_read_back_and_adjusted_on_its_revision_only, async |store: Store| {
    let (wave, locations) = wave(&store).await;
    let settings = Settings { grouping: Grouping::PerRegion { meetings: 1 }, group_size: 3, form: FormFilter::Any };
    let blocks = vec!["digid".to_owned()];
    let proposal = plan(&requests(), &locations, &blocks, &settings).unwrap();
    assert_eq!(proposal.meetings.len(), 1);

    let stored = store.create_support_plan(&wave, &proposal, &author()).await.unwrap();
    assert_eq!(stored.revision, 1);
    let read = store.support_plan(stored.id).await.unwrap();
    assert_eq!(read.proposal, proposal, "read back exactly as planned");
    assert_eq!((read.wave.as_str(), read.author.as_str()), ("eerste-meting", "command line (test)"));
    assert!((Utc::now() - read.created_at).num_minutes() < 5);
    let meeting = &read.proposal.meetings[0];
    assert_eq!((meeting.region.clone(), meeting.invitees.len()), (Region::Province(code("PV26")), 3));
    assert_eq!(read.proposal.uncovered[0].reason, Reason::Alone);
    assert!(meeting.invitees.iter().all(|i| i.distance_km.is_some()), "distances survive the round trip");

    let mut adjusted = read.proposal.clone();
    adjusted.remove_invitee(1, &code("GM0355"), &locations).unwrap();
    let detail = serde_json::json!({"meeting": 1, "removed": "GM0355"});
    let next = store.adjust_support_plan(stored.id, 1, &adjusted, "support_plan.remove_invitee", detail.clone(), &author()).await.unwrap();
    assert_eq!(next, 2);
    let again = store.support_plan(stored.id).await.unwrap();
    assert_eq!((again.revision, &again.proposal), (2, &adjusted));

    // An edit made on the page of revision 1 is refused and changes nothing.
    let mut stale = read.proposal.clone();
    stale.drop_meeting(1).unwrap();
    let refused = store.adjust_support_plan(stored.id, 1, &stale, "support_plan.drop_meeting", detail.clone(), &author()).await;
    assert!(matches!(refused, Err(StoreError::Conflict(Conflict::Stale(Record::SupportPlan)))), "{refused:?}");
    assert_eq!(store.support_plan(stored.id).await.unwrap().proposal, adjusted);
    let missing = store.adjust_support_plan(stored.id + 100, 1, &stale, "support_plan.drop_meeting", detail, &author()).await;
    assert!(matches!(missing, Err(StoreError::NotFound)));
    assert!(matches!(store.support_plan(stored.id + 100).await, Err(StoreError::NotFound)));

    let entries =
        store.audit_entries(&AuditFilter { target: Some(format!("support_plan:{}", stored.id)), ..AuditFilter::default() }).await.unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["support_plan.remove_invitee", "support_plan.create"], "one entry per change, none for the refusal");

    let other = store.create_support_plan(&wave, &proposal, &author()).await.unwrap();
    let listed: Vec<i64> = store.support_plans(&wave).await.unwrap().iter().map(|p| p.id).collect();
    assert_eq!(listed, [other.id, stored.id], "newest first");

    // A proposal within a distance keeps its distance and its regions around the host.
    let near = Settings { grouping: Grouping::WithinDistance { km: 12.5 }, group_size: 3, form: FormFilter::Any };
    let around = plan(&requests(), &locations, &blocks, &near).unwrap();
    let stored_near = store.create_support_plan(&wave, &around, &author()).await.unwrap();
    assert_eq!(store.support_plan(stored_near.id).await.unwrap().proposal, around);
});

both_backends!(invitations_are_recorded_per_invitee, async |store: Store| {
    let (wave, locations) = wave(&store).await;
    let settings = Settings { grouping: Grouping::PerRegion { meetings: 1 }, group_size: 3, form: FormFilter::Any };
    let proposal = plan(&requests(), &locations, &["digid".to_owned()], &settings).unwrap();
    let stored = store.create_support_plan(&wave, &proposal, &author()).await.unwrap();
    let sent = MeetingInvitation {
        meeting: 1,
        organisation: code("GM0344"),
        recipient: "info@utrecht.example".into(),
        outcome: InvitationOutcome::Sent,
        detail: "outbox/1.eml".into(),
        at: chrono::SubsecRound::trunc_subsecs(Utc::now(), 3),
    };
    let without =
        MeetingInvitation { organisation: code("GM0310"), recipient: String::new(), outcome: InvitationOutcome::NoAddress, ..sent.clone() };
    store.record_meeting_invitation(stored.id, &sent).await.unwrap();
    store.record_meeting_invitation(stored.id, &without).await.unwrap();
    assert_eq!(store.meeting_invitations(stored.id).await.unwrap(), [sent, without]);
});
