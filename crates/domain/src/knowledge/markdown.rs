//! Articles are written in Markdown (CommonMark with tables and strikethrough) and shown as HTML that is
//! sanitised: whatever an author pastes, scripts, event handlers, styles and `javascript:` links are removed, not
//! refused, and the text as written is kept unchanged for the next edit.

use std::sync::LazyLock;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// The sanitiser: ammonia's allow-list (no script, style, iframe or form; no `on…` attribute; links and images
/// only over http, https and mailto), with every link given `rel="noopener noreferrer"`.
static SANITISER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder.url_schemes(["http", "https", "mailto"].into_iter().collect());
    builder
});

/// The article's page has the title as its one `h1`, so a `#` heading in the body becomes `h2`, like `##`.
fn below_title(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        other => other,
    }
}

/// The HTML of an article's Markdown, sanitised; safe to put into a page as it is.
pub fn render_html(markdown: &str) -> String {
    let events = Parser::new_ext(markdown, options()).map(|event| match event {
        Event::Start(Tag::Heading { level, id, classes, attrs }) => {
            Event::Start(Tag::Heading { level: below_title(level), id, classes, attrs })
        }
        Event::End(TagEnd::Heading(level)) => Event::End(TagEnd::Heading(below_title(level))),
        other => other,
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    SANITISER.clean(&html).to_string()
}

/// The words of an article without its markup, for the search index and excerpts. Raw HTML blocks are left out
/// (a script's text is not the article's); text inside inline HTML is kept.
pub fn plain_text(markdown: &str) -> String {
    let mut text = String::new();
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Text(words) | Event::Code(words) => text.push_str(&words),
            Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough | TagEnd::Link | TagEnd::Image) => {}
            Event::SoftBreak | Event::HardBreak | Event::Rule | Event::End(_) => text.push(' '),
            _ => {}
        }
    }
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_structure_is_kept() {
        let html = render_html(
            "# Aansluiten\n\n## Kop\n\nEen **vet** woord en een [link](https://www.logius.nl/).\n\n- een\n- twee\n\n| a | b |\n|---|---|\n| 1 | 2 |\n",
        );
        assert!(html.contains("<h2>Aansluiten</h2>"), "a level-one heading is shown below the page title: {html}");
        assert!(html.contains("<h2>Kop</h2>"), "{html}");
        assert!(html.contains("<strong>vet</strong>"));
        assert!(html.contains("<a href=\"https://www.logius.nl/\" rel=\"noopener noreferrer\">link</a>"), "{html}");
        assert!(html.contains("<ul>\n<li>een</li>"));
        assert!(html.contains("<table>") && html.contains("<td>2</td>"));
    }

    #[test]
    fn scripts_event_handlers_and_javascript_links_are_removed() {
        let markdown = "Tekst<script>alert(1)</script> en <b onclick=\"steel()\">vet</b>.\n\n\
            [klik](javascript:alert(1)) <a href=\"javascript:alert(2)\">ook</a> <img src=x onerror=alert(3)>\n\n\
            <iframe src=\"https://example.org\"></iframe><style>body{display:none}</style><p style=\"color:red\">rood</p>\n";
        let html = render_html(markdown);
        for unsafe_part in ["<script", "alert(1)", "onclick", "steel()", "javascript:", "onerror", "<iframe", "<style", "style="] {
            assert!(!html.contains(unsafe_part), "{unsafe_part} is still in {html}");
        }
        assert!(html.contains("<b>vet</b>"), "the harmless part of a tag stays: {html}");
        assert!(html.contains("klik") && html.contains("ook") && html.contains("rood"), "the text stays: {html}");
    }

    #[test]
    fn plain_text_has_the_words_without_markup_or_scripts() {
        let text = plain_text("# Kop\n\nEen *schuine* `code` tekst.\n\n<script>\nverborgen()\n</script>\n\n- punt\n- twee\n");
        assert_eq!(text, "Kop Een schuine code tekst. punt twee");
    }
}
