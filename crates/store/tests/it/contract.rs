//! The store's contract: every test runs on SQLite and on PostgreSQL (`name::sqlite`, `name::postgres`).

use crate::fixtures::{REGISTER, code, date};
use domain::access::{Principal, SessionState};
use domain::account::{Email, NewUser, Password, RecoveryCode, Role, TotpSecret};
use domain::audit::{Actor, Change, Origin};
use domain::catalogue::parse_catalogue_toml;
use domain::paging::PageRequest;
use domain::population::{latest_on, parse_population_csv};
use domain::register::{Organisation, OrganisationKind, Register, check_successions, parse_register_csv};
use inbeeld_store::testing::author;
use inbeeld_store::{
    AuditFilter, Conflict, ImportReport, OrganisationFilter, PopulationRange, Record, Redemption, Store, StoreError, UniqueField,
    both_backends,
};

const POPULATION_2023: &str = include_str!("../../../../data/population/population_2023.csv");

fn shipped_register() -> Vec<Organisation> {
    let file = parse_register_csv(REGISTER);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    assert!(check_successions(&file.organisations, []).is_empty());
    file.organisations.into_iter().map(|(_, o)| o).collect()
}

async fn import_shipped(store: &Store) -> ImportReport {
    store.import_register(&shipped_register(), &author(), &mut |_| {}).await.expect("the shipped register imports")
}

both_backends!(a_register_imports_and_a_reimport_changes_nothing, async |store: Store| {
    assert!(store.is_empty().await.unwrap());
    let first = import_shipped(&store).await;
    assert_eq!(first, ImportReport { added: 457, updated: 0, unchanged: 0 });
    let again = import_shipped(&store).await;
    assert_eq!(again, ImportReport { added: 0, updated: 0, unchanged: 457 });
    assert_eq!(store.organisations(&OrganisationFilter::default()).await.unwrap(), {
        let mut expected = shipped_register();
        expected.sort_by(|a, b| (b.kind(), &a.name, &a.code).cmp(&(a.kind(), &b.name, &b.code)));
        expected
    });
});

both_backends!(a_changed_row_is_updated_and_the_rest_left_alone, async |store: Store| {
    import_shipped(&store).await;
    let mut organisations = shipped_register();
    let weesp = organisations.iter_mut().find(|o| o.code.as_str() == "GM0457").unwrap();
    weesp.name = "Weesp (gewijzigd)".into();
    let report = store.import_register(&organisations, &author(), &mut |_| {}).await.unwrap();
    assert_eq!(report, ImportReport { added: 0, updated: 1, unchanged: 456 });
    let stored = store.organisation(&code("GM0457")).await.unwrap();
    assert_eq!(stored.name, "Weesp (gewijzigd)");
    assert_eq!(stored.successors, vec![code("GM0363")]);
});

both_backends!(a_failed_import_stores_nothing, async |store: Store| {
    let file = parse_register_csv(
        "code,name,province_code,valid_from,valid_to,successors\nPV27,Noord-Holland,,2011-01-01,,\nGM0457,Weesp,PV27,2011-01-01,2022-03-24,GM0363\n",
    );
    let organisations: Vec<Organisation> = file.organisations.into_iter().map(|(_, o)| o).collect();
    let error = store.import_register(&organisations, &author(), &mut |_| {}).await.unwrap_err();
    assert!(matches!(error, StoreError::Database(_)), "{error:?}");
    assert!(store.is_empty().await.unwrap(), "a successor that does not exist must roll back the whole import");
});

