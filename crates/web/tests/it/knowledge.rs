//! The knowledge base over a real server, on both databases: the public list grouped by block and its Dutch
//! search, one article sanitised, the block pages listing their articles, the editor for admins and analysts
//! (with a refused stale edit that shows the newer text), who may not edit, and the API.

use crate::support;

use domain::account::Role;
use reqwest::{Response, StatusCode};
use store::{AuditFilter, Store, both_backends};
use support::{Site, add_user, get_as, sign_in};

const DIGID: &str = "digid-aansluiten-inloggen-voor-burgers";

/// The demo's site with the demo's articles.
async fn site_with_articles(store: &Store) -> Site {
    let site = Site::start(store, false).await;
    for article in domain::demo::data().unwrap().articles {
        store.create_article(&article, &store::testing::author()).await.unwrap();
    }
    site
}

async fn post_form(site: &Site, path: &str, cookie: Option<&str>, fields: &[(&str, &str)]) -> Response {
    let mut request = site.client.post(format!("{}{path}", site.base)).form(fields);
    if let Some(cookie) = cookie {
        request = request.header("cookie", cookie);
    }
    request.send().await.unwrap()
}

/// The slugs of the articles a page links to, in order, once each.
fn linked_articles(html: &str) -> Vec<&str> {
    let mut slugs: Vec<&str> = Vec::new();
    for piece in html.split("href=\"/kennisbank/").skip(1) {
        let slug = &piece[..piece.find('"').unwrap()];
        if !slugs.contains(&slug) {
            slugs.push(slug);
        }
    }
    slugs
}

