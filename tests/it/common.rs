//! Shared helpers: temp corpora, indexing through the library, searching.

use provisio::index::{open_read, schema::Fields};
use provisio::{IndexOptions, IndexSummary, SearchRequest, SearchResponse};
use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared/testdata/<sub>` when present; otherwise prints why the test is skipped.
pub fn shared_testdata(sub: &str) -> Option<PathBuf> {
    let p = repo().join("../shared/testdata").join(sub);
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("SKIP: {} is absent", p.display());
        None
    }
}

/// A temp workspace with a `corpus/` and an `index/` folder.
pub struct Workspace {
    pub dir: TempDir,
}

impl Workspace {
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir_all(dir.path().join("corpus")).expect("corpus dir");
        Workspace { dir }
    }

    pub fn corpus(&self) -> PathBuf {
        self.dir.path().join("corpus")
    }

    pub fn index_dir(&self) -> PathBuf {
        self.dir.path().join("index")
    }

    /// Write a file under the corpus.
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.corpus().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(&p, bytes).expect("write");
        p
    }

    /// Copy a file from the repository's `corpus/` (or any absolute path) into this corpus.
    pub fn copy_in(&self, from: &Path, rel: &str) {
        let bytes = std::fs::read(from).unwrap_or_else(|e| panic!("{}: {e}", from.display()));
        self.write(rel, bytes);
    }

    pub fn index(&self) -> IndexSummary {
        let opts = IndexOptions::new(self.corpus(), self.index_dir());
        provisio::run_index(&opts).expect("index run")
    }

    pub fn search(&self, q: &str) -> SearchResponse {
        search_in(&self.index_dir(), q, 100)
    }

    /// Paths of the documents `q` finds, sorted.
    pub fn found(&self, q: &str) -> Vec<String> {
        let mut p = paths(&self.search(q));
        p.sort();
        p
    }
}

pub fn search_in(index_dir: &Path, q: &str, passages_per_doc: usize) -> SearchResponse {
    let (idx, fields): (_, Fields) = open_read(index_dir).expect("open index");
    let searcher = idx.reader().expect("reader").searcher();
    let mut req = SearchRequest::new(q);
    req.limit = 100;
    req.passages_per_doc = passages_per_doc;
    provisio::search(&searcher, &fields, &req).unwrap_or_else(|e| panic!("query {q:?}: {e}"))
}

/// Paths of the documents a response returned.
pub fn paths(r: &SearchResponse) -> Vec<String> {
    r.documents.iter().map(|d| d.path.clone()).collect()
}