both_backends!(the_register_lists_by_date_province_kind_and_name, async |store: Store| {
    import_shipped(&store).await;
    let on = |day: &str| OrganisationFilter { date: Some(date(day)), kind: Some(OrganisationKind::Gemeente), ..Default::default() };
    assert_eq!(store.organisations(&on("2011-01-01")).await.unwrap().len(), 418);
    assert_eq!(store.count_organisations(&on("2011-01-01")).await.unwrap(), 418);
    assert_eq!(store.organisations(&on("2026-01-01")).await.unwrap().len(), 342);
    assert_eq!(store.organisations(&on("2022-03-23")).await.unwrap().iter().filter(|o| o.code.as_str() == "GM0457").count(), 1);
    assert!(store.organisations(&on("2022-03-24")).await.unwrap().iter().all(|o| o.code.as_str() != "GM0457"));

    let provinces = OrganisationFilter { kind: Some(OrganisationKind::Provincie), ..Default::default() };
    assert_eq!(store.organisations(&provinces).await.unwrap().len(), 12);
    let utrecht_2026 = OrganisationFilter { province: Some(code("PV26")), ..on("2026-01-01") };
    assert_eq!(store.organisations(&utrecht_2026).await.unwrap().len(), 26);

    let search = |term: &str| OrganisationFilter { search: Some(term.into()), ..Default::default() };
    let found: Vec<String> = store.organisations(&search("AMSTER")).await.unwrap().into_iter().map(|o| o.name).collect();
    assert_eq!(found, ["Amsterdam"]);
    assert_eq!(store.organisations(&search("gm0363")).await.unwrap()[0].name, "Amsterdam");
    assert!(store.organisations(&search("100%")).await.unwrap().is_empty(), "punctuation only separates words");
});

/// A few municipalities elsewhere in Europe, by their LAU codes, beside the shipped register.
const EUROPEAN: &str = "code,name,province_code,valid_from,valid_to,successors
DE-09162000,München,,2011-01-01,,
DE-09184119,Unterhaching,,2011-01-01,,
FR-2A004,Ajaccio,,2011-01-01,,
FR-01001,L'Abergement-Clémenciat,,2011-01-01,2019-01-01,FR-01002
FR-01002,L'Abergement-de-Varey,,2011-01-01,,
";

async fn import_european(store: &Store) {
    let file = parse_register_csv(EUROPEAN);
    assert!(file.errors.is_empty(), "{:?}", file.errors);
    let organisations: Vec<Organisation> = file.organisations.into_iter().map(|(_, o)| o).collect();
    store.import_register(&organisations, &author(), &mut |_| {}).await.unwrap();
}

both_backends!(a_search_finds_the_start_of_a_word_of_the_name_or_the_code, async |store: Store| {
    import_shipped(&store).await;
    import_european(&store).await;
    let found = async |term: &str| -> Vec<String> {
        let filter = OrganisationFilter { search: Some(term.into()), ..Default::default() };
        let names: Vec<String> = store.organisations(&filter).await.unwrap().into_iter().map(|o| o.code.to_string()).collect();
        assert_eq!(store.count_organisations(&filter).await.unwrap(), names.len(), "{term}");
        names
    };
    assert_eq!(found("graven").await, ["GM0518"], "'s-Gravenhage by its second word");
    assert_eq!(found("'S-GRAVENH").await, ["GM0518"]);
    assert!(found("hage").await.is_empty(), "the middle of a word is not searched");
    assert_eq!(found("sudwest").await, ["GM1900"], "Súdwest-Fryslân without its accent");
    assert_eq!(found("munch").await, ["DE-09162000"]);
    assert_eq!(found("de-0916").await, ["DE-09162000"]);
    assert_eq!(found("09184").await, ["DE-09184119"], "the national part of a LAU code");
    assert_eq!(found("abergement").await, ["FR-01001", "FR-01002"], "in the register's order: by name");
    assert_eq!(found("l abergement de").await, ["FR-01002"]);
    assert_eq!(found("2a0").await, ["FR-2A004"]);
    assert_eq!(found("gm0363").await, ["GM0363"]);
    assert_eq!(
        found("gm036").await,
        ["GM0361", "GM0362", "GM0363", "GM0366", "GM0365"],
        "by name: Alkmaar, Amstelveen, Amsterdam, Anna Paulowna, Graft-De Rijp"
    );
    let gm05 = shipped_register().iter().filter(|o| o.code.as_str().starts_with("GM05")).count();
    assert_eq!(found("GM05").await.len(), gm05, "every GM05xx");
});

