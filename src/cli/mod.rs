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

mod export;
mod index;
mod matrix;
mod search;
mod serve;
mod stats;

use clap::{Parser, Subcommand};
use provisio::enrich::provisions::Taxonomy;
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
    /// Count documents per region (or issuer, year, type) × provision.
    Matrix(matrix::MatrixArgs),
    /// Write every matching passage with its citation as CSV or JSON Lines.
    Export(export::ExportArgs),
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Index(a) => index::run(a),
        Command::Search(a) => search::run(a),
        Command::Stats(a) => stats::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Matrix(a) => matrix::run(a),
        Command::Export(a) => export::run(a),
    }
}

/// The taxonomy option of `index` and `serve`.
#[derive(clap::Args, Debug, Clone)]
pub struct ProvisionsArg {
    /// Provision taxonomy (TOML, see provisions.toml); default: the built-in one. Changing it
    /// re-tags every passage without re-reading files.
    #[arg(long, env = "PROVISIO_PROVISIONS")]
    pub provisions: Option<PathBuf>,
}

impl ProvisionsArg {
    /// Load the taxonomy the user chose.
    pub fn load(&self) -> provisio::Result<std::sync::Arc<Taxonomy>> {
        let Some(path) = &self.provisions else {
            return Ok(Taxonomy::builtin_shared());
        };
        let src = std::fs::read_to_string(path).map_err(|e| provisio::Error::io(path, e))?;
        Taxonomy::from_toml_str(&src)
            .map(std::sync::Arc::new)
            .map_err(|e| provisio::Error::Usage(format!("{}: {e}", path.display())))
    }
}

/// The taxonomy an existing index was tagged with.
pub fn index_taxonomy(index: &IndexDir) -> std::sync::Arc<Taxonomy> {
    provisio::index::load_taxonomy(&index.index)
}

/// Map a library error: user errors and fatal errors both exit 2, with the message.
pub fn fail(err: provisio::Error) -> anyhow::Result<ExitCode> {
    eprintln!("provisio: {err}");
    Ok(ExitCode::from(2))
}
