//! Searching and paging the register at the size of the EU's local-government benchmark: 100,000 organisations from
//! `bench/synthetic_register.py`, loaded beforehand with `inbeeld import register` (and `import population`) into
//! SQLite, PostgreSQL or both:
//!
//!     python3 bench/synthetic_register.py --out /tmp/register_100k.csv --population /tmp/population_100k.csv
//!     inbeeld --database sqlite:///tmp/register_100k.db import register /tmp/register_100k.csv   (and population)
//!     INBEELD_REGISTER_SQLITE=sqlite:///tmp/register_100k.db INBEELD_REGISTER_POSTGRES=postgres://... \
//!         cargo bench -p inbeeld-store --bench register
//!
//! Each case is what a page of `/gemeenten` or `/api/v1/organisaties` asks: the count of every match, then one
//! page of 50 with its population figures. A backend whose variable is not set is left out.

#![allow(clippy::unwrap_used, clippy::expect_used)] // a benchmark that cannot go on should stop loudly

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use domain::paging::PageRequest;
use domain::register::OrganisationKind;
use inbeeld_store::{OrganisationFilter, PopulationRange, Store};

fn cases(day: NaiveDate) -> Vec<(&'static str, OrganisationFilter, PageRequest)> {
    let municipalities = OrganisationFilter { date: Some(day), kind: Some(OrganisationKind::Gemeente), ..Default::default() };
    let search = |term: &str| OrganisationFilter { search: Some(term.into()), ..municipalities.clone() };
    vec![
        ("first page", municipalities.clone(), PageRequest::new(1, 50)),
        ("page 1000", municipalities.clone(), PageRequest::new(1_000, 50)),
        ("search 'lenberdorf' (a name, 3 found)", search("lenberdorf"), PageRequest::new(1, 50)),
        ("search 'saint' (a common word)", search("saint"), PageRequest::new(1, 50)),
        ("search 'de-00012' (a code's start)", search("de-00012"), PageRequest::new(1, 50)),
        ("search 'b' (one letter)", search("b"), PageRequest::new(1, 50)),
        (
            "size class 5 (50,000 to 100,000)",
            OrganisationFilter {
                population: Some(PopulationRange { on: day, at_least: 50_000, below: Some(100_000) }),
                ..municipalities.clone()
            },
            PageRequest::new(1, 50),
        ),
    ]
}

fn register(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
    for (backend, variable) in [("sqlite", "INBEELD_REGISTER_SQLITE"), ("postgres", "INBEELD_REGISTER_POSTGRES")] {
        let Ok(url) = std::env::var(variable) else {
            eprintln!("{variable} is not set: {backend} is left out");
            continue;
        };
        let store = runtime.block_on(Store::connect(&url)).unwrap();
        let mut group = c.benchmark_group(format!("register_{backend}"));
        for (name, filter, page) in cases(day) {
            let total = runtime.block_on(store.count_organisations(&filter)).unwrap();
            eprintln!("{backend}: {name}: {total} organisations");
            group.bench_function(name, |b| {
                b.iter(|| {
                    runtime.block_on(async {
                        let total = store.count_organisations(&filter).await.unwrap();
                        let rows = store.organisation_page(&filter, day, page).await.unwrap();
                        (total, rows.len())
                    })
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, register);
criterion_main!(benches);