both_backends!(a_page_holds_only_its_rows_with_their_population, async |store: Store| {
    import_shipped(&store).await;
    let figures = parse_population_csv(POPULATION_2023, "test");
    let figures: Vec<_> = figures.figures.into_iter().map(|(_, f)| f).collect();
    store.import_population(&figures, &author(), &mut |_| {}).await.unwrap();
    let day = date("2026-01-01");
    let filter = OrganisationFilter { date: Some(day), kind: Some(OrganisationKind::Gemeente), ..Default::default() };
    let all = store.organisations(&filter).await.unwrap();
    assert_eq!(all.len(), 342);

    let mut paged = Vec::new();
    for number in 1..=7 {
        let page = store.organisation_page(&filter, day, PageRequest::new(number, 50)).await.unwrap();
        assert_eq!(page.len(), if number < 7 { 50 } else { 42 }, "page {number}");
        paged.extend(page);
    }
    assert!(store.organisation_page(&filter, day, PageRequest::new(8, 50)).await.unwrap().is_empty());
    let organisations: Vec<Organisation> = paged.iter().map(|listed| listed.organisation.clone()).collect();
    assert_eq!(organisations, all, "the pages together are the whole list, in its order, with successors");
    let latest = latest_on(figures.clone(), day);
    for listed in &paged {
        assert_eq!(listed.population.as_ref(), latest.get(&listed.organisation.code), "{}", listed.organisation.code);
    }
    assert!(store.population_known_on(day).await.unwrap());
    assert!(!store.population_known_on(date("2022-12-31")).await.unwrap());

    // A size class is counted and paged by the database, from the same figures.
    let range = PopulationRange { on: day, at_least: 50_000, below: Some(100_000) };
    let class = OrganisationFilter { population: Some(range), ..filter.clone() };
    let expected: Vec<&Organisation> =
        all.iter().filter(|o| latest.get(&o.code).is_some_and(|f| (50_000..100_000).contains(&f.population))).collect();
    assert_eq!(store.count_organisations(&class).await.unwrap(), expected.len());
    let first = store.organisation_page(&class, day, PageRequest::new(1, 10)).await.unwrap();
    let first: Vec<&Organisation> = first.iter().map(|listed| &listed.organisation).collect();
    assert_eq!(first, expected[..10]);
    let before_figures = OrganisationFilter { population: Some(PopulationRange { on: date("2020-01-01"), ..range }), ..filter.clone() };
    assert_eq!(store.count_organisations(&before_figures).await.unwrap(), 0, "population is never estimated");
});

both_backends!(an_organisation_is_followed_through_every_later_change, async |store: Store| {
    import_shipped(&store).await;
    let onwards: Vec<String> = store.successors_onwards(&code("GM0693")).await.unwrap().into_iter().map(|o| o.code.to_string()).collect();
    assert_eq!(onwards, ["GM0693", "GM1927", "GM1978"], "Graafstroom, Molenwaard, Molenlanden");
    let register = Register::new(store.successors_onwards(&code("GM0788")).await.unwrap());
    assert_eq!(register.on_date(&code("GM0788"), date("2026-01-01")).len(), 4, "Haaren's four parts");
    assert_eq!(store.successors_onwards(&code("GM0363")).await.unwrap().len(), 1);
});

both_backends!(search_keys_follow_a_renamed_organisation_and_are_rebuilt_when_missing, async |store: Store| {
    import_shipped(&store).await;
    let mut organisations = shipped_register();
    organisations.iter_mut().filter(|o| o.code.as_str() == "GM0457").for_each(|weesp| weesp.name = "Weesp Hernoemd".into());
    store.import_register(&organisations, &author(), &mut |_| {}).await.unwrap();
    let search = |term: &str| OrganisationFilter { search: Some(term.into()), ..Default::default() };
    assert_eq!(store.count_organisations(&search("hernoemd")).await.unwrap(), 1);

    // A register stored before the keys were kept gets them from the upgrade, as a fresh import would.
    store.execute_unchecked_for_tests("DELETE FROM organisation_search_keys").await.unwrap();
    assert_eq!(store.count_organisations(&search("hernoemd")).await.unwrap(), 0);
    assert_eq!(store.index_unindexed_organisations().await.unwrap(), 457);
    assert_eq!(store.count_organisations(&search("hernoemd")).await.unwrap(), 1);
    assert_eq!(store.index_unindexed_organisations().await.unwrap(), 0, "only what lacks keys is indexed");
});

