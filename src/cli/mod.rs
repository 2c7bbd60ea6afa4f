//! Subcommand definitions (clap derive) and dispatch.

/// `println!` that exits quietly when stdout is closed (`provisio search … | head`).
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut stdout = std::io::stdout().lock();
        if writeln!(stdout, $($arg)*).is_err() {
            std::process::exit(0);
        }
    }};
}

mod index;
mod search;
mod serve;
mod stats;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "provisio",
    version,
    about = "Find provisions in policy documents: index a folder, search it with citations"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(clap::Args, Debug, Clone)]
pub struct IndexDir {
    /// Index folder.
    #[arg(long, env = "PROVISIO_INDEX", default_value = "index")]
    pub index: PathBuf,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Index a corpus folder (incremental: only new or changed files are read).
    Index(index::IndexArgs),
    /// Search the index; results grouped by document with cited passages.
    Search(search::SearchArgs),
    /// Show what the index holds.
    Stats(stats::StatsArgs),
    /// Serve the web front end and JSON API (indexes the corpus first unless --no-index).
    Serve(serve::ServeArgs),
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Index(a) => index::run(a),
        Command::Search(a) => search::run(a),
        Command::Stats(a) => stats::run(a),
        Command::Serve(a) => serve::run(a),
    }
}

/// Map a library error: user errors and fatal errors both exit 2, with the message.
pub fn fail(err: provisio::Error) -> anyhow::Result<ExitCode> {
    eprintln!("provisio: {err}");
    Ok(ExitCode::from(2))
}
