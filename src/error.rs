//! The library error type: user errors (bad query, locked index, missing index) versus
//! internal faults, each with the path it concerns.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("index error: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("index is locked by another provisio (pid {pid}); wait for it to finish")]
    Locked { pid: String },
    #[error("invalid query: {0}")]
    Query(String),
    #[error("no index at {0}: run `provisio index` first")]
    NoIndex(PathBuf),
    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// Attach a path to an I/O error.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// True when the user can fix it (bad input), false for internal faults.
    pub fn is_user_error(&self) -> bool {
        matches!(
            self,
            Error::Query(_) | Error::Locked { .. } | Error::NoIndex(_) | Error::Usage(_)
        )
    }
}
