//! The document page `/doc/{id}`: the whole extracted text page by page with page markers,
//! every passage anchored (`#p-{ordinal}`, plus a content anchor search results link to), the
//! passages matching `q` highlighted and listed first, a metadata panel, the original's link.

use super::api::{params, path_id};
use super::error::{ApiError, PageError};
use super::html::{
    esc, format_name, human_size, human_time, lang_attr, language_name, layout, mark_ranges,
    query_string, search_form, url_encode,
};
use super::AppState;
use crate::docview::{self, passage_anchor, DocumentView};
use crate::query::parse_with;
use crate::search::{match_ranges, snippet};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Write;

#[derive(Debug, Default, Deserialize)]
pub struct DocParams {
    q: Option<String>,
    expand: Option<bool>,
}

/// What the document page shows besides the document: the matches of `q`, or why none.
struct Matches {
    /// Ordinal → byte ranges to mark, for passages that match and show the match.
    passages: BTreeMap<u64, Vec<(usize, usize)>>,
    /// False when `q` has no text to highlight (only filters or `*`): nothing is listed.
    active: bool,
    /// What to highlight (the query as searched, expansions included).
    patterns: Vec<crate::query::HighlightPattern>,
    error: Option<ApiError>,
}

/// `GET /doc/{id}`: the whole document, `q`'s passages highlighted and listed first.
pub async fn doc_page(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Result<Response, PageError> {
    let id = path_id(id)?;
    let p: DocParams = params(&uri)?;
    super::check_query_length(p.q.as_deref())?;
    let q = p.q.unwrap_or_default().trim().to_string();
    let expand = p.expand.unwrap_or(true);
    let (doc, matches) = state
        .blocking(move |s| {
            let searcher = s.reader.searcher();
            let Some(doc) = docview::load(&searcher, &s.fields, &id)? else {
                return Err(ApiError::not_found("no document with this id in the index"));
            };
            let mut m = Matches {
                passages: BTreeMap::new(),
                active: false,
                patterns: Vec::new(),
                error: None,
            };
            if !q.is_empty() {
                let taxonomy = s.taxonomy();
                let parsed = parse_with(&q, expand.then_some(taxonomy.as_ref()));
                let found = parsed.and_then(|(parsed, _)| {
                    let ordinals = docview::matching_ordinals(&searcher, &s.fields, &id, &parsed)?;
                    Ok((ordinals, parsed.highlight_patterns()))
                });
                match found {
                    Ok((ordinals, patterns)) => {
                        m.active = !patterns.is_empty();
                        for o in ordinals.into_iter().filter(|_| m.active) {
                            let found = doc.passages.binary_search_by_key(&o, |pv| pv.ordinal);
                            if let Ok(i) = found {
                                let ranges = match_ranges(&doc.passages[i].text, &patterns);
                                // A passage matched only through the title shows no mark.
                                if !ranges.is_empty() {
                                    m.passages.insert(o, ranges);
                                }
                            }
                        }
                        m.patterns = patterns;
                    }
                    Err(e) if e.is_user_error() => m.error = Some(e.into()),
                    Err(e) => return Err(e.into()),
                }
            }
            Ok((doc, (q, m)))
        })
        .await?;
    let (q, matches) = matches;
    let status = matches.error.as_ref().map_or(StatusCode::OK, |e| e.status);
    let header = search_form(&q, &[], false, "compact");
    let body = doc_body(&doc, &q, &matches);
    Ok((status, layout(&doc.meta.title, &header, &body)).into_response())
}

fn doc_body(doc: &DocumentView, q: &str, matches: &Matches) -> String {
    let m = &doc.meta;
    let id = url_encode(&m.id);
    let lang = lang_attr(&m.language);
    let mut out = String::from("<article class=\"document\">");
    if !q.is_empty() {
        let _ = write!(
            out,
            "<nav class=\"crumbs\"><a href=\"/{}\">← Results for <q>{}</q></a></nav>",
            esc(&query_string(&[("q", q)])),
            esc(q)
        );
    }
    let _ = write!(out, "<h1 class=\"doc-h1\" lang=\"{lang}\">{}</h1><div class=\"doc-grid\"><aside class=\"meta-panel\"><dl>", esc(&m.title));
    let mut row = |k: &str, v: &str, class: &str| {
        let _ = write!(out, "<dt>{k}</dt><dd class=\"{class}\">{}</dd>", esc(v));
    };
    row("File", &m.path, "path");
    row("Format", format_name(&m.format), "");
    row("Language", language_name(&m.language), "");
    if let Some(no) = &m.docno {
        row("Document no.", no, "docno");
    }
    if !m.issuers.is_empty() {
        row("Issued by", &m.issuers.join("、"), "issuer");
    }
    if let Some(t) = &m.doctype {
        row("Type", t, "");
    }
    if let Some(d) = &m.date {
        row("Date", d, "");
    }
    let leaves: Vec<String> = m
        .regions
        .iter()
        .filter(|r| !m.regions.iter().any(|o| o.starts_with(&format!("{r}/"))))
        .map(|r| r.trim_start_matches('/').replace('/', " › "))
        .collect();
    if !leaves.is_empty() {
        row("Region", &leaves.join("; "), "");
    }
    row("Pages", &m.pages.to_string(), "");
    row("Passages", &doc.passages.len().to_string(), "");
    row("Size", &human_size(m.size), "");
    row("Modified", &human_time(m.mtime), "");
    if let Some(e) = &m.encoding {
        row("Encoding", e, "");
    }
    row("blake3", &m.hash, "hash");
    row("Id", &m.id, "hash");
    let _ = write!(
        out,
        "</dl><p class=\"actions\"><a class=\"button\" href=\"/file/{id}\">Open original</a> <a href=\"/api/doc/{id}\">JSON</a></p><form class=\"find\" action=\"/doc/{id}\" method=\"get\"><label for=\"find\">Find in this document</label><span class=\"row\"><input id=\"find\" type=\"search\" name=\"q\" value=\"{}\" maxlength=\"2000\"><button type=\"submit\">Find</button></span></form></aside><div class=\"doc-body\">",
        esc(q)
    );
    if let Some(e) = &matches.error {
        let _ = write!(out, "<section class=\"notice error\" role=\"alert\"><h2>This query cannot be read</h2><p>{}</p></section>", esc(&e.message));
    } else if matches.active {
        let n = matches.passages.len();
        let _ = write!(
            out,
            "<section class=\"matches\"><h2>{n} passage{} match <q>{}</q></h2>",
            if n == 1 { "" } else { "es" },
            esc(q)
        );
        if n > 0 {
            out.push_str("<ol>");
            let patterns = &matches.patterns;
            for ordinal in matches.passages.keys() {
                let found = doc.passages.binary_search_by_key(ordinal, |p| p.ordinal);
                if let Ok(p) = found.map(|i| &doc.passages[i]) {
                    let label = if p.label.is_empty() {
                        "¶"
                    } else {
                        p.label.as_str()
                    };
                    let _ = write!(
                        out,
                        "<li><a class=\"cite\" href=\"#p-{ordinal}\">p. {} · {}</a> <span class=\"snippet\" lang=\"{lang}\">{}</span></li>",
                        p.page,
                        esc(label),
                        snippet(&p.text, patterns)
                    );
                }
            }
            out.push_str("</ol>");
        }
        out.push_str("</section>");
    }
    out.push_str("<div class=\"pages\">");
    let last_page = doc
        .passages
        .iter()
        .map(|p| p.page)
        .max()
        .unwrap_or(0)
        .max(m.pages);
    let mut passages = doc.passages.iter().peekable();
    for page in 1..=last_page {
        let _ = write!(
            out,
            "<h2 class=\"page-marker\" id=\"page-{page}\"><span>Page {page}</span>"
        );
        if m.format == "pdf" {
            let _ = write!(out, " <a href=\"/file/{id}#page={page}\">original</a>");
        }
        out.push_str("</h2>");
        let mut any = false;
        while let Some(p) = passages.next_if(|p| p.page <= page) {
            any = true;
            let marks = matches.passages.get(&p.ordinal);
            let label = if p.label.is_empty() {
                "¶"
            } else {
                p.label.as_str()
            };
            let text = match marks {
                Some(ranges) => mark_ranges(&p.text, ranges),
                None => esc(&p.text),
            };
            let _ = write!(
                out,
                "<section class=\"passage{}\" id=\"p-{}\"><span class=\"tgt\" id=\"{}\"></span><a class=\"label\" href=\"#p-{}\" title=\"Link to this passage\">{}</a>{}<div class=\"text\" lang=\"{lang}\">{}</div></section>",
                if marks.is_some() { " match" } else { "" },
                p.ordinal,
                passage_anchor(p.page, &p.text),
                p.ordinal,
                esc(label),
                if p.ocr { super::pages::OCR_CHIP } else { "" },
                text
            );
        }
        if !any {
            out.push_str("<p class=\"empty-page\">(no text on this page)</p>");
        }
    }
    out.push_str("</div></div></div></article>");
    out
}
