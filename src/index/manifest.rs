//! The manifest: what was indexed from which file (size, mtime, blake3), kept beside the index
//! and tied to a tantivy commit by a generation number stored in the commit payload.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;
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

/// One file's entry. Held for every file of the corpus during a run, so it is compact: the
/// hash and the document id are bytes, the format and language short inline strings (about
/// 230 bytes per file less than as `String`s); the JSON spells them as before.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileEntry {
    pub size: u64,
    pub mtime_ns: i128,
    pub hash: FileHash,
    pub doc_id: DocId,
    pub status: FileStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<Tag>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<Tag>,
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

/// Lower-case hex of `bytes`.
fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// Bytes of a hex string of exactly `N` bytes.
fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    if s.len() != 2 * N {
        return None;
    }
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// Serde as a string, for types that print themselves and parse back.
macro_rules! string_serde {
    ($t:ty, $parse:expr, $what:literal) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                let parse: fn(&str) -> Option<$t> = $parse;
                parse(&s).ok_or_else(|| serde::de::Error::custom(concat!("not ", $what)))
            }
        }
    };
}

/// A file's blake3 hash (hex in the manifest and the index).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileHash(pub [u8; 32]);

impl FileHash {
    /// No hash: the file was not read (too large, unreadable). Written as `""`.
    pub const NONE: FileHash = FileHash([0; 32]);

    pub fn of(bytes: &[u8]) -> FileHash {
        FileHash(*blake3::hash(bytes).as_bytes())
    }
}

impl fmt::Display for FileHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if *self == FileHash::NONE {
            return Ok(());
        }
        f.write_str(&hex(&self.0))
    }
}

impl fmt::Debug for FileHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "FileHash({self})")
    }
}

string_serde!(
    FileHash,
    |s| if s.is_empty() {
        Some(FileHash::NONE)
    } else {
        unhex::<32>(s).map(FileHash)
    },
    "a blake3 hash"
);

/// A document's id: the first 8 bytes of its path's blake3, written as 16 hex digits (see
/// [`super::doc_id_for`]).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct DocId(pub [u8; 8]);

impl DocId {
    /// The id whose `doc_key` (little-endian first 8 bytes) is `key`.
    pub fn from_key(key: u64) -> DocId {
        DocId(key.to_le_bytes())
    }
}

impl fmt::Display for DocId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex(&self.0))
    }
}

impl fmt::Debug for DocId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DocId({self})")
    }
}

string_serde!(DocId, |s| unhex::<8>(s).map(DocId), "a document id");

/// A short string kept inline (a format or language name: `pdf`, `zh`); longer values are
/// cut at a character boundary.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Tag {
    len: u8,
    bytes: [u8; Tag::MAX],
}

impl Tag {
    const MAX: usize = 15;

    pub fn new(s: &str) -> Tag {
        let mut end = s.len().min(Tag::MAX);
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        let mut bytes = [0u8; Tag::MAX];
        bytes[..end].copy_from_slice(&s.as_bytes()[..end]);
        Tag {
            len: end as u8,
            bytes,
        }
    }

    pub fn as_str(&self) -> &str {
        // Built from the prefix of a `str` cut at a character boundary.
        std::str::from_utf8(&self.bytes[..usize::from(self.len)]).unwrap_or_default()
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.as_str())
    }
}

string_serde!(Tag, |s| Some(Tag::new(s)), "a string");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_fields_read_and_write_the_json_they_replace() {
        let hash = FileHash::of(b"abc");
        let (id, _) = crate::index::doc_id_for("zh/a.pdf");
        let json = format!(
            r#"{{"size":3,"mtime_ns":7,"hash":"{}","doc_id":"{id}","status":"indexed","format":"pdf","lang":"zh","passages":2}}"#,
            blake3::hash(b"abc").to_hex()
        );
        let e: FileEntry = serde_json::from_str(&json).expect("old manifest entry");
        assert_eq!(e.hash, hash);
        assert_eq!(e.doc_id.to_string(), id);
        assert_eq!(e.format.map(|t| t.to_string()).as_deref(), Some("pdf"));
        assert_eq!(serde_json::to_string(&e).expect("json"), json);
        assert!(serde_json::from_str::<FileEntry>(&json.replace(&id, "xyz")).is_err());
        assert_eq!(Tag::new("αβγδεζηθ").as_str(), "αβγδεζη");
        let (_, key) = crate::index::doc_id_for("zh/a.pdf");
        assert_eq!(DocId::from_key(key), e.doc_id);
        let unread = json.replace(&hash.to_string(), "");
        let e: FileEntry = serde_json::from_str(&unread).expect("entry of an unread file");
        assert_eq!(e.hash, FileHash::NONE);
        assert_eq!(serde_json::to_string(&e).expect("json"), unread);
        assert!(
            std::mem::size_of::<FileEntry>() <= 144,
            "{}",
            std::mem::size_of::<FileEntry>()
        );
    }
}
