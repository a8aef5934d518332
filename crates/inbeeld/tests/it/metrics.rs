//! The operator's metrics as Prometheus scrapes them: the real binary with `--metrics-addr`, visits to the public
//! site and one saved page, then `/metrics` on its own address.

use std::collections::BTreeMap;

use crate::durability::{demo_with_open_wave, free_port, revision_on, signed_in, start};

/// One line of the Prometheus text format: a series and its value.
#[derive(Debug)]
struct Sample {
    name: String,
    labels: BTreeMap<String, String>,
    value: f64,
}

/// The samples of a scrape; comments (`# HELP`, `# TYPE`) are left out.
fn samples(text: &str) -> Vec<Sample> {
    text.lines()
        .filter(|line| !line.is_empty() && !line.starts_with('#'))
        .map(|line| {
            let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("no value: {line}"));
            let (name, labels) = match series.split_once('{') {
                Some((name, labels)) => (name, labels.strip_suffix('}').unwrap_or_else(|| panic!("unclosed labels: {line}"))),
                None => (series, ""),
            };
            let labels = labels
                .split("\",")
                .filter(|pair| !pair.is_empty())
                .map(|pair| {
                    let (key, value) = pair.split_once("=\"").unwrap_or_else(|| panic!("a label without a value: {line}"));
                    (key.to_owned(), value.trim_end_matches('"').to_owned())
                })
                .collect();
            Sample { name: name.to_owned(), labels, value: value.parse().unwrap_or_else(|_| panic!("not a number: {line}")) }
        })
        .collect()
}

/// The samples named `name` that carry every label of `labels`.
fn matching<'a>(samples: &'a [Sample], name: &'a str, labels: &'a [(&str, &str)]) -> impl Iterator<Item = &'a Sample> {
    samples
        .iter()
        .filter(move |s| s.name == name && labels.iter().all(|(key, value)| s.labels.get(*key).map(String::as_str) == Some(*value)))
}

/// The value of the one sample named `name` with `labels`; a missing series fails the test with what was there.
fn value(samples: &[Sample], name: &str, labels: &[(&str, &str)]) -> f64 {
    let found: Vec<&Sample> = matching(samples, name, labels).collect();
    assert_eq!(found.len(), 1, "one series {name} {labels:?}, among {:#?}", samples.iter().filter(|s| s.name == name).collect::<Vec<_>>());
    found[0].value
}

