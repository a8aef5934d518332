//! Horizontal bars for shares (0 to 100%), each with its 95% interval as a whisker where there is one. The chart
//! repeats what the table beside it says, so the SVG is hidden from assistive technology.

use std::fmt::Write;

/// One bar: a share of 0..=1 and its interval, with the text written at the end of the bar.
pub struct Bar {
    pub label: String,
    pub value: f64,
    pub low: Option<f64>,
    pub high: Option<f64>,
    pub text: String,
}

const WIDTH: f64 = 640.0;
const LABEL_WIDTH: f64 = 230.0;
const TEXT_WIDTH: f64 = 70.0;
const ROW: f64 = 26.0;
const BAR: f64 = 16.0;

/// The bars as an SVG. Empty input gives an empty string: there is nothing to draw.
pub fn horizontal_bars(bars: &[Bar]) -> String {
    if bars.is_empty() {
        return String::new();
    }
    let plot = WIDTH - LABEL_WIDTH - TEXT_WIDTH;
    let height = ROW * bars.len() as f64 + 24.0;
    let x = |share: f64| LABEL_WIDTH + plot * share.clamp(0.0, 1.0);
    let mut svg = format!(
        r#"<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" aria-hidden="true" focusable="false">"#
    );
    for tick in [0.0, 0.25, 0.5, 0.75, 1.0] {
        let _ = write!(
            svg,
            r#"<line class="chart__grid" x1="{x:.1}" y1="0" x2="{x:.1}" y2="{bottom:.1}"/><text class="chart__axis" x="{x:.1}" y="{label:.1}" text-anchor="middle">{percent}%</text>"#,
            x = x(tick),
            bottom = height - 20.0,
            label = height - 6.0,
            percent = (tick * 100.0) as u32,
        );
    }
    for (index, bar) in bars.iter().enumerate() {
        let top = ROW * index as f64 + 5.0;
        let middle = top + BAR / 2.0;
        let _ = write!(
            svg,
            r#"<text class="chart__label" x="{label_x:.1}" y="{text_y:.1}" text-anchor="end">{label}</text><rect class="chart__bar" x="{left:.1}" y="{top:.1}" width="{width:.1}" height="{BAR}"/>"#,
            label_x = LABEL_WIDTH - 8.0,
            text_y = middle + 4.0,
            label = escape(&shorten(&bar.label, 34)),
            left = LABEL_WIDTH,
            width = (x(bar.value) - LABEL_WIDTH).max(0.0),
        );
        if let (Some(low), Some(high)) = (bar.low, bar.high)
            && high > low
        {
            let _ = write!(
                svg,
                r#"<line class="chart__interval" x1="{a:.1}" y1="{middle:.1}" x2="{b:.1}" y2="{middle:.1}"/><line class="chart__interval" x1="{a:.1}" y1="{t:.1}" x2="{a:.1}" y2="{u:.1}"/><line class="chart__interval" x1="{b:.1}" y1="{t:.1}" x2="{b:.1}" y2="{u:.1}"/>"#,
                a = x(low),
                b = x(high),
                t = middle - 5.0,
                u = middle + 5.0,
            );
        }
        let _ = write!(
            svg,
            r#"<text class="chart__value" x="{value_x:.1}" y="{text_y:.1}">{text}</text>"#,
            value_x = WIDTH - TEXT_WIDTH + 6.0,
            text_y = middle + 4.0,
            text = escape(&bar.text),
        );
    }
    svg.push_str("</svg>");
    svg
}

fn shorten(text: &str, characters: usize) -> String {
    if text.chars().count() <= characters {
        text.to_owned()
    } else {
        format!("{}…", text.chars().take(characters - 1).collect::<String>())
    }
}

/// Text for SVG: the five characters XML gives meaning to.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bar(label: &str, value: f64, low: Option<f64>, high: Option<f64>) -> Bar {
        Bar { label: label.into(), value, low, high, text: format!("{:.0}%", value * 100.0) }
    }

    #[test]
    fn each_bar_is_as_long_as_its_share_with_its_interval_and_escaped_label() {
        let svg = horizontal_bars(&[bar("'s-Hertogenbosch & co", 0.5, Some(0.4), Some(0.6)), bar("Geen", 0.0, None, None)]);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("&#39;s-Hertogenbosch &amp; co"));
        let plot = WIDTH - LABEL_WIDTH - TEXT_WIDTH;
        assert!(svg.contains(&format!(r#"width="{:.1}" height="16""#, plot * 0.5)), "{svg}");
        assert_eq!(svg.matches("chart__interval").count(), 3, "one whisker: the bar without an interval has none");
        assert!(!svg.contains("style="), "the Content-Security-Policy forbids inline styles");
    }

    #[test]
    fn nothing_to_draw_draws_nothing() {
        assert_eq!(horizontal_bars(&[]), "");
    }
}
