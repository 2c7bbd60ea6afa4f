//! The index on disk: opening or creating it, the writer lock, and readers.

pub mod manifest;
mod merges;
mod process;
pub mod schema;
pub mod writer;

use crate::error::{Error, Result};
use fs2::FileExt;
use schema::{build_schema, register_tokenizers, Fields};
use std::io::{Read, Seek, Write};
use std::path::Path;
use tantivy::Index;

pub use manifest::{DocId, FileEntry, FileHash, FileStatus, Manifest, Tag};
pub use writer::{doc_id_for, run_index, Failure, IndexOptions, IndexSummary};

/// The taxonomy an index was tagged with, kept beside it so readers expand and label with the
/// same provisions.
pub const TAXONOMY_FILE: &str = "provisio-provisions.toml";

const LOCK_FILE: &str = "provisio.lock";

/// Files a provisio index directory may hold besides tantivy's own.
fn is_ours(name: &str) -> bool {
    name == LOCK_FILE
        || name.starts_with(manifest::MANIFEST_FILE)
        || name.starts_with(TAXONOMY_FILE)
        || name == crate::extract::ocr::CACHE_DIR
        || name == ".gitkeep"
        || name == "meta.json"
        || name == ".managed.json"
        || name.starts_with(".tantivy")
        || [
            ".idx",
            ".pos",
            ".term",
            ".store",
            ".fast",
            ".fieldnorm",
            ".del",
            ".lock",
        ]
        .iter()
        .any(|ext| name.ends_with(ext))
}

/// Exclusive writer lock on an index folder, held until dropped (the OS releases it if the
/// process dies, so a crash never leaves a stale lock).
pub struct IndexLock {
    _file: std::fs::File,
}

/// Take the writer lock or fail fast naming the holder.
pub fn lock(index_dir: &Path) -> Result<IndexLock> {
    let path = index_dir.join(LOCK_FILE);
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| Error::io(&path, e))?;
    if file.try_lock_exclusive().is_err() {
        let mut pid = String::new();
        let _ = file.read_to_string(&mut pid);
        let pid = pid.trim();
        return Err(Error::Locked {
            pid: if pid.is_empty() {
                "unknown".into()
            } else {
                pid.into()
            },
        });
    }
    let _ = file.set_len(0);
    let _ = file.rewind();
    let _ = write!(file, "{}", std::process::id());
    let _ = file.flush();
    Ok(IndexLock { _file: file })
}

/// Open the index for writing, creating it when absent and recreating it when its schema is
/// from another provisio version. Returns whether it was (re)created.
pub fn open_or_create(index_dir: &Path) -> Result<(Index, Fields, bool)> {
    std::fs::create_dir_all(index_dir).map_err(|e| Error::io(index_dir, e))?;
    let (schema, fields) = build_schema();
    let meta = index_dir.join("meta.json");
    if meta.exists() {
        let compatible =
            Manifest::load(index_dir).is_some_and(|m| m.schema_version == schema::SCHEMA_VERSION);
        if compatible {
            if let Ok(index) = Index::open_in_dir(index_dir) {
                if index.schema() == schema {
                    register_tokenizers(&index);
                    return Ok((index, fields, false));
                }
            }
        }
        clear_index_dir(index_dir)?;
    } else {
        let foreign: Vec<String> = std::fs::read_dir(index_dir)
            .map_err(|e| Error::io(index_dir, e))?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !is_ours(n))
            .collect();
        if !foreign.is_empty() {
            return Err(Error::Usage(format!(
                "{} is not empty and is not a provisio index (found {}); choose another --index",
                index_dir.display(),
                foreign[0]
            )));
        }
    }
    let index = Index::create_in_dir(index_dir, schema)?;
    register_tokenizers(&index);
    Ok((index, fields, true))
}

/// Remove the files of an incompatible index (only files provisio or tantivy made).
fn clear_index_dir(index_dir: &Path) -> Result<()> {
    for entry in std::fs::read_dir(index_dir).map_err(|e| Error::io(index_dir, e))? {
        let entry = entry.map_err(|e| Error::io(index_dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if is_ours(&name) && name != LOCK_FILE && name != ".gitkeep" && entry.path().is_file() {
            std::fs::remove_file(entry.path()).map_err(|e| Error::io(entry.path(), e))?;
        }
    }
    Ok(())
}

/// Open an existing index for reading.
pub fn open_read(index_dir: &Path) -> Result<(Index, Fields)> {
    if !index_dir.join("meta.json").exists() {
        return Err(Error::NoIndex(index_dir.to_path_buf()));
    }
    let index = Index::open_in_dir(index_dir)?;
    register_tokenizers(&index);
    let (schema, fields) = build_schema();
    if index.schema() != schema {
        return Err(Error::Usage(format!(
            "the index at {} was built by another provisio version: run `provisio index --full`",
            index_dir.display()
        )));
    }
    Ok((index, fields))
}

/// Total size in bytes of the files in the index folder.
pub fn disk_size(index_dir: &Path) -> u64 {
    std::fs::read_dir(index_dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// The taxonomy an index was built with (the builtin one when the index has none or it no
/// longer parses).
pub fn load_taxonomy(index_dir: &Path) -> std::sync::Arc<crate::enrich::provisions::Taxonomy> {
    use crate::enrich::provisions::Taxonomy;
    let Ok(src) = std::fs::read_to_string(index_dir.join(TAXONOMY_FILE)) else {
        return Taxonomy::builtin_shared();
    };
    let builtin = Taxonomy::builtin_shared();
    if builtin.source() == src {
        return builtin;
    }
    match Taxonomy::from_toml_str(&src) {
        Ok(t) => std::sync::Arc::new(t),
        Err(e) => {
            tracing::warn!(
                "the taxonomy saved in {} no longer parses ({e}); using the built-in one",
                index_dir.display()
            );
            builtin
        }
    }
}
