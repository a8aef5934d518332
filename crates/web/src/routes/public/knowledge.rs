//! `/kennisbank`: the knowledge base, every article grouped by building block, or the articles a Dutch search
//! finds, best first; `/kennisbank/{slug}`: one article, sanitised, with its blocks linked to their pages.

use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::Html;
use domain::access::{Access, Decision};
use domain::knowledge::{BlockDirectory, SearchQuery, group_by_block};
use serde::{Deserialize, Serialize};
use store::StoreError;

use crate::AppState;
use crate::error::{WebError, page};
use crate::extract::{Path, Query};
use crate::format;
use crate::routes::knowledge_view::{ArticleItem, BlockLink, block_links};
use crate::session::SignedIn;

#[derive(Deserialize, Serialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    zoek: String,
    #[serde(default)]
    bouwsteen: String,
}

struct Group {
    code: Option<String>,
    name: String,
    articles: Vec<ArticleItem>,
}

struct BlockOption {
    code: String,
    name: String,
    selected: bool,
}

#[derive(Template)]
#[template(path = "kennisbank.html")]
struct ListPage {
    query: String,
    searching: bool,
    results: Vec<ArticleItem>,
    groups: Vec<Group>,
    block_options: Vec<BlockOption>,
    block_name: Option<String>,
    notice: Option<String>,
    may_edit: bool,
}

fn may_edit(signed: &SignedIn) -> bool {
    Access::ARTICLE_EDITORS.decide(signed.0.as_ref(), None) == Decision::Allow
}

pub async fn list(
    State(state): State<AppState>,
    Extension(signed): Extension<SignedIn>,
    Query(query): Query<ListQuery>,
) -> Result<Html<String>, WebError> {
    let blocks = BlockDirectory::new(&state.store.catalogues().await?);
    let asked_block = query.bouwsteen.trim();
    let block = Some(asked_block).filter(|code| blocks.knows(code));
    let notice = (!asked_block.is_empty() && block.is_none())
        .then(|| format!("Er is geen bouwsteen met code ‘{asked_block}’; hieronder staan de artikelen over alle bouwstenen."));
    let typed = query.zoek.trim();
    let (results, groups) = if typed.is_empty() {
        let articles = state.store.articles(block).await?;
        let groups = group_by_block(&articles, &blocks)
            .into_iter()
            .filter(|(code, _)| block.is_none() || code.as_deref() == block)
            .map(|(code, articles)| Group {
                name: code.as_deref().map_or("Over geen bouwsteen in het bijzonder", |code| blocks.name(code)).to_owned(),
                code,
                articles: articles.into_iter().map(|article| ArticleItem::new(article, &blocks, None)).collect(),
            })
            .collect();
        (Vec::new(), groups)
    } else {
        let search = SearchQuery::parse(typed);
        let found = state.store.search_articles(&search, block).await?;
        (found.iter().map(|article| ArticleItem::new(article, &blocks, Some(&search))).collect(), Vec::new())
    };
    page(ListPage {
        query: typed.to_owned(),
        searching: !typed.is_empty(),
        results,
        groups,
        block_options: blocks
            .all()
            .iter()
            .map(|(code, name)| BlockOption { selected: Some(code.as_str()) == block, code: code.clone(), name: name.clone() })
            .collect(),
        block_name: block.map(|code| blocks.name(code).to_owned()),
        notice,
        may_edit: may_edit(&signed),
    })
}

#[derive(Template)]
#[template(path = "kennisbank_artikel.html")]
struct ArticlePage {
    slug: String,
    title: String,
    blocks: Vec<BlockLink>,
    updated: String,
    revision: i64,
    html: String,
    may_edit: bool,
}

pub async fn article(
    State(state): State<AppState>,
    Extension(signed): Extension<SignedIn>,
    Path(slug): Path<String>,
) -> Result<Html<String>, WebError> {
    let article = match state.store.article(&slug).await {
        Err(StoreError::NotFound) => return Err(WebError::NotFound(format!("Er is geen artikel ‘{slug}’ in de kennisbank."))),
        other => other?,
    };
    let blocks = BlockDirectory::new(&state.store.catalogues().await?);
    page(ArticlePage {
        blocks: block_links(&article, &blocks),
        updated: format::date(article.updated_at.date_naive()),
        revision: article.revision,
        html: article.html(),
        may_edit: may_edit(&signed),
        slug: article.slug,
        title: article.title,
    })
}