async fn status(client: &reqwest::Client, base: &str, path: &str) -> u16 {
    client.get(format!("{base}{path}")).send().await.unwrap().status().as_u16()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_metrics_address_counts_requests_by_route_the_pool_caches_and_saves_and_the_site_does_not_show_them() {
    let folder = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}", folder.path().join("metrics.sqlite").display());
    let (port, metrics_port) = (free_port(), free_port());
    let base = format!("http://127.0.0.1:{port}");
    let link = demo_with_open_wave(&database, &base);
    let metrics_addr = format!("127.0.0.1:{metrics_port}");
    let _server = start(&database, port, &["--metrics-addr", &metrics_addr, "--db-max-connections", "3"]).await;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();

    const PROFILE_VISITS: usize = 3;
    for _ in 0..PROFILE_VISITS {
        assert_eq!(status(&client, &base, "/gemeenten/GM0363").await, 200);
    }
    assert_eq!(status(&client, &base, "/gemeenten/GM9999").await, 404);
    assert_eq!(status(&client, &base, "/bestaat-niet").await, 404);
    assert_eq!(status(&client, &base, "/api/v1/bestaat-niet").await, 404);
    assert_eq!(status(&client, &base, "/metrics").await, 404, "the public site does not show the metrics");
    for _ in 0..2 {
        assert_eq!(status(&client, &base, "/metingen/eerste-meting").await, 200);
    }
    // Another page of the same wave is written from the figures the dashboard computed.
    assert_eq!(status(&client, &base, "/metingen/eerste-meting/provincies/PV27").await, 200);
    let cookie = signed_in(&client, &link).await;
    let page = format!("{base}/invullen/proef/GM0363/pagina/thema");
    let form = client.get(&page).header("cookie", &cookie).send().await.unwrap().text().await.unwrap();
    let fields = [("leading_theme", "dienstverlening".to_owned()), ("revisie", revision_on(&form)), ("actie", "opslaan".to_owned())];
    assert_eq!(client.post(&page).header("cookie", &cookie).form(&fields).send().await.unwrap().status(), 303, "the page is saved");

    let scrape = client.get(format!("http://{metrics_addr}/metrics")).send().await.unwrap();
    assert_eq!(scrape.status(), 200);
    assert!(scrape.headers()["content-type"].to_str().unwrap().starts_with("text/plain; version=0.0.4"));
    let text = scrape.text().await.unwrap();
    assert!(text.contains("# HELP inbeeld_http_requests_total HTTP requests answered"), "each metric has its help text:\n{text}");
    let scraped = samples(&text);

    let requests = "inbeeld_http_requests_total";
    let profile = "/gemeenten/{code}";
    let profiles_found = value(&scraped, requests, &[("route", profile), ("method", "GET"), ("status", "200")]);
    assert!(profiles_found >= PROFILE_VISITS as f64, "{profiles_found}");
    assert_eq!(value(&scraped, requests, &[("route", profile), ("status", "404")]), 1.0, "a code nobody has counts under its route");
    let unmatched = value(&scraped, requests, &[("route", "unmatched"), ("method", "GET"), ("status", "404")]);
    assert!(unmatched >= 3.0, "a path without a route, under the API too, and /metrics on the site: {unmatched}");
    let paths: Vec<&str> = scraped.iter().filter_map(|s| s.labels.get("route")).map(String::as_str).collect();
    assert!(
        paths.iter().all(|route| *route == "unmatched" || !(route.contains("GM") || route.contains("bestaat"))),
        "templates only: {paths:?}"
    );

    let profile_gets = [("route", profile), ("method", "GET")];
    let buckets: Vec<&Sample> = matching(&scraped, "inbeeld_http_request_duration_seconds_bucket", &profile_gets).collect();
    let bounds: Vec<&str> = buckets.iter().map(|s| s.labels["le"].as_str()).collect();
    assert!(bounds.contains(&"0.0005") && bounds.contains(&"10") && bounds.contains(&"+Inf"), "buckets from 0.5 ms to 10 s: {bounds:?}");
    let timed = value(&scraped, "inbeeld_http_request_duration_seconds_count", &profile_gets);
    assert!(timed >= PROFILE_VISITS as f64, "every visit is timed: {timed}");
    assert_eq!(buckets.iter().find(|s| s.labels["le"] == "+Inf").map(|s| s.value), Some(timed), "+Inf holds every visit");

    let in_use = value(&scraped, "inbeeld_db_connections", &[("state", "in_use")]);
    let idle = value(&scraped, "inbeeld_db_connections", &[("state", "idle")]);
    assert_eq!(value(&scraped, "inbeeld_db_connections_max", &[]), 3.0, "--db-max-connections sizes the pool");
    for state in ["waiting", "running", "done"] {
        assert_eq!(value(&scraped, "inbeeld_jobs", &[("state", state)]), 0.0, "no letters were asked for, so no job is {state}");
    }
    assert_eq!(value(&scraped, "inbeeld_letters", &[("state", "in_doubt")]), 0.0);
    assert!(in_use + idle <= 3.0 && idle >= 1.0, "in use {in_use}, idle {idle}");

    let responses = [("cache", "responses")];
    assert!(value(&scraped, "inbeeld_cache_misses_total", &responses) >= 1.0, "the profile is written once");
    assert!(value(&scraped, "inbeeld_cache_hits_total", &responses) >= 1.0, "and then served from memory");
    assert!(value(&scraped, "inbeeld_cache_bytes", &responses) > 1000.0, "which holds it");
    assert!(value(&scraped, "inbeeld_cache_hits_total", &[("cache", "figures")]) >= 1.0);
    assert_eq!(value(&scraped, "inbeeld_answers_saved_total", &[("edit", "draft")]), 1.0);
    assert!(matching(&scraped, "inbeeld_submissions_total", &[]).all(|s| s.value == 0.0), "nothing was submitted");

    let elsewhere = client.get(format!("http://{metrics_addr}/gemeenten/GM0363")).send().await.unwrap();
    assert_eq!(elsewhere.status(), 404, "the metrics address serves the metrics and nothing else");
}
