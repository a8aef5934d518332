//! Pages where the whole page matters, compared with reviewed snapshots (insta) on the demo's data, which is
//! seeded and so the same on every run: a municipality's profile, a wave's dashboard, the register, and the API's
//! figures of a wave. Both databases must give the same page, so both compare with one snapshot file.
//!
//! A changed page fails the test and leaves `snapshots/NAME.snap.new` beside the reviewed file; the README's test
//! section says how to review and accept it.

use crate::support;

use domain::fieldwork::WaveState;
use store::{Store, both_backends};
use support::{Site, store_demo_wave};

/// Compares `text` with the reviewed snapshot `name` (`snapshots/NAME.snap`, one file for both backends), after
/// replacing what would differ between runs: the test server's address, with its port, and today's date. (None of
/// these pages holds either yet, nor ids, tokens or timings: a form is guarded by its origin, not by a token.)
fn assert_same_as_reviewed(name: &str, site: &Site, text: &str) {
    refuse_to_accept_in_ci();
    let today = chrono::Local::now().date_naive().to_string();
    let text = text.replace(&site.base, "http://[test server]").replace(&today, "[today]");
    let mut settings = insta::Settings::clone_current();
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings.bind(|| insta::assert_snapshot!(name, text));
}

/// In CI a changed page fails, whatever else the environment says: insta itself would accept a change in place
/// with `INSTA_UPDATE=always` (or `force`) and let it pass with `INSTA_FORCE_PASS=1`.
fn refuse_to_accept_in_ci() {
    let set = |name: &str, values: &[&str]| std::env::var(name).is_ok_and(|value| values.contains(&value.as_str()));
    let in_ci = std::env::var("CI").is_ok_and(|value| !["", "0", "false"].contains(&value.as_str()));
    let accepting = set("INSTA_UPDATE", &["always", "force"]) || set("INSTA_FORCE_PASS", &["1", "true"]);
    assert!(!(in_ci && accepting), "CI accepts no changed snapshot: unset INSTA_UPDATE and INSTA_FORCE_PASS there");
}

/// The API's answer with its two thousand figures one to a line, so that a change shows as the figures it changed.
fn one_figure_a_line(mut answer: serde_json::Value) -> String {
    let figures = answer.as_object_mut().and_then(|fields| fields.remove("indicatoren")).unwrap();
    let lines: Vec<String> = figures.as_array().unwrap().iter().map(|figure| figure.to_string()).collect();
    format!("{}\n\n\"indicatoren\", one a line:\n{}", serde_json::to_string_pretty(&answer).unwrap(), lines.join("\n"))
}

both_backends!(the_demos_pages_are_as_reviewed, async |store: Store| {
    let site = Site::start(&store, false).await;
    let demo = domain::demo::data().unwrap();
    store_demo_wave(&store, &demo.first_wave().unwrap(), WaveState::Published).await;
    store_demo_wave(&store, &demo.second_wave().unwrap(), WaveState::Published).await;

    // On a stated date, so that the page does not change as the register's dates pass.
    assert_same_as_reviewed("register", &site, &site.page("/gemeenten?datum=2026-01-01").await);
    assert_same_as_reviewed("profile_amsterdam", &site, &site.page("/gemeenten/GM0363").await);
    assert_same_as_reviewed("dashboard_first_wave", &site, &site.page("/metingen/eerste-meting").await);
    let figures = site.json("/api/v1/metingen/eerste-meting/indicatoren").await;
    assert_same_as_reviewed("api_figures_first_wave", &site, &one_figure_a_line(figures));
});
