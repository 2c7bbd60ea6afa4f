//! The tantivy schema: one document per passage, carrying its parent document's fields.

use crate::analysis::{ProvisioTokenizer, TOKENIZER_NAME};
use tantivy::schema::Value;
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, TantivyDocument};

/// Bumped whenever the schema or the analyzer changes meaning: an index with another version
/// is rebuilt from scratch.
pub const SCHEMA_VERSION: u32 = 1;

/// Handles to every field.
#[derive(Clone, Debug)]
pub struct Fields {
    pub doc_id: Field,
    pub doc_key: Field,
    pub path: Field,
    pub path_text: Field,
    pub title: Field,
    pub format: Field,
    pub lang: Field,
    pub date: Field,
    pub size: Field,
    pub mtime: Field,
    pub hash: Field,
    pub encoding: Field,
    pub pages: Field,
    pub page: Field,
    pub label: Field,
    pub ordinal: Field,
    pub text: Field,
}

/// Build the schema and its field handles.
pub fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let analyzed = |stored: bool| {
        let idx = TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER_NAME)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions);
        let opts = TextOptions::default().set_indexing_options(idx);
        if stored {
            opts.set_stored()
        } else {
            opts
        }
    };
    let fields = Fields {
        doc_id: b.add_text_field("doc_id", STRING | STORED),
        doc_key: b.add_u64_field("doc_key", FAST),
        path: b.add_text_field("path", STRING | STORED),
        path_text: b.add_text_field("path_text", analyzed(false)),
        title: b.add_text_field("title", analyzed(true)),
        format: b.add_text_field("format", STRING | STORED | FAST),
        lang: b.add_text_field("lang", STRING | STORED | FAST),
        date: b.add_text_field("date", STRING | STORED),
        size: b.add_u64_field("size", STORED),
        mtime: b.add_i64_field("mtime", STORED),
        hash: b.add_text_field("hash", STRING | STORED),
        encoding: b.add_text_field("encoding", STORED),
        pages: b.add_u64_field("pages", STORED),
        page: b.add_u64_field("page", STORED | FAST | INDEXED),
        label: b.add_text_field("label", STRING | STORED),
        ordinal: b.add_u64_field("ordinal", STORED | FAST),
        text: b.add_text_field("text", analyzed(true)),
    };
    (b.build(), fields)
}

/// Register provisio's analyzer on an index (needed after every open).
pub fn register_tokenizers(index: &Index) {
    index
        .tokenizers()
        .register(TOKENIZER_NAME, TextAnalyzer::from(ProvisioTokenizer));
}

/// A stored text field of a passage document (empty when absent).
pub fn stored_text(doc: &TantivyDocument, field: Field) -> String {
    doc.get_first(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

/// A stored u64 field of a passage document (0 when absent).
pub fn stored_u64(doc: &TantivyDocument, field: Field) -> u64 {
    doc.get_first(field).and_then(|v| v.as_u64()).unwrap_or(0)
}