both_backends!(the_2011_division_maps_onto_2026, async |store: Store| {
    import_shipped(&store).await;
    let register = Register::new(store.organisations(&OrganisationFilter::default()).await.unwrap());
    let (then, now) = (date("2011-01-01"), date("2026-01-01"));
    let mut reached = std::collections::BTreeSet::new();
    for municipality in register.valid_on(then).filter(|o| o.kind() == OrganisationKind::Gemeente) {
        let today = register.on_date(&municipality.code, now);
        assert!(!today.is_empty(), "{} maps onto nothing", municipality.code);
        reached.extend(today);
    }
    assert_eq!(reached.len(), 342, "every municipality of today has a predecessor in 2011 or is one");
    assert_eq!(register.on_date(&code("GM0457"), now), [code("GM0363")]);
    assert_eq!(register.on_date(&code("GM0693"), now), [code("GM1978")], "Graafstroom via Molenwaard into Molenlanden");
    assert_eq!(register.on_date(&code("GM0788"), now).len(), 4, "Haaren was split in four");

    let predecessors: Vec<String> = store.predecessors(&code("GM0363")).await.unwrap().into_iter().map(|o| o.name).collect();
    assert_eq!(predecessors, ["Weesp"], "Muiden went to Weesp in 2016, and Weesp into Amsterdam in 2022");
    assert_eq!(register.on_date(&code("GM0424"), now), [code("GM1942"), code("GM0363")]);
});

both_backends!(population_figures_are_dated_and_reimport_changes_nothing, async |store: Store| {
    import_shipped(&store).await;
    let file = parse_population_csv(POPULATION_2023, "CBS 37259eng");
    assert!(file.errors.is_empty());
    let figures: Vec<_> = file.figures.into_iter().map(|(_, f)| f).collect();
    assert_eq!(store.import_population(&figures, &author(), &mut |_| {}).await.unwrap().added, 342);
    assert_eq!(store.import_population(&figures, &author(), &mut |_| {}).await.unwrap().unchanged, 342);
    assert!(store.population_figures(Some(date("2022-12-31")), None).await.unwrap().is_empty());
    let amsterdam = store.population_figures(Some(date("2024-06-01")), Some(&code("GM0363"))).await.unwrap();
    assert_eq!(amsterdam.len(), 1);
    assert_eq!(amsterdam[0].population, 918_117);
    assert_eq!(store.population_dates().await.unwrap(), [(date("2023-01-01"), 342)]);
});

both_backends!(the_population_on_a_date_is_the_domains_newest_figure_not_after_it, async |store: Store| {
    import_shipped(&store).await;
    let demo = domain::demo::data().unwrap();
    store.import_population(&demo.populations, &author(), &mut |_| {}).await.unwrap();
    for day in ["2011-01-01", "2023-01-01", "2025-06-30", "2026-01-01", "2030-01-01"] {
        let expected = latest_on(demo.populations.clone(), date(day));
        assert_eq!(store.populations_on(date(day)).await.unwrap(), expected, "{day}");
    }
    let on_2026 = store.populations_on(date("2026-01-01")).await.unwrap();
    assert_eq!(on_2026.len(), 342);
    assert_eq!(on_2026[&code("GM0402")].reference_date, date("2023-01-01"), "Hilversum's newest figure is of 2023");
});

both_backends!(population_of_an_unknown_code_is_refused_whole, async |store: Store| {
    import_shipped(&store).await;
    let file = parse_population_csv("cbs_code,population,reference_date\nGM0363,1,2030-01-01\nGM9999,1,2030-01-01\n", "test");
    let figures: Vec<_> = file.figures.into_iter().map(|(_, f)| f).collect();
    assert!(store.import_population(&figures, &author(), &mut |_| {}).await.is_err());
    assert!(store.population_figures(None, None).await.unwrap().is_empty());
});

const CATALOGUE: &str = include_str!("../../../../data/catalogues/inup-2011.toml");

both_backends!(catalogues_round_trip_and_versions_stand_side_by_side, async |store: Store| {
    let first = parse_catalogue_toml(CATALOGUE, "inup-2011.toml").unwrap();
    assert_eq!(store.import_catalogue(&first, &author()).await.unwrap().added, 1);
    assert_eq!(store.import_catalogue(&first, &author()).await.unwrap().unchanged, 1);
    assert_eq!(store.catalogue("inup-2011", None).await.unwrap(), first, "groups, blocks, dates and dependencies survive the round trip");

    let edited = parse_catalogue_toml(&CATALOGUE.replace("name = \"DigiD Machtigen\"", "name = \"Machtigen\""), "inup-2011.toml").unwrap();
    assert_eq!(store.import_catalogue(&edited, &author()).await.unwrap().updated, 1);
    let stored = store.catalogue("inup-2011", Some("2011")).await.unwrap();
    assert!(stored.blocks.iter().any(|b| b.name == "Machtigen"));
    assert_eq!(stored, edited);

    let second = parse_catalogue_toml(&CATALOGUE.replace("version = \"2011\"", "version = \"2012\""), "inup-2012.toml").unwrap();
    store.import_catalogue(&second, &author()).await.unwrap();
    assert_eq!(store.catalogues().await.unwrap().len(), 2);
    assert_eq!(store.catalogue("inup-2011", None).await.unwrap().version, "2012");
    assert!(matches!(store.catalogue("other", None).await, Err(StoreError::NotFound)));
});

