//! One document as the index holds it: its metadata and all its passages, page by page in
//! reading order, plus which of them a query matches (for `/doc/{id}` and `/api/doc/{id}`).

use crate::error::Result;
use crate::index::schema::{stored_text as text_of, stored_texts, stored_u64 as u64_of, Fields};
use crate::query::ParsedQuery;
use serde::Serialize;
use std::collections::HashSet;
use tantivy::collector::DocSetCollector;
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{Searcher, TantivyDocument, Term};

/// Document-level fields, as stored on each of its passages.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentMeta {
    pub id: String,
    /// Path relative to the corpus folder.
    pub path: String,
    pub title: String,
    pub format: String,
    pub language: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// File size in bytes.
    pub size: u64,
    /// Modification time of the file, seconds since the Unix epoch.
    pub mtime: i64,
    /// blake3 of the file's bytes.
    pub hash: String,
    /// Character encoding the text was decoded from, when the format has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// Number of pages.
    pub pages: u64,
    /// 发文字号.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub docno: Option<String>,
    /// 发文机关.
    pub issuers: Vec<String>,
    /// 文种.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doctype: Option<String>,
    /// Region paths (`/四川省`, `/四川省/成都市`).
    pub regions: Vec<String>,
}

/// One passage in reading order.
#[derive(Debug, Clone, Serialize)]
pub struct PassageView {
    /// Position in the document (0-based); the HTML view anchors it as `#p-{ordinal}`.
    pub ordinal: u64,
    pub page: u64,
    pub label: String,
    /// Ids of the provisions the passage is tagged with.
    pub provisions: Vec<String>,
    /// Read by OCR from a scan (may hold recognition errors).
    pub ocr: bool,
    pub text: String,
}

/// A whole document.
#[derive(Debug, Clone, Serialize)]
pub struct DocumentView {
    #[serde(flatten)]
    pub meta: DocumentMeta,
    pub passages: Vec<PassageView>,
}

fn opt_text(doc: &TantivyDocument, field: tantivy::schema::Field) -> Option<String> {
    Some(text_of(doc, field)).filter(|s| !s.is_empty())
}

fn id_query(fields: &Fields, id: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(fields.doc_id, id),
        IndexRecordOption::Basic,
    ))
}

fn meta_of(doc: &TantivyDocument, f: &Fields) -> DocumentMeta {
    DocumentMeta {
        id: text_of(doc, f.doc_id),
        path: text_of(doc, f.path),
        title: text_of(doc, f.title),
        format: text_of(doc, f.format),
        language: text_of(doc, f.lang),
        date: opt_text(doc, f.date),
        size: u64_of(doc, f.size),
        mtime: doc.get_first(f.mtime).and_then(|v| v.as_i64()).unwrap_or(0),
        hash: text_of(doc, f.hash),
        encoding: opt_text(doc, f.encoding),
        pages: u64_of(doc, f.pages),
        docno: opt_text(doc, f.docno),
        issuers: stored_texts(doc, f.issuer),
        doctype: opt_text(doc, f.doctype),
        regions: stored_texts(doc, f.region),
    }
}

/// True when `id` has the shape of a provisio document id (16 lowercase hex digits).
pub fn is_doc_id(id: &str) -> bool {
    id.len() == 16 && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The metadata of document `id` (read from one of its passages), `None` when not indexed.
pub fn load_meta(searcher: &Searcher, fields: &Fields, id: &str) -> Result<Option<DocumentMeta>> {
    if !is_doc_id(id) {
        return Ok(None);
    }
    let top = searcher.search(
        id_query(fields, id).as_ref(),
        &tantivy::collector::TopDocs::with_limit(1).order_by_score(),
    )?;
    match top.first() {
        Some((_, addr)) => {
            let doc: TantivyDocument = searcher.doc(*addr)?;
            Ok(Some(meta_of(&doc, fields)))
        }
        None => Ok(None),
    }
}

/// Document `id` with every passage in reading order, `None` when not indexed.
pub fn load(searcher: &Searcher, fields: &Fields, id: &str) -> Result<Option<DocumentView>> {
    if !is_doc_id(id) {
        return Ok(None);
    }
    let addrs = searcher.search(id_query(fields, id).as_ref(), &DocSetCollector)?;
    let mut meta = None;
    let mut passages = Vec::with_capacity(addrs.len());
    for addr in addrs {
        let doc: TantivyDocument = searcher.doc(addr)?;
        if meta.is_none() {
            meta = Some(meta_of(&doc, fields));
        }
        passages.push(PassageView {
            ordinal: u64_of(&doc, fields.ordinal),
            page: u64_of(&doc, fields.page),
            label: text_of(&doc, fields.label),
            provisions: stored_texts(&doc, fields.provision),
            ocr: crate::index::schema::stored_u64(&doc, fields.ocr) == 1,
            text: text_of(&doc, fields.text),
        });
    }
    passages.sort_by_key(|p| (p.ordinal, p.page));
    Ok(meta.map(|meta| DocumentView { meta, passages }))
}

/// Ordinals of the passages of document `id` that `query` matches, in reading order.
/// Errors when the query is malformed.
pub fn matching_ordinals(
    searcher: &Searcher,
    fields: &Fields,
    id: &str,
    query: &ParsedQuery,
) -> Result<Vec<u64>> {
    let parsed = query.to_query(fields)?;
    let both = BooleanQuery::new(vec![
        (Occur::Must, id_query(fields, id)),
        (Occur::Must, parsed),
    ]);
    let addrs = searcher.search(&both, &DocSetCollector)?;
    let mut ordinals: Vec<u64> = addrs
        .into_iter()
        .map(|a| {
            searcher
                .doc::<TantivyDocument>(a)
                .map(|d| u64_of(&d, fields.ordinal))
        })
        .collect::<tantivy::Result<HashSet<u64>>>()?
        .into_iter()
        .collect();
    ordinals.sort_unstable();
    Ok(ordinals)
}

/// A stable anchor for a passage, derived from its page and text, so a search result can link
/// straight to it in the document view (`#t{page}-{hash}`) without knowing its ordinal.
pub fn passage_anchor(page: u64, text: &str) -> String {
    let hash = blake3::hash(text.as_bytes()).to_hex();
    format!("t{page}-{}", &hash[..10])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_hex16() {
        assert!(is_doc_id("0123456789abcdef"));
        assert!(!is_doc_id("../../etc/passwd"));
        assert!(!is_doc_id("0123456789ABCDEF"));
        assert!(!is_doc_id("0123456789abcde"));
    }

    #[test]
    fn anchors_depend_on_page_and_text() {
        let a = passage_anchor(3, "第五条 免费仓储");
        assert!(a.starts_with("t3-"));
        assert_eq!(a, passage_anchor(3, "第五条 免费仓储"));
        assert_ne!(a, passage_anchor(4, "第五条 免费仓储"));
        assert!(a.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'));
    }
}
