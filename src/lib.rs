//! provisio: find *provisions* in Chinese and English policy documents.
//!
//! The pipeline runs one way: [`crawl`] a corpus folder → [`extract::sniff`] the format →
//! [`extract::extract`] pages of text → [`segment`] pages into passages (articles, items,
//! paragraphs with their page and label) → [`index`] one tantivy document per passage with a
//! CJK-aware analyzer ([`analysis`]) → [`search`] with provisio's [`query`] language, results
//! grouped by document with cited, highlighted passages.

pub mod analysis;
pub mod crawl;
pub(crate) mod docjoin;
pub mod docview;
pub mod enrich;
pub mod error;
pub mod export;
pub mod extract;
pub mod facets;
pub mod index;
pub mod matrix;
pub(crate) mod prefix;
pub mod query;
pub mod search;
pub mod segment;
pub mod server;
pub mod stats;
pub(crate) mod tables;

pub use error::{Error, Result};
pub use index::{run_index, IndexOptions, IndexSummary};
pub use search::{search, SearchRequest, SearchResponse};
