//! `/beheer/kennisbank`: admins and analysts write and edit the knowledge base's articles. A refused form is shown
//! again with everything typed; an edit of an older revision is refused with the newer text shown beside the
//! editor's own, so that nothing either of them wrote is lost.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use domain::knowledge::{Article, ArticleError, ArticleField, ArticleInput, BlockDirectory, sort_by_title};
use serde::Deserialize;
use store::{Conflict, Record, StoreError};

use crate::AppState;
use crate::error::{FormRefusal, WebError, form_answer, page};
use crate::extract::{ChangeAuthor, Form, Path};
use crate::format;

struct ArticleRow {
    slug: String,
    title: String,
    blocks: String,
    updated: String,
    revision: i64,
}

#[derive(Template)]
#[template(path = "beheer_kennisbank.html")]
struct ListPage {
    articles: Vec<ArticleRow>,
}

pub async fn list(State(state): State<AppState>) -> Result<Response, WebError> {
    let mut articles = state.store.articles(None).await?;
    sort_by_title(&mut articles);
    Ok(page(ListPage {
        articles: articles
            .into_iter()
            .map(|article| ArticleRow {
                blocks: article.blocks.join(", "),
                updated: format::date(article.updated_at.date_naive()),
                revision: article.revision,
                slug: article.slug,
                title: article.title,
            })
            .collect(),
    })?
    .into_response())
}

/// The editor's form, as typed. `revisie` is the revision the editor started from; empty for a new article.
#[derive(Deserialize, Default)]
pub struct EditorForm {
    #[serde(default)]
    titel: String,
    #[serde(default)]
    slug: String,
    #[serde(default)]
    bouwstenen: String,
    #[serde(default)]
    tekst: String,
    #[serde(default)]
    revisie: String,
}

impl EditorForm {
    fn from_article(article: &Article) -> Self {
        let input = ArticleInput::from(article);
        EditorForm {
            titel: input.title,
            slug: input.slug,
            bouwstenen: input.blocks,
            tekst: input.body,
            revisie: article.revision.to_string(),
        }
    }

    fn input(&self) -> ArticleInput {
        ArticleInput { title: self.titel.clone(), slug: self.slug.clone(), blocks: self.bouwstenen.clone(), body: self.tekst.clone() }
    }
}

/// A problem shown at its field and in the summary at the top; `id` is the field's element.
struct Problem {
    id: &'static str,
    text: String,
}

fn field_id(field: ArticleField) -> &'static str {
    match field {
        ArticleField::Title => "titel",
        ArticleField::Slug => "slug",
        ArticleField::Blocks => "bouwstenen",
        ArticleField::Body => "tekst",
    }
}

fn problem(error: &ArticleError) -> Problem {
    Problem { id: field_id(error.field), text: error.to_string() }
}

/// The stored version that a refused edit conflicted with.
struct Newer {
    title: String,
    slug: String,
    blocks: String,
    body: String,
    revision: i64,
    updated: String,
}

#[derive(Template)]
#[template(path = "beheer_artikel.html")]
struct EditorPage {
    /// The form's address: the new-article form, or this article's editor.
    action: String,
    /// The article's slug as stored, when editing.
    editing: Option<String>,
    form: EditorForm,
    problems: Vec<Problem>,
    errors: FieldErrors,
    notice: Option<String>,
    newer: Option<Newer>,
    blocks: Vec<(String, String)>,
}

/// Each field's problem, shown at the field.
#[derive(Default)]
struct FieldErrors {
    titel: Option<String>,
    slug: Option<String>,
    bouwstenen: Option<String>,
    tekst: Option<String>,
}

impl FieldErrors {
    fn of(errors: &[ArticleError]) -> Self {
        let at = |field: ArticleField| errors.iter().find(|e| e.field == field).map(|e| e.message.clone());
        FieldErrors {
            titel: at(ArticleField::Title),
            slug: at(ArticleField::Slug),
            bouwstenen: at(ArticleField::Blocks),
            tekst: at(ArticleField::Body),
        }
    }
}

async fn render_editor(
    state: &AppState,
    editing: Option<&str>,
    form: EditorForm,
    refused: Option<FormRefusal>,
    trouble: Trouble,
) -> Result<Response, WebError> {
    let blocks = BlockDirectory::new(&state.store.catalogues().await?);
    let (problems, errors, notice, newer) = match trouble {
        Trouble::None => (Vec::new(), FieldErrors::default(), None, None),
        Trouble::Fields(errors) => (errors.iter().map(problem).collect(), FieldErrors::of(&errors), None, None),
        Trouble::Notice(notice) => (Vec::new(), FieldErrors::default(), Some(notice), None),
        Trouble::Newer(article) => {
            let notice = format!(
                "Iemand anders heeft dit artikel opgeslagen terwijl u het bewerkte (versie {}). Uw wijzigingen zijn niet opgeslagen; uw tekst staat hieronder nog in het formulier, met de opgeslagen versie ernaast. Neem over wat u wilt houden en sla dan opnieuw op.",
                article.revision
            );
            let newer = Newer {
                title: article.title.clone(),
                slug: article.slug.clone(),
                blocks: article.blocks.join(", "),
                body: article.body.clone(),
                revision: article.revision,
                updated: format::date(article.updated_at.date_naive()),
            };
            (Vec::new(), FieldErrors::default(), Some(notice), Some(newer))
        }
    };
    let html = page(EditorPage {
        action: editing.map_or_else(|| "/beheer/kennisbank/nieuw".to_owned(), |slug| format!("/beheer/kennisbank/{slug}/bewerken")),
        editing: editing.map(str::to_owned),
        form,
        problems,
        errors,
        notice,
        newer,
        blocks: blocks.all().to_vec(),
    })?;
    form_answer(html, refused)
}

