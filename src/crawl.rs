//! Corpus crawl (walkdir): regular files under the root with size and mtime, hidden entries,
//! the index folder and `.provisioignore` patterns skipped, symlinks leaving the corpus never
//! followed, loops reported.

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;
use walkdir::WalkDir;

/// A file found in the corpus.
#[derive(Debug, Clone)]
pub struct Candidate {
    /// Path relative to the corpus root, `/`-separated (lossy for non-UTF-8 names).
    pub rel_path: String,
    /// Absolute path used to read the file.
    pub abs_path: PathBuf,
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub mtime_ns: i128,
}

/// An entry that could not be crawled (permission denied, symlink loop …).
#[derive(Debug, Clone)]
pub struct CrawlProblem {
    pub rel_path: String,
    pub reason: String,
}

/// File at the corpus root listing paths not to index, one glob pattern a line (`#` comments).
/// A pattern without `/` matches a name at any depth (`README.md`, `*.tmp`, `drafts`); one with
/// `/` matches the path from the corpus root (`/notes/*.md`, `archive/2019`).
pub const IGNORE_FILE: &str = ".provisioignore";

fn load_ignore(root: &Path) -> std::io::Result<GlobSet> {
    let mut b = GlobSetBuilder::new();
    let text = match std::fs::read_to_string(root.join(IGNORE_FILE)) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e),
    };
    for line in text.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.trim_end_matches('/');
        let pattern = match line.strip_prefix('/') {
            Some(anchored) => anchored.to_string(),
            None if line.contains('/') => line.to_string(),
            None => format!("**/{line}"),
        };
        let glob = GlobBuilder::new(&pattern)
            .literal_separator(true)
            .build()
            .map_err(|e| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("{IGNORE_FILE}: bad pattern {line:?}: {e}"),
                )
            })?;
        b.add(glob);
    }
    b.build().map_err(std::io::Error::other)
}

/// Walk `root`, skipping `skip` (the index folder), hidden entries and ignored paths.
/// Symbolic links are skipped unless `follow_links`, and even then only followed when their
/// target stays inside `root`.
pub fn crawl(
    root: &Path,
    skip: Option<&Path>,
    follow_links: bool,
) -> std::io::Result<(Vec<Candidate>, Vec<CrawlProblem>)> {
    let root = root.canonicalize()?;
    let skip = skip.and_then(|s| s.canonicalize().ok());
    let ignore = load_ignore(&root)?;
    let mut files = Vec::new();
    let mut problems = Vec::new();
    let rel = |p: &Path| -> String {
        p.strip_prefix(&root)
            .unwrap_or(p)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/")
    };
    let saw_link = std::cell::Cell::new(false);
    let walker = WalkDir::new(&root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            if e.depth() == 0 {
                return true;
            }
            if e.file_name().to_string_lossy().starts_with('.') {
                return false;
            }
            if !ignore.is_empty()
                && ignore.is_match(e.path().strip_prefix(&root).unwrap_or(e.path()))
            {
                return false;
            }
            if e.path_is_symlink() {
                if !follow_links {
                    return false;
                }
                saw_link.set(true);
                // Follow a link only when its target stays inside the corpus.
                match e.path().canonicalize() {
                    Ok(target) if target.starts_with(&root) => {}
                    _ => return false,
                }
            }
            if let (Some(skip), true) = (&skip, e.file_type().is_dir()) {
                if e.path().canonicalize().is_ok_and(|p| &p == skip) {
                    return false;
                }
            }
            true
        });
    for entry in walker {
        match entry {
            Ok(e) => {
                if !e.file_type().is_file() {
                    continue;
                }
                let meta = match e.metadata() {
                    Ok(m) => m,
                    Err(err) => {
                        problems.push(CrawlProblem {
                            rel_path: rel(e.path()),
                            reason: format!("cannot stat: {err}"),
                        });
                        continue;
                    }
                };
                let mtime_ns = meta
                    .modified()
                    .ok()
                    .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_nanos() as i128);
                files.push(Candidate {
                    rel_path: rel(e.path()),
                    abs_path: e.path().to_path_buf(),
                    size: meta.len(),
                    mtime_ns,
                });
            }
            Err(err) => {
                let path = err.path().map(rel).unwrap_or_default();
                let reason = if err.loop_ancestor().is_some() {
                    "symlink loop".to_string()
                } else {
                    err.io_error()
                        .map_or_else(|| err.to_string(), |io| io.to_string())
                };
                problems.push(CrawlProblem {
                    rel_path: path,
                    reason,
                });
            }
        }
    }
    // Two links may reach the same file: keep the first path only. (Without links every path
    // is distinct, and an unchanged corpus costs one `stat` per file.)
    if saw_link.get() {
        let mut seen = std::collections::HashSet::new();
        files.retain(|c| {
            seen.insert(
                c.abs_path
                    .canonicalize()
                    .unwrap_or_else(|_| c.abs_path.clone()),
            )
        });
    }
    Ok((files, problems))
}