both_backends!(migrating_again_changes_nothing_and_health_reports_the_schema, async |store: Store| {
    assert!(store.migrate().await.unwrap().is_empty());
    let health = store.health().await.unwrap();
    assert_eq!(health.schema_version, health.expected_schema_version);
    assert!(health.schema_version.is_some());
    store.close().await;
    assert!(matches!(store.health().await, Err(StoreError::Unavailable(_))));
});

fn change(action: &'static str, target: &str) -> Change {
    Change {
        actor: Actor::CommandLine { os_user: "test".into() },
        origin: Origin::default(),
        action,
        target: target.into(),
        before: None,
        after: Some(serde_json::json!({"target": target})),
    }
}

both_backends!(accounts_are_made_found_changed_and_audited, async |store: Store| {
    import_shipped(&store).await;
    let email = Email::parse("Respondent@Amsterdam.nl").unwrap();
    let hash = Password::new("een lange zin als wachtwoord", &email).unwrap().hash().unwrap();
    let new = NewUser::new(email.clone(), Role::Respondent, Some(code("GM0363"))).unwrap();
    let user = store.add_user(&new, &hash, &change("user.add", email.as_str())).await.unwrap();
    assert_eq!(user.email.as_str(), "respondent@amsterdam.nl");

    let again = store.add_user(&new, &hash, &change("user.add", email.as_str())).await.unwrap_err();
    assert!(matches!(again, StoreError::Conflict(Conflict::Taken(UniqueField::Email))), "{again:?}");

    let (found, stored_hash) = store.user_with_hash(&email).await.unwrap();
    assert_eq!(found, user);
    assert!(stored_hash.verify("een lange zin als wachtwoord"));

    let other = Password::new("een andere lange zin", &email).unwrap().hash().unwrap();
    store.set_password(&email, &other, &change("user.password", email.as_str())).await.unwrap();
    assert!(store.user_with_hash(&email).await.unwrap().1.verify("een andere lange zin"));
    store.set_disabled(&email, true, &author()).await.unwrap();
    assert!(store.users().await.unwrap()[0].disabled);

    let nobody = Email::parse("niemand@example.nl").unwrap();
    assert!(matches!(store.set_disabled(&nobody, true, &author()).await, Err(StoreError::NotFound)));

    let log: Vec<_> =
        store.audit_entries(&AuditFilter::default()).await.unwrap().into_iter().filter(|e| e.action.starts_with("user.")).collect();
    let actions: Vec<&str> = log.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, ["user.disable", "user.password", "user.add"], "newest first; the failed add and the unknown user left no entry");
    assert_eq!(log[0].actor, "command line (test)");
    assert!(log.iter().all(|e| !e.after.as_deref().unwrap_or_default().contains("argon2")), "no hash in the log");
    let only_adds = store.audit_entries(&AuditFilter { action: Some("user.add".into()), ..Default::default() }).await.unwrap();
    assert_eq!(only_adds.len(), 1);
});

both_backends!(a_respondent_must_belong_to_a_registered_organisation, async |store: Store| {
    let email = Email::parse("r@example.nl").unwrap();
    let hash = Password::new("een lange zin als wachtwoord", &email).unwrap().hash().unwrap();
    let new = NewUser::new(email.clone(), Role::Respondent, Some(code("GM0363"))).unwrap();
    assert!(store.add_user(&new, &hash, &change("user.add", "r")).await.is_err(), "GM0363 is not in an empty register");
    assert!(store.audit_entries(&AuditFilter::default()).await.unwrap().is_empty(), "nothing recorded for what did not happen");
});

