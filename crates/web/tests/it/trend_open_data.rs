//! The trend over the waves as open data, on SQLite and PostgreSQL: every trend figure the dashboard and a block's
//! page show, on every division the dashboard offers, is in the API's figures and in the CSV, unrounded, with the
//! wave of the series it counts.

use crate::support;

use std::collections::BTreeSet;

use domain::fieldwork::WaveState;
use serde_json::Value;
use store::{Store, both_backends};
use support::{Site, download, read_csv, store_demo_wave};

/// As the pages write a share: a percentage with one decimal and a decimal comma.
fn percent(value: f64) -> String {
    format!("{:.1}%", value * 100.0).replace('.', ",")
}

fn number(row: &Value, field: &str) -> f64 {
    row[field].as_f64().unwrap_or_else(|| panic!("{field} in {row}"))
}

both_backends!(every_trend_figure_the_pages_show_is_published_exactly, async |store: Store| {
    let site = Site::start(&store, false).await;
    let demo = domain::demo::data().unwrap();
    store_demo_wave(&store, &demo.first_wave().unwrap(), WaveState::Published).await;
    store_demo_wave(&store, &demo.second_wave().unwrap(), WaveState::Published).await;
    let waves = site.json("/api/v1/metingen").await;
    let (later, first) = (waves["metingen"][0]["id"].as_str().unwrap(), waves["metingen"][1]["id"].as_str().unwrap());
    let title =
        |id: &str| waves["metingen"].as_array().unwrap().iter().find(|w| w["id"] == id).unwrap()["titel"].as_str().unwrap().to_owned();

    let means = site.json(&format!("/api/v1/metingen/{later}/indicatoren?indicator=trend_adoptie_gemiddelde")).await;
    let means = means["indicatoren"].as_array().unwrap();
    let divisions: BTreeSet<&str> = means.iter().map(|row| row["categorie"].as_str().unwrap()).collect();
    let dashboard = site.page(&format!("/metingen/{later}")).await;
    let offered: BTreeSet<&str> =
        dashboard.split("<option value=\"").skip(1).map(|rest| rest.split('"').next().unwrap()).chain(["zoals_gevraagd"]).collect();
    assert_eq!(divisions, offered, "a trend on every division the dashboard offers, and as each wave asked");
    assert_eq!(means.len(), 2 * offered.len(), "both waves on each");

    for row in means {
        let division = row["categorie"].as_str().unwrap();
        let wave = row["meting"].as_str().unwrap();
        assert!(wave == first || wave == later, "{row}");
        assert_eq!((row["groep"].as_str(), row["aantal"].as_u64()), (Some("nederland"), None));
        let page = if division == "zoals_gevraagd" {
            dashboard.clone()
        } else {
            site.page(&format!("/metingen/{later}?indeling={division}")).await
        };
        let (mean, low, high) = (number(row, "waarde"), number(row, "ondergrens"), number(row, "bovengrens"));
        let shown = format!(
            "<th scope=\"row\">{}</th><td class=\"numeric\">{}</td><td class=\"numeric\">{}</td><td class=\"numeric\">{}</td><td class=\"numeric\">{}–{}</td>",
            title(wave),
            row["populatie"],
            row["n"],
            percent(mean),
            percent(low),
            percent(high)
        );
        assert!(page.contains(&shown), "the page of {division} shows {shown}");
        assert!(mean.to_string().len() > 6, "{mean}: every digit, not the page's rounding");
    }

    // A block's page shows its share in use per wave on the wave's own division.
    let own_division = waves["metingen"][0]["peildatumRegister"].as_str().unwrap();
    let blocks = site.json(&format!("/api/v1/metingen/{later}/indicatoren?indicator=trend_bouwsteen_in_gebruik")).await;
    let blocks = blocks["indicatoren"].as_array().unwrap();
    let digid: Vec<&Value> = blocks.iter().filter(|row| row["categorie"] == format!("{own_division}:digid")).collect();
    assert_eq!(digid.len(), 2, "DigiD in both waves");
    let block_page = site.page(&format!("/metingen/{later}/bouwstenen/digid")).await;
    for row in &digid {
        let shown = format!(
            "<th scope=\"row\">{}</th><td class=\"numeric\">{}</td><td class=\"numeric\">{}–{}</td><td class=\"numeric\">{}</td>",
            title(row["meting"].as_str().unwrap()),
            percent(number(row, "waarde")),
            percent(number(row, "ondergrens")),
            percent(number(row, "bovengrens")),
            row["n"]
        );
        assert!(block_page.contains(&shown), "the block's page shows {shown}");
    }
    assert!(blocks.iter().all(|row| divisions.contains(row["categorie"].as_str().unwrap().split(':').next().unwrap())));

    // The same rows, with the same numbers, in the CSV; the national filter of the API keeps them.
    let csv = download(
        &site,
        &format!("/metingen/{later}/indicatoren.csv"),
        "text/csv; charset=utf-8",
        &format!("inbeeld-{later}-indicatoren.csv"),
    )
    .await;
    let (header, rows) = read_csv(&csv);
    assert_eq!(header.last().map(String::as_str), Some("meting"));
    for row in means.iter().chain(blocks) {
        let found = rows
            .iter()
            .find(|csv| {
                csv["indicator"] == row["indicator"].as_str().unwrap()
                    && csv["categorie"] == row["categorie"].as_str().unwrap()
                    && csv["meting"] == row["meting"].as_str().unwrap()
            })
            .unwrap_or_else(|| panic!("{row} in the CSV"));
        // serde_json's default parser may miss the last bit of a number that the CSV's text holds exactly.
        for field in ["waarde", "ondergrens", "bovengrens"] {
            let (text, parsed) = (found[field].parse::<f64>().unwrap(), number(row, field));
            assert!((text - parsed).abs() <= 1e-15 * text.abs(), "{field} of {row}: {text} in the CSV");
        }
    }
    let national = site.json(&format!("/api/v1/metingen/{later}/indicatoren?groep=nederland")).await;
    let trend_rows = national["indicatoren"].as_array().unwrap().iter().filter(|row| !row["meting"].is_null()).count();
    assert_eq!(trend_rows, means.len() + blocks.len());
    assert!(rows.iter().filter(|row| row["meting"].is_empty()).all(|row| !row["indicator"].starts_with("trend_")));

    // The first wave's series is itself alone.
    let own = site.json(&format!("/api/v1/metingen/{first}/indicatoren?indicator=trend_adoptie_gemiddelde")).await;
    assert!(own["indicatoren"].as_array().unwrap().iter().all(|row| row["meting"] == first));
});
