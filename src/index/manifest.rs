//! The manifest: what was indexed from which file (size, mtime, blake3), kept beside the index
//! and tied to a tantivy commit by a generation number stored in the commit payload.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

pub const MANIFEST_FILE: &str = "provisio-manifest.json";

/// What became of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileStatus {
    Indexed,
    Unsupported,
    Failed,
}

/// One file's entry.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileEntry {
    pub size: u64,
    pub mtime_ns: i128,
    pub hash: String,
    pub doc_id: String,
    pub status: FileStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    #[serde(default)]
    pub passages: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Scanned pages were not read because OCR was not available: read the file again once
    /// it is.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub ocr_pending: bool,
}

/// The whole manifest.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Manifest {
    pub schema_version: u32,
    /// Equal to the payload of the tantivy commit it describes.
    pub generation: u64,
    /// RFC 3339 time of the last completed run.
    #[serde(default)]
    pub last_indexed: Option<String>,
    /// blake3 of the provision taxonomy the passages are tagged with.
    #[serde(default)]
    pub taxonomy_hash: Option<String>,
    /// Keyed by corpus-relative path.
    pub files: BTreeMap<String, FileEntry>,
}

impl Manifest {
    pub fn path(index_dir: &Path) -> PathBuf {
        index_dir.join(MANIFEST_FILE)
    }

    /// Load the manifest; a missing or unreadable one is `None` (the index is then rebuilt).
    pub fn load(index_dir: &Path) -> Option<Manifest> {
        let bytes = std::fs::read(Self::path(index_dir)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Write atomically: temp file, fsync, rename.
    pub fn save(&self, index_dir: &Path) -> std::io::Result<()> {
        let final_path = Self::path(index_dir);
        let tmp = index_dir.join(format!("{MANIFEST_FILE}.tmp"));
        {
            // Streamed: a 200,000-file manifest is ~50 MB of JSON, not worth holding twice.
            let mut f = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
            serde_json::to_writer(&mut f, self).map_err(std::io::Error::other)?;
            f.flush()?;
            f.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        }
        std::fs::rename(&tmp, &final_path)?;
        Ok(())
    }

    pub fn failures(&self) -> impl Iterator<Item = (&String, &FileEntry)> {
        self.files
            .iter()
            .filter(|(_, e)| e.status == FileStatus::Failed)
    }
}
