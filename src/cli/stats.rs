//! `provisio stats`: a thin adapter over [`provisio::stats::stats`].

use super::IndexDir;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct StatsArgs {
    #[command(flatten)]
    pub index: IndexDir,
    /// Print as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(a: StatsArgs) -> anyhow::Result<ExitCode> {
    let s = match provisio::stats::stats(&a.index.index) {
        Ok(s) => s,
        Err(e) => return super::fail(e),
    };
    if a.json {
        out!("{}", serde_json::to_string_pretty(&s)?);
        return Ok(ExitCode::SUCCESS);
    }
    out!("documents  {}", s.documents);
    out!("passages   {}", s.passages);
    out!("index size {:.1} MiB", s.index_bytes as f64 / 1048576.0);
    out!(
        "last run   {}",
        s.last_indexed.as_deref().unwrap_or("never")
    );
    out!("by format:");
    for (k, c) in &s.by_format {
        out!(
            "  {k:<8} {:>6} documents {:>8} passages",
            c.documents,
            c.passages
        );
    }
    out!("by language:");
    for (k, c) in &s.by_language {
        out!(
            "  {k:<8} {:>6} documents {:>8} passages",
            c.documents,
            c.passages
        );
    }
    if !s.by_provision.is_empty() {
        out!("documents by provision:");
        for c in &s.by_provision {
            out!("  {:<24} {:>6}", c.value, c.documents);
        }
    }
    out!("unsupported files: {}", s.unsupported);
    out!("failed files: {}", s.failed.len());
    for f in &s.failed {
        out!("  {}: {}", f.path, f.reason);
    }
    Ok(ExitCode::SUCCESS)
}