both_backends!(the_audit_log_cannot_be_changed_or_emptied, async |store: Store| {
    store.record(&change("login", "someone@example.nl")).await.unwrap();
    for statement in ["UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"] {
        let refused = store.execute_unchecked_for_tests(statement).await;
        assert!(refused.is_err(), "{statement} must be refused");
    }
    assert_eq!(store.audit_entries(&AuditFilter::default()).await.unwrap()[0].actor, "command line (test)");
});

both_backends!(sessions_carry_their_principal_until_ended, async |store: Store| {
    import_shipped(&store).await;
    let email = Email::parse("analist@instituut.nl").unwrap();
    let hash = Password::new("een lange zin als wachtwoord", &email).unwrap().hash().unwrap();
    let user = store.add_user(&NewUser::new(email.clone(), Role::Analyst, None).unwrap(), &hash, &change("user.add", "a")).await.unwrap();
    let signed_in = |principal| SessionState::SignedIn(principal);
    store.start_session("hash-1", &signed_in(Principal::User(user.clone()))).await.unwrap();
    store.start_session("hash-2", &signed_in(Principal::Invitation { organisation: code("GM0363") })).await.unwrap();
    store.start_session("hash-4", &SessionState::SecondStep(user.clone())).await.unwrap();
    assert_eq!(store.session("hash-1").await.unwrap(), Some(signed_in(Principal::User(user.clone()))));
    assert_eq!(store.session("hash-2").await.unwrap(), Some(signed_in(Principal::Invitation { organisation: code("GM0363") })));
    assert_eq!(store.session("hash-4").await.unwrap(), Some(SessionState::SecondStep(user)), "halfway stays halfway");
    assert_eq!(store.session("unknown").await.unwrap(), None);
    store.end_session("hash-1").await.unwrap();
    assert_eq!(store.session("hash-1").await.unwrap(), None);
    store.start_session("hash-3", &signed_in(Principal::User(store.users().await.unwrap()[0].clone()))).await.unwrap();
    store.set_disabled(&email, true, &author()).await.unwrap();
    assert_eq!(store.session("hash-3").await.unwrap(), None, "a disabled account's sessions stop working");
});

both_backends!(a_second_factor_is_confirmed_once_its_codes_work_once_and_a_reset_ends_it, async |store: Store| {
    import_shipped(&store).await;
    let email = Email::parse("beheer@instituut.nl").unwrap();
    let hash = Password::new("een lange zin als wachtwoord", &email).unwrap().hash().unwrap();
    let user = store.add_user(&NewUser::new(email.clone(), Role::Admin, None).unwrap(), &hash, &change("user.add", "b")).await.unwrap();
    assert!(store.second_factor(user.id).await.unwrap().is_none());

    store.start_session("halfway", &SessionState::SecondStep(user.clone())).await.unwrap();
    let secret = TotpSecret::generate().unwrap();
    store.set_pending_secret("halfway", &secret).await.unwrap();
    assert_eq!(store.pending_secret("halfway").await.unwrap(), Some(secret.clone()), "a reload shows the same secret");

    let codes = RecoveryCode::generate_set().unwrap();
    let hashes: Vec<String> = codes.iter().map(|c| c.hash.clone()).collect();
    store.confirm_second_factor(user.id, &secret, 100, &hashes, &change("2fa.setup", "b")).await.unwrap();
    let other = TotpSecret::generate().unwrap();
    assert!(
        matches!(
            store.confirm_second_factor(user.id, &other, 101, &hashes, &change("2fa.setup", "b")).await,
            Err(StoreError::Conflict(Conflict::Stale(Record::SecondFactor)))
        ),
        "a second set-up does not replace the first"
    );
    let stored = store.second_factor(user.id).await.unwrap().unwrap();
    assert_eq!((stored.secret, stored.last_step), (secret, Some(100)));

    assert!(!store.use_code_step(user.id, 100).await.unwrap(), "the confirming code is used");
    assert!(store.use_code_step(user.id, 101).await.unwrap());
    assert!(!store.use_code_step(user.id, 101).await.unwrap(), "a code works once");
    assert!(!store.use_code_step(user.id, 99).await.unwrap(), "an older code after a newer one does not work");

    assert!(store.use_recovery_code(user.id, &hashes[3], &change("2fa.recovery", "b")).await.unwrap());
    assert!(!store.use_recovery_code(user.id, &hashes[3], &change("2fa.recovery", "b")).await.unwrap(), "a recovery code works once");
    assert!(!store.use_recovery_code(user.id, "no such hash", &change("2fa.recovery", "b")).await.unwrap());
    assert_eq!(store.recovery_codes_left(user.id).await.unwrap(), 9);

    store.start_session("full", &SessionState::SignedIn(Principal::User(user.clone()))).await.unwrap();
    store.reset_second_factor(&email, &change("2fa.reset", "b")).await.unwrap();
    assert!(store.second_factor(user.id).await.unwrap().is_none());
    assert_eq!(store.recovery_codes_left(user.id).await.unwrap(), 0);
    assert_eq!(store.session("full").await.unwrap(), None, "a reset ends the account's sessions");
    let actions: Vec<String> = store.audit_entries(&AuditFilter::default()).await.unwrap().into_iter().map(|e| e.action).collect();
    for action in ["2fa.setup", "2fa.recovery", "2fa.reset"] {
        assert_eq!(actions.iter().filter(|a| *a == action).count(), 1, "{action} recorded once: {actions:?}");
    }
    let unknown = Email::parse("niemand@instituut.nl").unwrap();
    assert!(matches!(store.reset_second_factor(&unknown, &change("2fa.reset", "n")).await, Err(StoreError::NotFound)));
});

