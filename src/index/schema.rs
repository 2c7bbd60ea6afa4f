//! The tantivy schema: one document per passage, carrying its parent document's fields.
//!
//! Every passage stores its document's fields (a result is shown from any of its passages)
//! and indexes the single-term ones (facets and filters need no join). The analyzed document
//! fields (title, path, issuers, 发文字号) are indexed on the document's first passage only,
//! its *head* (ordinal 0): repeated on every passage they were about a fifth of all indexed
//! tokens, and every text query searched the title on every passage. Queries on them go
//! through [`crate::docjoin`], which extends a head's match to its whole document.

use crate::analysis::{ProvisioTokenizer, TOKENIZER_NAME};
use tantivy::schema::Value;
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, FAST, INDEXED, STORED, STRING,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, TantivyDocument};

/// Bumped whenever the schema or the analyzer changes meaning: an index with another version
/// is rebuilt from scratch.
pub const SCHEMA_VERSION: u32 = 7;

/// Handles to every field.
#[derive(Clone, Debug)]
pub struct Fields {
    pub doc_id: Field,
    pub doc_key: Field,
    pub path: Field,
    /// The path, analyzed (head passage only).
    pub path_text: Field,
    /// The title, stored on every passage.
    pub title: Field,
    /// The title, analyzed (head passage only).
    pub title_text: Field,
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
    /// 发文字号, normalised (`川商发〔2023〕12号`): stored and exact.
    pub docno: Field,
    /// The same, analyzed, so part of a number finds it (head passage only).
    pub docno_text: Field,
    /// 发文机关, one value per issuer (fast: facets and matrix rows).
    pub issuer: Field,
    /// Issuers, analyzed (head passage only).
    pub issuer_text: Field,
    /// 文种 (`通知`, `意见` …).
    pub doctype: Field,
    /// Region facet paths with their ancestors: `/四川省`, `/四川省/成都市`.
    pub region: Field,
    /// `2023` (fast: facets and matrix rows).
    pub year: Field,
    /// The date as `yyyymmdd` for range filters.
    pub day: Field,
    /// Ids of the provisions this passage is tagged with.
    pub provision: Field,
    /// 1 when the passage's text was read by OCR (it may hold recognition errors).
    pub ocr: Field,
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
        title: b.add_text_field("title", STORED),
        title_text: b.add_text_field("title_text", analyzed(false)),
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
        docno: b.add_text_field("docno", STRING | STORED | FAST),
        docno_text: b.add_text_field("docno_text", analyzed(false)),
        issuer: b.add_text_field("issuer", STRING | STORED | FAST),
        issuer_text: b.add_text_field("issuer_text", analyzed(false)),
        doctype: b.add_text_field("doctype", STRING | STORED | FAST),
        region: b.add_text_field("region", STRING | STORED | FAST),
        year: b.add_text_field("year", STRING | FAST),
        day: b.add_u64_field("day", INDEXED | FAST),
        provision: b.add_text_field("provision", STRING | STORED | FAST),
        ocr: b.add_u64_field("ocr", STORED | INDEXED | FAST),
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

/// Every stored value of one passage document; the one place that turns a passage into a
/// tantivy document (indexing and re-tagging both go through it).
#[derive(Debug, Clone, Default)]
pub struct PassageRecord {
    pub doc_id: String,
    pub path: String,
    pub title: String,
    pub format: String,
    pub lang: String,
    /// `YYYY-MM-DD`, `YYYY-MM` or `YYYY` (or whatever a format's metadata said).
    pub date: Option<String>,
    pub size: u64,
    pub mtime: i64,
    pub hash: String,
    pub encoding: Option<String>,
    pub pages: u64,
    pub page: u64,
    pub label: String,
    pub ordinal: u64,
    pub text: String,
    pub docno: Option<String>,
    pub issuers: Vec<String>,
    pub doctype: Option<String>,
    pub regions: Vec<String>,
    pub provisions: Vec<String>,
    /// Read by OCR.
    pub ocr: bool,
}

/// The year of a date string starting `YYYY`, and its `yyyymmdd` only when the date is a
/// whole `YYYY-MM-DD` (a date known to the year or month is not placed on a day, so day
/// ranges do not match it; `year:` does).
pub fn date_keys(date: &str) -> Option<(u32, Option<u64>)> {
    let date = date.trim();
    let year: u32 = date.get(..4)?.parse().ok()?;
    if !(1000..=9999).contains(&year) {
        return None;
    }
    let parts: Vec<&str> = date.split('-').collect();
    let num = |i: usize| -> Option<u64> {
        let p = parts.get(i)?;
        (p.len() == 2 && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let day = match (parts.len(), num(1), num(2)) {
        (3, Some(m @ 1..=12), Some(d @ 1..=31)) => Some(u64::from(year) * 10_000 + m * 100 + d),
        _ => None,
    };
    Some((year, day))
}

impl PassageRecord {
    /// The tantivy document for this passage.
    pub fn to_document(&self, f: &Fields) -> TantivyDocument {
        let mut d = TantivyDocument::default();
        d.add_text(f.doc_id, &self.doc_id);
        d.add_u64(f.doc_key, crate::index::doc_id_for(&self.path).1);
        d.add_text(f.path, &self.path);
        d.add_text(f.title, &self.title);
        let head = self.ordinal == 0;
        if head {
            d.add_text(f.path_text, &self.path);
            d.add_text(f.title_text, &self.title);
        }
        d.add_text(f.format, &self.format);
        d.add_text(f.lang, &self.lang);
        if let Some(date) = &self.date {
            d.add_text(f.date, date);
            if let Some((year, day)) = date_keys(date) {
                d.add_text(f.year, year.to_string());
                if let Some(day) = day {
                    d.add_u64(f.day, day);
                }
            }
        }
        d.add_u64(f.size, self.size);
        d.add_i64(f.mtime, self.mtime);
        d.add_text(f.hash, &self.hash);
        if let Some(enc) = &self.encoding {
            d.add_text(f.encoding, enc);
        }
        d.add_u64(f.pages, self.pages);
        d.add_u64(f.page, self.page);
        d.add_text(f.label, &self.label);
        d.add_u64(f.ordinal, self.ordinal);
        d.add_text(f.text, &self.text);
        if let Some(no) = &self.docno {
            d.add_text(f.docno, no);
            if head {
                d.add_text(f.docno_text, no);
            }
        }
        for i in &self.issuers {
            d.add_text(f.issuer, i);
            if head {
                d.add_text(f.issuer_text, i);
            }
        }
        if let Some(t) = &self.doctype {
            d.add_text(f.doctype, t);
        }
        for r in &self.regions {
            d.add_text(f.region, r);
        }
        for p in &self.provisions {
            d.add_text(f.provision, p);
        }
        d.add_u64(f.ocr, u64::from(self.ocr));
        d
    }

    /// Read a stored passage document back.
    pub fn from_document(doc: &TantivyDocument, f: &Fields) -> PassageRecord {
        let opt = |field| Some(stored_text(doc, field)).filter(|s| !s.is_empty());
        PassageRecord {
            doc_id: stored_text(doc, f.doc_id),
            path: stored_text(doc, f.path),
            title: stored_text(doc, f.title),
            format: stored_text(doc, f.format),
            lang: stored_text(doc, f.lang),
            date: opt(f.date),
            size: stored_u64(doc, f.size),
            mtime: doc.get_first(f.mtime).and_then(|v| v.as_i64()).unwrap_or(0),
            hash: stored_text(doc, f.hash),
            encoding: opt(f.encoding),
            pages: stored_u64(doc, f.pages),
            page: stored_u64(doc, f.page),
            label: stored_text(doc, f.label),
            ordinal: stored_u64(doc, f.ordinal),
            text: stored_text(doc, f.text),
            docno: opt(f.docno),
            issuers: stored_texts(doc, f.issuer),
            doctype: opt(f.doctype),
            regions: stored_texts(doc, f.region),
            provisions: stored_texts(doc, f.provision),
            ocr: stored_u64(doc, f.ocr) == 1,
        }
    }
}

/// Every value of a multi-valued stored text field.
pub fn stored_texts(doc: &TantivyDocument, field: Field) -> Vec<String> {
    doc.get_all(field)
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_keys_accept_partial_dates() {
        assert_eq!(date_keys("2023-05-12"), Some((2023, Some(20230512))));
        assert_eq!(date_keys("2023-05"), Some((2023, None)));
        assert_eq!(date_keys("2023"), Some((2023, None)));
        assert_eq!(date_keys("2023-13-01"), Some((2023, None)));
        assert_eq!(date_keys("May 2023"), None);
        assert_eq!(date_keys(""), None);
    }

    #[test]
    fn records_round_trip_through_documents() {
        let (_, f) = build_schema();
        let rec = PassageRecord {
            doc_id: "abc".into(),
            path: "zh/a.pdf".into(),
            title: "关于支持出口的通知".into(),
            format: "pdf".into(),
            lang: "zh".into(),
            date: Some("2023-06-08".into()),
            text: "免费仓储".into(),
            docno: Some("苏商发〔2023〕18号".into()),
            issuers: vec!["苏州市商务局".into(), "苏州市财政局".into()],
            doctype: Some("通知".into()),
            regions: vec!["/江苏省".into(), "/江苏省/苏州市".into()],
            provisions: vec!["free_warehousing".into()],
            page: 2,
            ocr: true,
            ..PassageRecord::default()
        };
        let back = PassageRecord::from_document(&rec.to_document(&f), &f);
        assert_eq!(format!("{back:?}"), format!("{rec:?}"));
    }
}
