//! `inbeeld`: the command line. Wiring only: parse the command, open the store, call the use cases of `app` (or
//! the domain and the store where no other front end shares the step), serve the web crate's router, and report.

mod cli;
mod commands;
mod progress;
mod prometheus;

use std::process::ExitCode;

use clap::Parser;

/// A request for a kept page allocates and frees a few dozen small buffers on whichever thread serves it: with the
/// system's allocator that was a fifth of the processor time of such a request. mimalloc holds more memory while
/// many connections are open, but a flood of new addresses grew the system's allocator to eight times as much
/// (README, "Speed").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    cli::init_logging(&cli);
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}