fn encoded(text: &str) -> String {
    form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

both_backends!(the_knowledge_base_lists_articles_by_block_and_shows_one_sanitised, async |store: Store| {
    let site = site_with_articles(&store).await;
    let list = site.page("/kennisbank").await;
    assert!(list.contains("<h1>Kennisbank</h1>") && list.contains("href=\"/kennisbank\">Kennisbank</a>"), "in the menu");
    assert!(list.contains("<a href=\"/bouwstenen/digid\">DigiD Burger</a></h2>"), "a group per block, named by the catalogue");
    assert_eq!(linked_articles(&list).len(), 5, "{:?}", linked_articles(&list));
    assert!(!list.contains("Artikelen schrijven en bewerken"), "the public sees no editor link");

    let only = site.page("/kennisbank?bouwsteen=digikoppeling").await;
    assert_eq!(linked_articles(&only), ["digikoppeling-berichten-uitwisselen-tussen-overheden"]);
    let unknown = site.page("/kennisbank?bouwsteen=onbekend").await;
    assert!(unknown.contains("Er is geen bouwsteen met code ‘onbekend’"));

    let article = site.page(&format!("/kennisbank/{DIGID}")).await;
    assert!(article.contains("<h1 id=\"titel\">DigiD aansluiten: inloggen voor burgers</h1>"));
    assert!(article.contains("<a href=\"/bouwstenen/digid\">DigiD Burger</a>, <a href=\"/bouwstenen/bsn\">BSN</a>"), "blocks linked");
    assert!(article.contains("<h2>Waarom DigiD</h2>"), "Markdown rendered, below the page's h1");
    assert!(article.contains("<strong>burgerservicenummer (BSN)</strong>"));
    let missing = site.get("/kennisbank/bestaat-niet").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(missing.text().await.unwrap().contains("Er is geen artikel ‘bestaat-niet’"));

    let block = site.page("/bouwstenen/digid").await;
    let section = &block[block.find("In de kennisbank").unwrap()..];
    assert_eq!(linked_articles(section), [DIGID, "mijnoverheid-en-de-berichtenbox"], "by title");
    assert!(site.page("/bouwstenen/brt").await.contains("Er zijn nog geen artikelen over BRT"));
});

both_backends!(the_search_finds_word_forms_ranks_titles_first_and_takes_any_text, async |store: Store| {
    let site = site_with_articles(&store).await;
    // "aansluiting": the DigiD article says "aansluiten" in its title; others say it only in their text.
    let found = site.page("/kennisbank?zoek=aansluiting").await;
    let slugs = linked_articles(&found);
    assert_eq!(slugs.first(), Some(&DIGID), "{slugs:?}");
    assert!(slugs.contains(&"eherkenning-inloggen-voor-bedrijven") && slugs.len() >= 3, "{slugs:?}");
    assert!(found.contains(&format!("{} artikelen gevonden voor ‘aansluiting’", slugs.len())));
    assert!(found.contains("value=\"aansluiting\""), "the query stays in the field");

    let koppeling = site.page("/kennisbank?zoek=koppeling").await;
    assert!(
        linked_articles(&koppeling).contains(&"digikoppeling-berichten-uitwisselen-tussen-overheden"),
        "'koppelingen' found by 'koppeling'"
    );
    let narrowed = site.page("/kennisbank?zoek=gemeenten&bouwsteen=bag").await;
    assert_eq!(linked_articles(&narrowed), ["basisregistraties-brp-en-bag-gemeenten-als-bronhouder"]);

    let nothing = site.page("/kennisbank?zoek=zwembad").await;
    assert!(nothing.contains("Geen artikelen gevonden voor ‘zwembad’"));
    for odd in ["\"digid", "digid*", "title_terms:digid", "digid NEAR bag", "a & b | !c (d)", "🙂🚀", "'; DROP TABLE articles; --"] {
        let page = site.page(&format!("/kennisbank?zoek={}", encoded(odd))).await;
        assert!(page.contains("gevonden voor"), "{odd}");
    }
    let punctuation = "!?*:&|()\"'^-+<>~".repeat(32);
    assert!(site.page(&format!("/kennisbank?zoek={}", encoded(&punctuation))).await.contains("Geen artikelen gevonden"));
    let digid = site.page(&format!("/kennisbank?zoek={}", encoded("\"DigiD\" NEAR(*)"))).await;
    assert_eq!(linked_articles(&digid).first(), Some(&DIGID), "the words of an odd query still find");
});

both_backends!(an_analyst_writes_and_edits_and_a_stale_edit_shows_the_newer_text, async |store: Store| {
    let site = site_with_articles(&store).await;
    add_user(&store, "analist@instituut.nl", Role::Analyst, None).await;
    add_user(&store, "beheer@instituut.nl", Role::Admin, None).await;
    let analyst = sign_in(&site, "analist@instituut.nl").await;
    let admin = sign_in(&site, "beheer@instituut.nl").await;

    let list = get_as(&site, "/kennisbank", Some(&analyst)).await.text().await.unwrap();
    assert!(list.contains("href=\"/beheer/kennisbank\""), "an editor is offered the editor");
    let editors = get_as(&site, "/beheer/kennisbank", Some(&analyst)).await.text().await.unwrap();
    assert!(editors.contains(&format!("/beheer/kennisbank/{DIGID}/bewerken")));
    assert_eq!(get_as(&site, "/beheer/kennisbank/nieuw", Some(&analyst)).await.status(), StatusCode::OK);

    // Refused: an unknown block is named, and everything typed comes back.
    let body = "Terugmelden doet u met **Digimelding**.\n\n<script>alert('x')</script>\n\n<a href=\"javascript:alert(1)\" onclick=\"steel()\">Meer weten</a>\n";
    let mut fields = vec![("titel", "Digimelding: terugmelden"), ("slug", ""), ("bouwstenen", "digimelding, zwembad"), ("tekst", body)];
    let refused = post_form(&site, "/beheer/kennisbank/nieuw", Some(&analyst), &fields).await;
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = refused.text().await.unwrap();
    assert!(page.contains("Bouwstenen: de code ‘zwembad’ komt in geen catalogus voor"), "{page}");
    assert!(page.contains("value=\"Digimelding: terugmelden\"") && page.contains("value=\"digimelding, zwembad\""));
    assert!(page.contains("&#60;script&#62;alert(&#39;x&#39;)&#60;/script&#62;"), "the unsafe part is kept too, escaped: {page}");

    // Saved: the unsafe HTML is removed from the page, not refused, and kept as written for the next edit.
    fields[2] = ("bouwstenen", "digimelding");
    let created = post_form(&site, "/beheer/kennisbank/nieuw", Some(&analyst), &fields).await;
    assert_eq!(created.status(), StatusCode::SEE_OTHER);
    assert_eq!(created.headers()["location"], "/kennisbank/digimelding-terugmelden");
    let shown = site.page("/kennisbank/digimelding-terugmelden").await;
    let article = &shown[shown.find("<article").unwrap()..shown.find("</article>").unwrap()];
    assert!(article.contains("<strong>Digimelding</strong>") && article.contains("Meer weten"));
    for unsafe_part in ["<script", "alert(", "javascript:", "onclick", "steel()"] {
        assert!(!article.contains(unsafe_part), "{unsafe_part} in {article}");
    }
    let editor = get_as(&site, "/beheer/kennisbank/digimelding-terugmelden/bewerken", Some(&analyst)).await.text().await.unwrap();
    assert!(editor.contains("name=\"revisie\" value=\"1\""));
    assert!(editor.contains("onclick=&#34;steel()&#34;"), "as written: {editor}");

    // The admin saves first; the analyst, who read revision 1 too, saves later and is refused.
    let form = |title, text, revision| {
        [("titel", title), ("slug", "digimelding-terugmelden"), ("bouwstenen", "digimelding"), ("tekst", text), ("revisie", revision)]
    };
    let admins = form("Digimelding: terugmelden", "De tekst van de beheerder.", "1");
    let saved = post_form(&site, "/beheer/kennisbank/digimelding-terugmelden/bewerken", Some(&admin), &admins).await;
    assert_eq!(saved.status(), StatusCode::SEE_OTHER);
    let stale = form("Digimelding", "De tekst van de analist.", "1");
    let refused = post_form(&site, "/beheer/kennisbank/digimelding-terugmelden/bewerken", Some(&analyst), &stale).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let page = refused.text().await.unwrap();
    assert!(page.contains("Iemand anders heeft dit artikel opgeslagen"));
    assert!(page.contains(">De tekst van de analist.</textarea>"), "the editor's own text is kept");
    assert!(page.contains("<pre class=\"source-text\">De tekst van de beheerder.</pre>"), "the newer text beside it");
    assert!(page.contains("name=\"revisie\" value=\"2\""), "the next save is based on what was shown");
    assert_eq!(store.article("digimelding-terugmelden").await.unwrap().body, "De tekst van de beheerder.");
    let merged = form("Digimelding", "Samen.", "2");
    assert_eq!(
        post_form(&site, "/beheer/kennisbank/digimelding-terugmelden/bewerken", Some(&analyst), &merged).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(store.article("digimelding-terugmelden").await.unwrap().revision, 3);

    // A slug in use is refused with a Dutch message at the slug.
    let clash = [("titel", "Nog een"), ("slug", DIGID), ("bouwstenen", ""), ("tekst", "x")];
    let refused = post_form(&site, "/beheer/kennisbank/nieuw", Some(&analyst), &clash).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    assert!(refused.text().await.unwrap().contains(&format!("‘{DIGID}’ is al het adres van een ander artikel")));

    let edits = store.audit_entries(&AuditFilter { action: Some("article.edit".into()), ..AuditFilter::default() }).await.unwrap();
    assert_eq!(edits.len(), 2, "the refused edit wrote nothing");
    assert!(edits.iter().any(|entry| entry.actor.contains("analist@instituut.nl")));
});

both_backends!(the_public_respondents_and_interviewers_cannot_edit, async |store: Store| {
    let site = site_with_articles(&store).await;
    add_user(&store, "respondent@amsterdam.nl", Role::Respondent, Some("GM0363")).await;
    add_user(&store, "interviewer@instituut.nl", Role::Interviewer, None).await;
    let fields = [("titel", "Ingebroken"), ("bouwstenen", ""), ("tekst", "x"), ("revisie", "1")];
    let anonymous = post_form(&site, "/beheer/kennisbank/nieuw", None, &fields).await;
    assert_eq!(anonymous.status(), StatusCode::SEE_OTHER);
    assert!(anonymous.headers()["location"].to_str().unwrap().starts_with("/inloggen?terug="));
    for email in ["respondent@amsterdam.nl", "interviewer@instituut.nl"] {
        let cookie = sign_in(&site, email).await;
        assert_eq!(get_as(&site, "/beheer/kennisbank", Some(&cookie)).await.status(), StatusCode::FORBIDDEN, "{email}");
        let path = format!("/beheer/kennisbank/{DIGID}/bewerken");
        assert_eq!(post_form(&site, &path, Some(&cookie), &fields).await.status(), StatusCode::FORBIDDEN, "{email}");
        assert_eq!(post_form(&site, "/beheer/kennisbank/nieuw", Some(&cookie), &fields).await.status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(store.articles(None).await.unwrap().len(), 5, "nothing was written");
    assert_eq!(store.article(DIGID).await.unwrap().revision, 1);
});

both_backends!(the_api_lists_searches_and_gives_one_article, async |store: Store| {
    let site = site_with_articles(&store).await;
    let all = site.json("/api/v1/kennisbank").await;
    assert_eq!(all["aantal"], 5);
    let titles: Vec<&str> = all["artikelen"].as_array().unwrap().iter().map(|a| a["titel"].as_str().unwrap()).collect();
    assert_eq!(titles[0], "Basisregistraties BRP en BAG: gemeenten als bronhouder", "by title");

    let found = site.json("/api/v1/kennisbank?zoek=gemeenten&bouwsteen=bag").await;
    assert_eq!(found["aantal"], 1);
    assert_eq!(found["artikelen"][0]["bouwstenen"], serde_json::json!(["gba", "bag"]));
    assert!(found["artikelen"][0]["uittreksel"].as_str().unwrap().to_lowercase().contains("gemeente"));
    let searched = site.json(&format!("/api/v1/kennisbank?zoek={}", encoded("aansluiting"))).await;
    assert_eq!(searched["artikelen"][0]["slug"], DIGID);
    let odd = site.json(&format!("/api/v1/kennisbank?zoek={}", encoded("\"*:&|!() NEAR 🙂"))).await;
    assert!(odd["aantal"].is_number());

    let one = site.json(&format!("/api/v1/kennisbank/{DIGID}")).await;
    assert_eq!(one["titel"], "DigiD aansluiten: inloggen voor burgers");
    assert_eq!(one["bouwstenen"], serde_json::json!(["digid", "bsn", "digid-machtigen"]));
    assert_eq!(one["revisie"], 1);
    assert!(one["markdown"].as_str().unwrap().contains("## Waarom DigiD"));
    assert!(one["html"].as_str().unwrap().contains("<h2>Waarom DigiD</h2>"));
    assert!(one["bijgewerkt"].as_str().unwrap().contains('T'));
    let missing = site.problem("/api/v1/kennisbank/bestaat-niet", StatusCode::NOT_FOUND).await;
    assert!(missing["detail"].as_str().unwrap().contains("bestaat-niet"));
});