both_backends!(an_invitation_works_once_and_not_after_it_expires, async |store: Store| {
    import_shipped(&store).await;
    let later = chrono::Utc::now() + chrono::Duration::days(1);
    store.add_invitation("token-1", &code("GM0363"), later).await.unwrap();
    assert_eq!(store.redeem_invitation("token-1").await.unwrap(), Redemption::Valid(code("GM0363")));
    assert_eq!(store.redeem_invitation("token-1").await.unwrap(), Redemption::Used);
    store.add_invitation("token-2", &code("GM0363"), chrono::Utc::now() - chrono::Duration::seconds(1)).await.unwrap();
    assert_eq!(store.redeem_invitation("token-2").await.unwrap(), Redemption::Expired);
    assert_eq!(store.redeem_invitation("token-3").await.unwrap(), Redemption::Unknown);
});

both_backends!(failed_attempts_are_counted_within_their_window, async |store: Store| {
    let now = chrono::Utc::now();
    for _ in 0..3 {
        store.record_failure("account:x@example.nl", now - chrono::Duration::minutes(15)).await.unwrap();
    }
    store.record_failure("address:127.0.0.1", now - chrono::Duration::minutes(15)).await.unwrap();
    assert_eq!(store.failures("account:x@example.nl", now - chrono::Duration::minutes(15)).await.unwrap().len(), 3);
    assert!(store.failures("account:x@example.nl", chrono::Utc::now() + chrono::Duration::seconds(1)).await.unwrap().is_empty());
});

both_backends!(imports_record_each_change_with_before_and_after, async |store: Store| {
    import_shipped(&store).await;
    let mut organisations = shipped_register();
    let weesp = organisations.iter_mut().find(|o| o.code.as_str() == "GM0457").unwrap();
    weesp.name = "Weesp (gewijzigd)".into();
    store.import_register(&organisations, &author(), &mut |_| {}).await.unwrap();
    let updates = store.audit_entries(&AuditFilter { action: Some("organisation.update".into()), ..Default::default() }).await.unwrap();
    assert_eq!(updates.len(), 1, "only the changed organisation");
    assert_eq!(updates[0].target, "GM0457");
    assert!(updates[0].before.as_deref().unwrap().contains("\"name\":\"Weesp\""));
    assert!(updates[0].after.as_deref().unwrap().contains("\"name\":\"Weesp (gewijzigd)\""));
    let adds = store.audit_entries(&AuditFilter { action: Some("organisation.add".into()), ..Default::default() }).await.unwrap();
    assert_eq!(adds.len(), 457);
    let catalogue = parse_catalogue_toml(CATALOGUE, "inup-2011.toml").unwrap();
    store.import_catalogue(&catalogue, &author()).await.unwrap();
    store.import_catalogue(&catalogue, &author()).await.unwrap();
    let catalogue_entries =
        store.audit_entries(&AuditFilter { target: Some("inup-2011 2011".into()), ..Default::default() }).await.unwrap();
    assert_eq!(catalogue_entries.len(), 1, "an unchanged re-import records nothing");
});
