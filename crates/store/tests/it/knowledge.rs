//! Knowledge-base articles on both databases: written, edited with a revision that a stale edit cannot pass,
//! audited, and found by the same Dutch full-text search with word forms and ranking.

use domain::knowledge::{Article, ArticleText, SearchQuery};
use inbeeld_store::testing::author;
use inbeeld_store::{AuditFilter, Conflict, Record, Store, StoreError, UniqueField, both_backends};

fn text(slug: &str, title: &str, blocks: &[&str], body: &str) -> ArticleText {
    ArticleText { slug: slug.into(), title: title.into(), blocks: blocks.iter().map(|b| (*b).to_owned()).collect(), body: body.into() }
}

async fn search(store: &Store, query: &str) -> Vec<String> {
    store.search_articles(&SearchQuery::parse(query), None).await.unwrap().into_iter().map(|a| a.slug).collect()
}

fn slugs(articles: &[Article]) -> Vec<&str> {
    articles.iter().map(|a| a.slug.as_str()).collect()
}

both_backends!(an_article_is_created_read_back_and_audited, async |store: Store| {
    let body = "Tekst met <script>alert(1)</script> **vet**.\n";
    let created = store.create_article(&text("digid", "DigiD aansluiten", &["digid", "bsn"], body), &author()).await.unwrap();
    assert_eq!(created.revision, 1);
    let read = store.article("digid").await.unwrap();
    assert_eq!(read, created, "what the store returns is what it keeps");
    assert_eq!(read.blocks, ["digid", "bsn"], "blocks in the author's order");
    assert_eq!(read.body, body, "the text is kept as written; only pages sanitise it");
    assert!(matches!(store.article("weg").await, Err(StoreError::NotFound)));

    let taken = store.create_article(&text("digid", "Een ander", &[], "x"), &author()).await;
    assert!(matches!(taken, Err(StoreError::Conflict(Conflict::Taken(UniqueField::ArticleSlug)))), "{taken:?}");

    let entries = store.audit_entries(&AuditFilter { action: Some("article.create".into()), ..AuditFilter::default() }).await.unwrap();
    assert_eq!(entries.len(), 1, "the refused second article wrote nothing");
    assert_eq!(entries[0].target, "digid");
    assert!(entries[0].after.as_deref().unwrap().contains("DigiD aansluiten"));
});

both_backends!(an_edit_names_its_revision_and_a_stale_one_is_refused, async |store: Store| {
    store.create_article(&text("bag", "BAG", &["bag"], "Eerste tekst."), &author()).await.unwrap();
    let stamp = store.change_stamp().await.unwrap();
    let edited =
        store.edit_article("bag", 1, &text("bag-en-brp", "BAG en BRP", &["bag", "gba"], "Tweede tekst."), &author()).await.unwrap();
    assert_eq!((edited.revision, edited.slug.as_str()), (2, "bag-en-brp"));
    assert_ne!(store.change_stamp().await.unwrap(), stamp, "an edit is a change the figures cache notices");
    assert!(matches!(store.article("bag").await, Err(StoreError::NotFound)), "the slug moved");
    assert_eq!(store.article("bag-en-brp").await.unwrap().blocks, ["bag", "gba"]);

    // A second editor who read revision 1 saves later: refused, and the newer text stays.
    let stale = store.edit_article("bag-en-brp", 1, &text("bag-en-brp", "Oud", &[], "Oude tekst."), &author()).await;
    assert!(matches!(stale, Err(StoreError::Conflict(Conflict::Stale(Record::Article)))), "{stale:?}");
    assert_eq!(store.article("bag-en-brp").await.unwrap().body, "Tweede tekst.");

    store.create_article(&text("digid", "DigiD", &[], "x"), &author()).await.unwrap();
    let clash = store.edit_article("bag-en-brp", 2, &text("digid", "BAG", &[], "x"), &author()).await;
    assert!(matches!(clash, Err(StoreError::Conflict(Conflict::Taken(UniqueField::ArticleSlug)))), "{clash:?}");
    let missing = store.edit_article("weg", 1, &text("weg", "Weg", &[], "x"), &author()).await;
    assert!(matches!(missing, Err(StoreError::NotFound)));

    let edits = store.audit_entries(&AuditFilter { action: Some("article.edit".into()), ..AuditFilter::default() }).await.unwrap();
    assert_eq!(edits.len(), 1, "only the edit that was made is recorded");
    assert!(edits[0].before.as_deref().unwrap().contains("Eerste tekst.") && edits[0].after.as_deref().unwrap().contains("Tweede tekst."));
});

