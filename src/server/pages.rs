//! The server-rendered pages: `/` (search with filters, grouped cited results, pagination)
//! and `/doc/{id}` (the whole text page by page, passages anchored and highlighted).

use super::api::{params, path_id};
use super::error::{ApiError, PageError};
use super::html::{
    esc, format_name, human_size, human_time, lang_attr, language_name, layout, mark_ranges,
    query_string, search_form, url_encode,
};
use super::{AppState, SearchInput};
use crate::docview::{self, passage_anchor, DocumentView};
use crate::facets::{facet_counts, FacetCount, Facets};
use crate::query::parse;
use crate::search::{match_ranges, snippet, SearchResponse};
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::fmt::Write;

/// Documents per result page.
pub const PAGE_SIZE: usize = 10;
/// Highest result page offered.
const MAX_PAGE: usize = 1000;
const SYNTAX: &str = include_str!("assets/syntax.html");
const EXAMPLES: &[&str] = &[
    "免费仓储",
    "出口退税",
    "出口许可证",
    "\"export licence\"",
    "补贴 lang:zh",
];

#[derive(Debug, Default, Deserialize)]
pub struct PageParams {
    q: Option<String>,
    lang: Option<String>,
    format: Option<String>,
    page: Option<usize>,
}

/// `GET /`: the search page.
pub async fn search_page(State(state): State<AppState>, uri: Uri) -> Result<Response, PageError> {
    let p: PageParams = params(&uri)?;
    let lang = p.lang.clone().unwrap_or_default();
    let format = p.format.clone().unwrap_or_default();
    let hidden = [("lang", lang.as_str()), ("format", format.as_str())];
    let q = p.q.clone().unwrap_or_default();
    if q.trim().is_empty() {
        return home(&state).await;
    }
    let header = search_form(&q, &hidden, false, "compact");
    let page = p.page.unwrap_or(1);
    if page == 0 || page > MAX_PAGE {
        let e = ApiError::bad_request("bad_page", format!("page must be between 1 and {MAX_PAGE}"));
        return Ok(notice_page(&q, &header, e));
    }
    let input = match SearchInput::validate(
        p.q,
        p.lang,
        p.format,
        Some(PAGE_SIZE),
        Some((page - 1) * PAGE_SIZE),
    ) {
        Ok(i) => i,
        Err(e) => return Ok(notice_page(&q, &header, e)),
    };
    let work = input.clone();
    let result = state
        .blocking(move |s| {
            let resp = work.run(s)?;
            let searcher = s.reader.searcher();
            let by_lang = facet_counts(&searcher, &s.fields, &work.effective_query(false, true))?;
            let by_format = if work.lang.is_none() && work.format.is_none() {
                by_lang.clone()
            } else {
                facet_counts(&searcher, &s.fields, &work.effective_query(true, false))?
            };
            let facets = Facets {
                language: by_lang.language,
                format: by_format.format,
            };
            Ok((resp, facets))
        })
        .await;
    match result {
        Ok((resp, facets)) => {
            let body = results_body(&input, page, &resp, &facets);
            Ok(layout(&format!("{q} – search"), &header, &body).into_response())
        }
        Err(e) if e.status.is_client_error() => Ok(notice_page(&q, &header, e)),
        Err(e) => Err(e.into()),
    }
}

/// The search page with a message instead of results (bad query, bad parameter).
fn notice_page(q: &str, header: &str, e: ApiError) -> Response {
    let body = format!(
        "<section class=\"notice error\" role=\"alert\"><h1>{}</h1><p>{}</p></section>{SYNTAX}",
        if e.code == "bad_query" {
            "This query cannot be read"
        } else {
            "Bad request"
        },
        esc(&e.message)
    );
    (e.status, layout(&format!("{q} – search"), header, &body)).into_response()
}

async fn home(state: &AppState) -> Result<Response, PageError> {
    let (passages, facets) = state
        .blocking(|s| {
            let searcher = s.reader.searcher();
            let facets = facet_counts(&searcher, &s.fields, "*")?;
            Ok((searcher.num_docs(), facets))
        })
        .await?;
    let documents: u64 = facets.format.iter().map(|c| c.documents).sum();
    let mut body =
        String::from("<section class=\"hero\"><h1>Find the provision. Cite the clause.</h1>");
    body.push_str(
        "<p class=\"lede\">Search Chinese and English policy documents; every result cites its document, page and clause.</p>",
    );
    body.push_str(&search_form("", &[], true, "big"));
    body.push_str("<p class=\"examples\">Try ");
    for (i, ex) in EXAMPLES.iter().enumerate() {
        if i > 0 {
            body.push_str(" · ");
        }
        let _ = write!(body, "<a href=\"/?q={}\">{}</a>", url_encode(ex), esc(ex));
    }
    body.push_str("</p>");
    body.push_str(SYNTAX);
    let _ = write!(
        body,
        "</section><section class=\"overview\"><h2>In the index</h2><p><strong>{documents}</strong> documents, <strong>{passages}</strong> passages.</p><div class=\"overview-grid\">"
    );
    for (title, counts, key) in [
        ("Languages", &facets.language, "lang"),
        ("Formats", &facets.format, "format"),
    ] {
        let _ = write!(body, "<div><h3>{title}</h3><ul class=\"facet\">");
        for c in counts {
            let name = if key == "lang" {
                language_name(&c.value)
            } else {
                format_name(&c.value)
            };
            let _ = write!(
                body,
                "<li><a href=\"/?q=*&amp;{key}={}\">{}<span class=\"count\">{}</span></a></li>",
                url_encode(&c.value),
                esc(name),
                c.documents
            );
        }
        body.push_str("</ul></div>");
    }
    body.push_str("</div></section>");
    Ok(layout("Search", "", &body).into_response())
}

