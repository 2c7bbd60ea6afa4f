//! `provisio export`: every passage matching a query, with its citation, as CSV or JSON Lines,
//! streamed to a file or stdout.

use super::IndexDir;
use provisio::export::{export, ExportFormat};
use provisio::index;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct ExportArgs {
    #[command(flatten)]
    pub index: IndexDir,
    /// csv (UTF-8 with BOM, for spreadsheets) or jsonl.
    #[arg(long, default_value = "csv")]
    pub format: String,
    /// Write here instead of stdout (written to a temporary file, renamed when complete).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Do not expand English provision words to Chinese terms.
    #[arg(long)]
    pub no_expand: bool,
    /// The query (`*` for every passage).
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
}

pub fn run(a: ExportArgs) -> anyhow::Result<ExitCode> {
    let Some(format) = ExportFormat::from_name(&a.format) else {
        return super::fail(provisio::Error::Usage(format!(
            "--format must be csv or jsonl (not '{}')",
            a.format
        )));
    };
    let (idx, fields) = match index::open_read(&a.index.index) {
        Ok(x) => x,
        Err(e) => return super::fail(e),
    };
    let searcher = idx.reader()?.searcher();
    let taxonomy = super::index_taxonomy(&a.index);
    let query = a.query.join(" ");
    let write = |w: &mut dyn Write| {
        export(
            &searcher,
            &fields,
            &query,
            format,
            &taxonomy,
            !a.no_expand,
            w,
        )
    };
    let result = match &a.out {
        Some(path) => {
            let tmp = path.with_extension(format!("{}.partial", format.extension()));
            let file = match std::fs::File::create(&tmp) {
                Ok(f) => f,
                Err(e) => return super::fail(provisio::Error::io(&tmp, e)),
            };
            let mut w = std::io::BufWriter::new(file);
            let r = write(&mut w).and_then(|n| {
                w.flush().map_err(|e| provisio::Error::io(&tmp, e))?;
                std::fs::rename(&tmp, path).map_err(|e| provisio::Error::io(path, e))?;
                Ok(n)
            });
            if r.is_err() {
                let _ = std::fs::remove_file(&tmp);
            }
            r
        }
        None => {
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::new(stdout.lock());
            write(&mut w)
        }
    };
    match result {
        Ok(n) => {
            if let Some(path) = &a.out {
                eprintln!("wrote {n} passages to {}", path.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        // A closed stdout (`| head`) is not an error.
        Err(provisio::Error::Io { source, .. })
            if source.kind() == std::io::ErrorKind::BrokenPipe =>
        {
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => super::fail(e),
    }
}
