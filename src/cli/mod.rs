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

mod doctor;
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
    /// Check the optional tools (OCR: tesseract and its languages, pdftoppm).
    Doctor(doctor::DoctorArgs),
    /// Internal: an extraction worker reading requests on stdin (started by `index`).
    #[command(name = "__extract-worker", hide = true)]
    ExtractWorker(WorkerArgs),
}

#[derive(clap::Args, Debug)]
pub struct WorkerArgs {
    /// Address-space limit in bytes.
    #[arg(long)]
    pub memory_limit: u64,
    /// OCR programs and settings (JSON).
    #[arg(long)]
    pub ocr: Option<String>,
}

/// How files are extracted (`index` and `serve`).
#[derive(clap::Args, Debug, Clone)]
pub struct ExtractArgs {
    /// Longest one file's extraction may take, in seconds.
    #[arg(long, env = "PROVISIO_EXTRACT_TIMEOUT", default_value_t = 60)]
    pub extract_timeout: u64,
    /// Memory limit of a PDF extraction worker process, in MiB.
    #[arg(long, env = "PROVISIO_EXTRACT_MEMORY", default_value_t = 1024)]
    pub extract_memory: u64,
    /// Extract PDFs in this process instead of in worker processes (no memory limit; a
    /// file that loops keeps a core busy until the run ends).
    #[arg(long)]
    pub no_isolation: bool,
    #[command(flatten)]
    pub ocr: OcrArgs,
}

/// OCR of scanned pages and images (`index`, `serve`, `doctor`).
#[derive(clap::Args, Debug, Clone)]
pub struct OcrArgs {
    /// Tesseract languages to read scans in, joined by '+'.
    #[arg(long, env = "PROVISIO_OCR_LANG", default_value = provisio::extract::ocr::DEFAULT_LANGS)]
    pub ocr_lang: String,
    /// The tesseract program (default: found on PATH).
    #[arg(long, env = "PROVISIO_TESSERACT")]
    pub tesseract: Option<PathBuf>,
    /// The pdftoppm program (poppler-utils) that renders scanned PDF pages (default: on PATH).
    #[arg(long, env = "PROVISIO_PDFTOPPM")]
    pub pdftoppm: Option<PathBuf>,
    /// Do not OCR (scanned pages are reported as needing it).
    #[arg(long)]
    pub no_ocr: bool,
}

impl OcrArgs {
    /// What was asked for.
    pub fn request(&self) -> provisio::extract::ocr::OcrRequest {
        provisio::extract::ocr::OcrRequest {
            enabled: !self.no_ocr,
            langs: self.ocr_lang.clone(),
            tesseract: self.tesseract.clone(),
            pdftoppm: self.pdftoppm.clone(),
        }
    }

    /// Find the OCR programs.
    pub fn discover(&self) -> provisio::extract::ocr::Ocr {
        provisio::extract::ocr::Ocr::discover(&self.request())
    }
}

impl ExtractArgs {
    /// Apply to indexing options.
    pub fn apply(&self, opts: &mut provisio::IndexOptions) -> provisio::Result<()> {
        if self.extract_timeout == 0 || self.extract_memory < 64 {
            return Err(provisio::Error::Usage(
                "--extract-timeout must be at least 1 s and --extract-memory at least 64 MiB"
                    .into(),
            ));
        }
        opts.extract_timeout = std::time::Duration::from_secs(self.extract_timeout);
        // The programs are looked for when a run has files to read (see `Ocr::Wanted`).
        let request = self.ocr.request();
        request.validate().map_err(provisio::Error::Usage)?;
        opts.ocr = if request.enabled {
            provisio::extract::ocr::Ocr::Wanted(request)
        } else {
            provisio::extract::ocr::Ocr::Off
        };
        if !self.no_isolation {
            let exe = std::env::current_exe().map_err(|e| provisio::Error::io("provisio", e))?;
            opts.isolation = Some(provisio::extract::isolate::WorkerConfig {
                exe,
                memory_limit: self.extract_memory.saturating_mul(1024 * 1024),
                ocr: opts.ocr.clone(),
            });
        }
        Ok(())
    }
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Index(a) => index::run(a),
        Command::Search(a) => search::run(a),
        Command::Stats(a) => stats::run(a),
        Command::Serve(a) => serve::run(a),
        Command::Matrix(a) => matrix::run(a),
        Command::Export(a) => export::run(a),
        Command::Doctor(a) => doctor::run(a),
        Command::ExtractWorker(a) => {
            let ocr = match a.ocr.as_deref().map(serde_json::from_str) {
                Some(Ok(ocr)) => ocr,
                Some(Err(e)) => anyhow::bail!("bad --ocr: {e}"),
                None => provisio::extract::ocr::Ocr::default(),
            };
            provisio::extract::isolate::worker_main(a.memory_limit, &ocr)?;
            Ok(ExitCode::SUCCESS)
        }
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
