//! Knowledge-base articles as the pages show them: titles with their blocks named and linked, and excerpts.

use domain::knowledge::{Article, BlockDirectory, SearchQuery};

/// A building block an article is about, named as the catalogues name it.
pub struct BlockLink {
    pub code: String,
    pub name: String,
}

pub fn block_links(article: &Article, blocks: &BlockDirectory) -> Vec<BlockLink> {
    article.blocks.iter().map(|code| BlockLink { code: code.clone(), name: blocks.name(code).to_owned() }).collect()
}

/// One article in a list or among search results.
pub struct ArticleItem {
    pub slug: String,
    pub title: String,
    pub blocks: Vec<BlockLink>,
    pub excerpt: String,
}

impl ArticleItem {
    pub fn new(article: &Article, blocks: &BlockDirectory, query: Option<&SearchQuery>) -> Self {
        ArticleItem {
            slug: article.slug.clone(),
            title: article.title.clone(),
            blocks: block_links(article, blocks),
            excerpt: article.excerpt(query),
        }
    }
}
