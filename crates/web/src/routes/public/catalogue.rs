//! `/bouwstenen`: every catalogue with its groups and blocks; `/bouwstenen/{code}`: one block in each catalogue
//! that has it, with what it depends on and what depends on it.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use domain::catalogue::Catalogue;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::error::{WebError, page as render};
use crate::extract::{Path, Query};
use crate::format;

struct BlockItem {
    code: String,
    name: String,
    depends_on: String,
}

struct GroupView {
    name: String,
    blocks: Vec<BlockItem>,
}

struct CatalogueView {
    id: String,
    name: String,
    version: String,
    reconstruction: bool,
    size: usize,
    description: Vec<String>,
    source: String,
    groups: Vec<GroupView>,
}

#[derive(Template)]
#[template(path = "bouwstenen.html")]
struct ListPage {
    catalogues: Vec<CatalogueView>,
}

fn names(catalogue: &Catalogue, codes: &[String]) -> String {
    codes.iter().map(|code| catalogue.block(code).map_or(code.as_str(), |b| b.name.as_str())).collect::<Vec<_>>().join(", ")
}

pub async fn list(State(state): State<AppState>) -> Result<Html<String>, WebError> {
    let catalogues = state.store.catalogues().await?;
    render(ListPage {
        catalogues: catalogues
            .iter()
            .map(|catalogue| CatalogueView {
                id: catalogue.id.clone(),
                name: catalogue.name.clone(),
                version: catalogue.version.clone(),
                reconstruction: catalogue.reconstruction,
                size: catalogue.size(),
                description: catalogue.description.split("\n\n").map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()).collect(),
                source: catalogue.source.clone(),
                groups: catalogue
                    .groups
                    .iter()
                    .map(|group| GroupView {
                        name: group.name.clone(),
                        blocks: catalogue
                            .blocks_in(&group.code)
                            .map(|b| BlockItem { code: b.code.clone(), name: b.name.clone(), depends_on: names(catalogue, &b.depends_on) })
                            .collect(),
                    })
                    .collect(),
            })
            .collect(),
    })
}

#[derive(Deserialize, Serialize)]
pub struct BlockQuery {
    catalogus: Option<String>,
}

struct Link {
    code: String,
    name: String,
}

struct Entry {
    catalogue_id: String,
    catalogue_name: String,
    reconstruction: bool,
    name: String,
    group: String,
    description: String,
    target_date: String,
    depends_on: Vec<Link>,
    needed_by: Vec<Link>,
}

struct ArticleLink {
    slug: String,
    title: String,
}

#[derive(Template)]
#[template(path = "bouwsteen.html")]
struct BlockPage {
    name: String,
    entries: Vec<Entry>,
    /// The knowledge base's articles about this block, by title.
    articles: Vec<ArticleLink>,
}

pub async fn block(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(query): Query<BlockQuery>,
) -> Result<Html<String>, WebError> {
    let mut catalogues = state.store.catalogues().await?;
    // The catalogue the visitor came from first, then the others that also have this block.
    catalogues.sort_by_key(|c| query.catalogus.as_deref() != Some(c.id.as_str()));
    let entries: Vec<Entry> = catalogues
        .iter()
        .filter_map(|catalogue| {
            let block = catalogue.block(&code)?;
            let link = |b: &domain::catalogue::BuildingBlock| Link { code: b.code.clone(), name: b.name.clone() };
            Some(Entry {
                catalogue_id: catalogue.id.clone(),
                catalogue_name: format!("{} (versie {})", catalogue.name, catalogue.version),
                reconstruction: catalogue.reconstruction,
                name: block.name.clone(),
                group: catalogue.group(&block.group).map(|g| g.name.clone()).unwrap_or_default(),
                description: block.description.clone(),
                target_date: block.target_date.map(format::date).unwrap_or_else(|| "niet vastgelegd".into()),
                depends_on: block.depends_on.iter().filter_map(|d| catalogue.block(d)).map(link).collect(),
                needed_by: catalogue.dependents(&block.code).map(link).collect(),
            })
        })
        .collect();
    let Some(first) = entries.first() else {
        return Err(WebError::NotFound(format!("Geen catalogus kent een bouwsteen met code ‘{code}’.")));
    };
    let mut articles = state.store.articles(Some(&code)).await?;
    domain::knowledge::sort_by_title(&mut articles);
    let articles = articles.into_iter().map(|article| ArticleLink { slug: article.slug, title: article.title }).collect();
    render(BlockPage { name: first.name.clone(), entries, articles })
}