fn facet_list(
    title: &str,
    key: &str,
    counts: &[FacetCount],
    input: &SearchInput,
    name: fn(&str) -> &str,
) -> String {
    let active = if key == "lang" {
        &input.lang
    } else {
        &input.format
    };
    let other = if key == "lang" {
        ("format", &input.format)
    } else {
        ("lang", &input.lang)
    };
    let href = |value: &str| {
        query_string(&[
            ("q", &input.q),
            (key, value),
            (other.0, other.1.as_deref().unwrap_or("")),
        ])
    };
    let mut out = format!("<section class=\"facet-group\"><h2>{title}</h2><ul class=\"facet\">");
    if active.is_some() {
        let _ = write!(
            out,
            "<li><a href=\"/{}\">Any<span class=\"count\">×</span></a></li>",
            esc(&href(""))
        );
    }
    for c in counts {
        let is_active = active.as_deref() == Some(c.value.as_str());
        let _ = write!(
            out,
            "<li><a href=\"/{}\"{}>{}<span class=\"count\">{}</span></a></li>",
            esc(&href(&c.value)),
            if is_active {
                " class=\"active\" aria-current=\"true\""
            } else {
                ""
            },
            esc(name(&c.value)),
            c.documents
        );
    }
    if counts.is_empty() {
        out.push_str("<li class=\"empty\">none</li>");
    }
    out.push_str("</ul></section>");
    out
}

fn results_body(
    input: &SearchInput,
    page: usize,
    resp: &SearchResponse,
    facets: &Facets,
) -> String {
    let mut out = String::from(
        "<div class=\"results-layout\"><aside class=\"filters\" aria-label=\"Filters\">",
    );
    out.push_str(&facet_list(
        "Language",
        "lang",
        &facets.language,
        input,
        language_name,
    ));
    out.push_str(&facet_list(
        "Format",
        "format",
        &facets.format,
        input,
        format_name,
    ));
    out.push_str("</aside><section class=\"results\">");
    if resp.total_documents == 0 {
        let _ = write!(
            out,
            "<section class=\"notice\"><h1>No document matches <q>{}</q></h1><p>Try fewer or shorter words, remove a filter, or use <code>OR</code>. Chinese terms of two characters or more are found wherever they occur.</p></section>{SYNTAX}",
            esc(&input.q)
        );
        out.push_str("</section></div>");
        return out;
    }
    let _ = write!(
        out,
        "<p class=\"summary\"><strong>{}</strong> document{} · <strong>{}</strong> matching passage{} · {} ms</p>",
        resp.total_documents,
        if resp.total_documents == 1 { "" } else { "s" },
        resp.total_passages,
        if resp.total_passages == 1 { "" } else { "s" },
        resp.took_ms
    );
    let _ = write!(out, "<ol class=\"docs\" start=\"{}\">", input.offset + 1);
    let qs = query_string(&[("q", &input.q)]);
    for d in &resp.documents {
        let doc_href = format!("/doc/{}{}", url_encode(&d.id), qs);
        let lang = lang_attr(&d.language);
        let _ = write!(
            out,
            "<li class=\"doc\"><h2 class=\"doc-title\"><a href=\"{}\" lang=\"{lang}\">{}</a></h2><p class=\"doc-meta\"><span class=\"path\">{}</span><span>{}</span><span>{}</span>",
            esc(&doc_href),
            esc(&d.title),
            esc(&d.path),
            esc(format_name(&d.format)),
            esc(language_name(&d.language)),
        );
        if let Some(date) = &d.date {
            let _ = write!(out, "<span>{}</span>", esc(date));
        }
        let _ = write!(
            out,
            "<span title=\"relevance score\">score {:.2}</span></p><ul class=\"hits\">",
            d.score
        );
        for p in &d.passages {
            let href = format!("{doc_href}#{}", passage_anchor(p.page, &p.text));
            let label = if p.label.is_empty() {
                "¶"
            } else {
                p.label.as_str()
            };
            let cite = format!("{} · p. {} · {}", d.title, p.page, label);
            let _ = write!(
                out,
                "<li class=\"hit\"><div class=\"where\"><a class=\"cite\" href=\"{}\" data-cite=\"{}\">p. {} · {}</a></div><p class=\"snippet\" lang=\"{lang}\">{}</p></li>",
                esc(&href),
                esc(&cite),
                p.page,
                esc(label),
                p.highlight
            );
        }
        out.push_str("</ul>");
        let shown = d.passages.len() as u64;
        if d.matching_passages > shown {
            let _ = write!(
                out,
                "<p class=\"more\"><a href=\"{}\">{} more matching passage{} in this document →</a></p>",
                esc(&doc_href),
                d.matching_passages - shown,
                if d.matching_passages - shown == 1 { "" } else { "s" }
            );
        }
        out.push_str("</li>");
    }
    out.push_str("</ol>");
    out.push_str(&pager(input, page, resp.total_documents));
    out.push_str("</section></div>");
    out
}