/// Why the editor is shown again.
enum Trouble {
    None,
    Fields(Vec<ArticleError>),
    Notice(String),
    /// A newer revision was stored meanwhile.
    Newer(Article),
}

pub async fn new(State(state): State<AppState>) -> Result<Response, WebError> {
    render_editor(&state, None, EditorForm::default(), None, Trouble::None).await
}

async fn load(state: &AppState, slug: &str) -> Result<Article, WebError> {
    match state.store.article(slug).await {
        Err(StoreError::NotFound) => Err(WebError::NotFound(format!("Er is geen artikel ‘{slug}’ in de kennisbank."))),
        other => Ok(other?),
    }
}

pub async fn edit(State(state): State<AppState>, Path(slug): Path<String>) -> Result<Response, WebError> {
    let article = load(&state, &slug).await?;
    render_editor(&state, Some(&slug), EditorForm::from_article(&article), None, Trouble::None).await
}

pub async fn create(
    State(state): State<AppState>,
    ChangeAuthor(author): ChangeAuthor,
    Form(form): Form<EditorForm>,
) -> Result<Response, WebError> {
    let blocks = BlockDirectory::new(&state.store.catalogues().await?);
    let text = match form.input().check(&blocks) {
        Ok(text) => text,
        Err(errors) => return render_editor(&state, None, form, Some(FormRefusal::Invalid), Trouble::Fields(errors)).await,
    };
    match state.store.create_article(&text, &author).await {
        Ok(article) => Ok(Redirect::to(&format!("/kennisbank/{}", article.slug)).into_response()),
        Err(StoreError::Conflict(_)) => {
            let trouble = Trouble::Fields(vec![slug_taken(&text.slug)]);
            render_editor(&state, None, form, Some(FormRefusal::Conflict), trouble).await
        }
        Err(other) => Err(other.into()),
    }
}

fn slug_taken(slug: &str) -> ArticleError {
    ArticleError {
        field: ArticleField::Slug, message: format!("‘{slug}’ is al het adres van een ander artikel; kies een ander adres.")
    }
}

pub async fn save(
    State(state): State<AppState>,
    ChangeAuthor(author): ChangeAuthor,
    Path(slug): Path<String>,
    Form(form): Form<EditorForm>,
) -> Result<Response, WebError> {
    let Ok(based_on) = form.revisie.trim().parse::<i64>() else {
        return Err(WebError::BadRequest(
            "Het formulier noemt niet welke versie u bewerkte; open het artikel opnieuw om het te bewerken.".into(),
        ));
    };
    let blocks = BlockDirectory::new(&state.store.catalogues().await?);
    let text = match form.input().check(&blocks) {
        Ok(text) => text,
        Err(errors) => return render_editor(&state, Some(&slug), form, Some(FormRefusal::Invalid), Trouble::Fields(errors)).await,
    };
    match state.store.edit_article(&slug, based_on, &text, &author).await {
        Ok(article) => Ok(Redirect::to(&format!("/kennisbank/{}", article.slug)).into_response()),
        Err(StoreError::Conflict(Conflict::Stale(Record::Article))) => match state.store.article(&slug).await {
            Ok(newer) => {
                // The next save is based on the newer revision, which the editor now sees beside their own text.
                let form = EditorForm { revisie: newer.revision.to_string(), ..form };
                render_editor(&state, Some(&slug), form, Some(FormRefusal::Conflict), Trouble::Newer(newer)).await
            }
            Err(StoreError::NotFound) => render_editor(&state, Some(&slug), form, Some(FormRefusal::Conflict), moved(&slug)).await,
            Err(other) => Err(other.into()),
        },
        Err(StoreError::Conflict(_)) => {
            render_editor(&state, Some(&slug), form, Some(FormRefusal::Conflict), Trouble::Fields(vec![slug_taken(&text.slug)])).await
        }
        Err(StoreError::NotFound) => render_editor(&state, Some(&slug), form, Some(FormRefusal::Conflict), moved(&slug)).await,
        Err(other) => Err(other.into()),
    }
}

/// The article left its address while it was edited: another editor changed its slug.
fn moved(slug: &str) -> Trouble {
    Trouble::Notice(format!(
        "Er is geen artikel meer op het adres ‘{slug}’: iemand anders heeft het adres veranderd terwijl u het bewerkte. Uw wijzigingen zijn niet opgeslagen; uw tekst staat hieronder. Bewaar hem en open het artikel opnieuw vanuit de lijst."
    ))
}
