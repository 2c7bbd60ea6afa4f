//! `provisio index`: a thin adapter over [`provisio::run_index`].

use super::IndexDir;
use is_terminal::IsTerminal;
use provisio::IndexOptions;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct IndexArgs {
    /// Folder of documents to index.
    #[arg(long, env = "PROVISIO_CORPUS", default_value = "corpus")]
    pub corpus: PathBuf,
    #[command(flatten)]
    pub index: IndexDir,
    /// Rebuild from scratch instead of updating.
    #[arg(long)]
    pub full: bool,
    /// Extraction threads, and as many indexing threads up to 4 (default: number of cores).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Re-tag every passage with the taxonomy (happens by itself when the taxonomy changed).
    #[arg(long)]
    pub retag: bool,
    #[command(flatten)]
    pub provisions: super::ProvisionsArg,
    #[command(flatten)]
    pub extraction: super::ExtractArgs,
    /// Follow symbolic links that stay inside the corpus (links out of it are never followed).
    #[arg(long)]
    pub follow_links: bool,
    /// Commit after this many files (default 2000; also every 60 s).
    #[arg(long, hide = true)]
    pub checkpoint_files: Option<usize>,
    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: IndexArgs) -> anyhow::Result<ExitCode> {
    let mut opts = IndexOptions::new(&a.corpus, &a.index.index);
    opts.full = a.full;
    opts.retag = a.retag;
    opts.follow_links = a.follow_links;
    if let Some(n) = a.checkpoint_files {
        opts.checkpoint_files = n.max(1);
    }
    if let Err(e) = a.extraction.apply(&mut opts) {
        return super::fail(e);
    }
    opts.taxonomy = match a.provisions.load() {
        Ok(t) => t,
        Err(e) => return super::fail(e),
    };
    if let Some(j) = a.jobs {
        if j == 0 {
            return super::fail(provisio::Error::Usage("--jobs must be at least 1".into()));
        }
        opts.jobs = j;
    }
    opts.progress = !a.json && std::io::stderr().is_terminal();
    let summary = match provisio::run_index(&opts) {
        Ok(s) => s,
        Err(e) => return super::fail(e),
    };
    if a.json {
        out!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        for f in &summary.failed {
            eprintln!("failed: {}: {}", f.path, f.reason);
        }
        out!(
            "indexed {} documents, {} passages: {} added, {} updated, {} removed, {} unchanged, {} re-tagged, {} unsupported, {} failed in {:.2} s",
            summary.documents,
            summary.passages,
            summary.added,
            summary.updated,
            summary.removed,
            summary.unchanged,
            summary.retagged,
            summary.unsupported,
            summary.failed.len(),
            summary.seconds
        );
        if summary.ocr_pages > 0 {
            out!(
                "OCR read {} pages ({} from the cache)",
                summary.ocr_pages,
                summary.ocr_cached
            );
        }
        if summary.ocr_pending > 0 {
            eprintln!(
                "{} files have scanned pages that were not read: {}",
                summary.ocr_pending,
                summary
                    .ocr_unavailable
                    .as_deref()
                    .unwrap_or("OCR not available")
            );
        }
    }
    Ok(if summary.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
