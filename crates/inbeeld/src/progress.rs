use indicatif::{ProgressBar, ProgressStyle};

/// A progress bar on standard error for long work; silent when standard error is not a terminal.
pub fn bar(length: usize, message: &'static str) -> ProgressBar {
    let bar = ProgressBar::new(length as u64).with_message(message);
    if let Ok(style) = ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}