/// Three articles: one that mentions connecting and DigiD in its body, written first; one with both in its
/// title, written after it; one about links between systems.
async fn library(store: &Store) {
    for article in [
        text(
            "berichtenbox",
            "De Berichtenbox",
            &["mijnoverheid"],
            "Gemeenten versturen post digitaal. Wie wil aansluiten, regelt eerst DigiD; gemeenten doen dat samen.",
        ),
        text(
            "gemeenten-en-digid",
            "Aansluiting op DigiD",
            &["digid"],
            "Een gemeente biedt haar diensten online aan. Zij is aangesloten via haar leverancier.",
        ),
        text("koppelvlakken", "Koppelvlakken van Digikoppeling", &["digikoppeling"], "Koppelingen tussen overheden lopen via standaarden."),
    ] {
        store.create_article(&article, &author()).await.unwrap();
    }
}

both_backends!(dutch_search_finds_word_forms, async |store: Store| {
    library(&store).await;
    // "gemeenten" and "gemeente" are one word to the stemmer: both articles that use either form are found.
    let mut found = search(&store, "gemeente").await;
    found.sort();
    assert_eq!(found, ["berichtenbox", "gemeenten-en-digid"]);
    assert_eq!(search(&store, "koppeling").await, ["koppelvlakken"], "'koppelingen' in the body is found by 'koppeling'");
    assert_eq!(search(&store, "KOPPELINGEN").await, ["koppelvlakken"], "case does not matter");
    assert_eq!(search(&store, "registratie").await, Vec::<String>::new(), "a word no article has finds nothing");
    assert_eq!(search(&store, "Berichtenbox").await, ["berichtenbox"]);
});

both_backends!(a_title_hit_ranks_above_a_body_only_hit, async |store: Store| {
    library(&store).await;
    // "aansluiting" is in the title of one article and "aansluiten" in the body of another: one stem.
    assert_eq!(search(&store, "aansluiten").await, ["gemeenten-en-digid", "berichtenbox"]);
    assert_eq!(search(&store, "aansluiting").await, ["gemeenten-en-digid", "berichtenbox"]);
    // The article with the words in its title was written after the other: the order is the rank, not the order written.
    assert_eq!(search(&store, "digid").await, ["gemeenten-en-digid", "berichtenbox"]);
    assert_eq!(search(&store, "Berichtenbox digid").await[0], "berichtenbox", "both words match it, one in its title");
});

both_backends!(search_and_lists_narrow_to_a_block, async |store: Store| {
    library(&store).await;
    let about = |block| {
        let store = store.clone();
        async move { store.search_articles(&SearchQuery::parse("digid"), Some(block)).await.unwrap() }
    };
    assert_eq!(slugs(&about("mijnoverheid").await), ["berichtenbox"]);
    assert!(about("bag").await.is_empty());
    assert_eq!(slugs(&store.articles(Some("digikoppeling")).await.unwrap()), ["koppelvlakken"]);
    assert_eq!(slugs(&store.articles(None).await.unwrap()), ["berichtenbox", "gemeenten-en-digid", "koppelvlakken"]);
    assert_eq!(store.articles(None).await.unwrap()[2].blocks, ["digikoppeling"]);
});

both_backends!(odd_queries_give_results_or_none_never_an_error, async |store: Store| {
    library(&store).await;
    let punctuation = "!?*:&|()\"'^-+<>~{}[].,;".repeat(22);
    for query in [
        "\"digid",
        "digid\"",
        "dig*",
        "*",
        "title_terms:digid",
        "body_terms : digid",
        "digid NEAR(bag, 2)",
        "NEAR",
        "AND OR NOT",
        "digid & | ! ( ) koppeling",
        "!digid",
        "digid:*",
        "'; DROP TABLE articles; --",
        "🙂🚀 digid 🙂",
        "\u{0}\u{1b}[31m",
        punctuation.as_str(),
        "",
    ] {
        let found = store.search_articles(&SearchQuery::parse(query), None).await;
        assert!(found.is_ok(), "{query:?}: {found:?}");
    }
    assert_eq!(search(&store, "digid NEAR(bag, 2)").await.len(), 2, "operators are words, and the words still find");
    assert!(search(&store, &punctuation).await.is_empty());
    assert_eq!(store.articles(None).await.unwrap().len(), 3, "nothing was dropped");
});
