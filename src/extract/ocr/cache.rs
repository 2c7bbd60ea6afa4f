//! OCR results kept by file content: `<cache>/<blake3 of the file>-<settings>.json` holds the
//! text of each page read. A rebuilt index, a changed taxonomy or a renamed file does not read
//! the page again; other languages, resolution or Tesseract version make a different key.

use super::OcrTools;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

#[derive(Debug, Default, Serialize, Deserialize)]
pub(super) struct Entry {
    /// Page number (from 1) → recognised text (after clean-up; empty when nothing was found).
    pub pages: BTreeMap<u32, String>,
    /// An image: every page is in `pages`.
    #[serde(default)]
    pub complete: bool,
}

pub(super) struct Cache {
    path: Option<PathBuf>,
}

impl Cache {
    /// The cache entry of a file with content hash `hash` (hex) under `tools`' settings.
    pub fn new(tools: &OcrTools, hash: &str) -> Cache {
        let settings = format!(
            "{}|{}|{}|v1",
            tools.tesseract_version, tools.langs, tools.dpi
        );
        let key = &blake3::hash(settings.as_bytes()).to_hex()[..12];
        Cache {
            path: tools
                .cache_dir
                .as_ref()
                .map(|dir| dir.join(format!("{hash}-{key}.json"))),
        }
    }

    /// What was read before (an unreadable entry counts as none).
    pub fn load(&self) -> Entry {
        self.path
            .as_ref()
            .and_then(|p| std::fs::read(p).ok())
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default()
    }

    /// Keep `entry` (written to a temporary file and renamed, so a reader never sees half).
    /// Failing to write only costs a later re-read, so errors are ignored.
    pub fn store(&self, entry: &Entry) {
        let Some(path) = &self.path else {
            return;
        };
        let Some(dir) = path.parent() else {
            return;
        };
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
        let Ok(data) = serde_json::to_vec(entry) else {
            return;
        };
        let tmp = dir.join(format!(
            ".{}.{}.tmp",
            path.file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            std::process::id()
        ));
        if std::fs::write(&tmp, data).is_ok() && std::fs::rename(&tmp, path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
}

/// Remove entries of files whose hash is not in `keep` (files gone from the corpus or
/// changed). Returns how many were removed.
pub fn prune(dir: &Path, keep: &HashSet<String>) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let hash = name.split('-').next().unwrap_or("");
        let stale = name.starts_with('.') || !keep.contains(hash);
        if stale && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}