fn pager(input: &SearchInput, page: usize, total: usize) -> String {
    let pages = total.div_ceil(PAGE_SIZE).min(MAX_PAGE);
    if pages <= 1 {
        return String::new();
    }
    let link = |n: usize| {
        esc(&query_string(&[
            ("q", &input.q),
            ("lang", input.lang.as_deref().unwrap_or("")),
            ("format", input.format.as_deref().unwrap_or("")),
            ("page", &n.to_string()),
        ]))
    };
    let mut out = String::from("<nav class=\"pager\" aria-label=\"Result pages\">");
    if page > 1 {
        let _ = write!(
            out,
            "<a rel=\"prev\" href=\"/{}\">← Previous</a>",
            link(page - 1)
        );
    }
    let _ = write!(out, "<span>Page {page} of {pages}</span>");
    if page < pages {
        let _ = write!(
            out,
            "<a rel=\"next\" href=\"/{}\">Next →</a>",
            link(page + 1)
        );
    }
    out.push_str("</nav>");
    out
}

#[derive(Debug, Default, Deserialize)]
pub struct DocParams {
    q: Option<String>,
}

/// What the document page shows besides the document: the matches of `q`, or why none.
struct Matches {
    /// (ordinal, byte ranges to mark)
    passages: Vec<(u64, Vec<(usize, usize)>)>,
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
    let q = p.q.unwrap_or_default().trim().to_string();
    if q.chars().count() > crate::query::MAX_QUERY_CHARS {
        return Err(ApiError::bad_request("query_too_long", "q is too long").into());
    }
    let (doc, matches) = state
        .blocking(move |s| {
            let searcher = s.reader.searcher();
            let Some(doc) = docview::load(&searcher, &s.fields, &id)? else {
                return Err(ApiError::not_found("no document with this id in the index"));
            };
            let mut m = Matches {
                passages: Vec::new(),
                error: None,
            };
            if !q.is_empty() {
                match docview::matching_ordinals(&searcher, &s.fields, &id, &q) {
                    Ok(ordinals) => {
                        let patterns = parse(&q)
                            .map(|p| p.highlight_patterns())
                            .unwrap_or_default();
                        for o in ordinals {
                            if let Some(pv) = doc.passages.iter().find(|pv| pv.ordinal == o) {
                                let ranges = match_ranges(&pv.text, &patterns);
                                if !ranges.is_empty() || patterns.is_empty() {
                                    m.passages.push((o, ranges));
                                }
                            }
                        }
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
    if let Some(d) = &m.date {
        row("Date", d, "");
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
    } else if !q.is_empty() {
        let n = matches.passages.len();
        let _ = write!(
            out,
            "<section class=\"matches\"><h2>{n} passage{} match <q>{}</q></h2>",
            if n == 1 { "" } else { "es" },
            esc(q)
        );
        if n > 0 {
            out.push_str("<ol>");
            let patterns = parse(q).map(|p| p.highlight_patterns()).unwrap_or_default();
            for (ordinal, _) in &matches.passages {
                if let Some(p) = doc.passages.iter().find(|p| p.ordinal == *ordinal) {
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
                        snippet(&p.text, &patterns)
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
            let marks = matches.passages.iter().find(|(o, _)| *o == p.ordinal);
            let label = if p.label.is_empty() {
                "¶"
            } else {
                p.label.as_str()
            };
            let text = match marks {
                Some((_, ranges)) => mark_ranges(&p.text, ranges),
                None => esc(&p.text),
            };
            let _ = write!(
                out,
                "<section class=\"passage{}\" id=\"p-{}\"><span class=\"tgt\" id=\"{}\"></span><a class=\"label\" href=\"#p-{}\" title=\"Link to this passage\">{}</a><div class=\"text\" lang=\"{lang}\">{}</div></section>",
                if marks.is_some() { " match" } else { "" },
                p.ordinal,
                passage_anchor(p.page, &p.text),
                p.ordinal,
                esc(label),
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
