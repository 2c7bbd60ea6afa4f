//! Index statistics: documents and passages by format and language, failures, size, freshness.

use crate::error::Result;
use crate::index::{self, FileStatus, Manifest};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// Counts for one format or language.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Count {
    pub documents: u64,
    pub passages: u64,
}

/// What `provisio stats` reports.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Stats {
    pub documents: u64,
    pub passages: u64,
    pub by_format: BTreeMap<String, Count>,
    pub by_language: BTreeMap<String, Count>,
    pub unsupported: u64,
    pub failed: Vec<index::Failure>,
    pub index_bytes: u64,
    pub last_indexed: Option<String>,
    /// Documents with at least one passage tagged with each provision, most first.
    pub by_provision: Vec<crate::facets::FacetCount>,
}

/// Read statistics of the index in `index_dir`.
pub fn stats(index_dir: &Path) -> Result<Stats> {
    let (idx, fields) = index::open_read(index_dir)?;
    let manifest = Manifest::load(index_dir).unwrap_or_default();
    let mut s = Stats {
        index_bytes: index::disk_size(index_dir),
        last_indexed: manifest.last_indexed.clone(),
        ..Stats::default()
    };
    for (path, e) in &manifest.files {
        match e.status {
            FileStatus::Indexed => {
                s.documents += 1;
                for (map, key) in [(&mut s.by_format, &e.format), (&mut s.by_language, &e.lang)] {
                    let key = key.map(|t| t.to_string()).unwrap_or_default();
                    let c = map.entry(key).or_default();
                    c.documents += 1;
                    c.passages += e.passages;
                }
            }
            FileStatus::Unsupported => s.unsupported += 1,
            FileStatus::Failed => s.failed.push(index::Failure {
                path: path.clone(),
                reason: e.reason.clone().unwrap_or_default(),
            }),
        }
    }
    // Count passages from the index itself (the manifest could only repeat itself).
    let searcher = idx.reader()?.searcher();
    s.passages = searcher.num_docs();
    s.by_provision =
        crate::facets::facet_counts(&searcher, &fields, &crate::query::parse("*")?)?.provision;
    Ok(s)
}
