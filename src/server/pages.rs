//! The search page `/`: the form, the index overview when there is no query, otherwise results
//! grouped by document with cited highlighted passages, filters with counts, pagination.

use super::api::params;
use super::error::{ApiError, PageError};
use super::html::{
    esc, format_name, lang_attr, language_name, layout, query_string, search_form, url_encode,
};
use super::{AppState, SearchInput};
use crate::docview::passage_anchor;
use crate::enrich::provisions::Taxonomy;
use crate::facets::{facet_counts, FacetCount, Facets};
use crate::search::SearchResponse;
use axum::extract::State;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::fmt::Write;

/// Marks a passage read by OCR: a quote from it may hold recognition errors.
pub(crate) const OCR_CHIP: &str = "<span class=\"chip ocr\" title=\"Read by OCR from a scan: check the quote against the original\">OCR</span>";

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
    expand: Option<bool>,
}

/// `GET /`: the search page.
pub async fn search_page(State(state): State<AppState>, uri: Uri) -> Result<Response, PageError> {
    let p: PageParams = params(&uri)?;
    let lang = p.lang.clone().unwrap_or_default();
    let format = p.format.clone().unwrap_or_default();
    let hidden = [("lang", lang.as_str()), ("format", format.as_str())];
    let q = p.q.clone().unwrap_or_default();
    let header = search_form(&q, &hidden, false, "compact");
    let page = p.page.unwrap_or(1);
    if page == 0 || page > MAX_PAGE {
        let e = ApiError::bad_request("bad_page", format!("page must be between 1 and {MAX_PAGE}"));
        return Ok(notice_page(&q, &header, e));
    }
    if q.trim().is_empty() {
        // The filters are checked even without a query (with a placeholder one).
        if let Err(e) = SearchInput::validate(Some("*".into()), p.lang, p.format, Some(1), None) {
            return Ok(notice_page(&q, &header, e));
        }
        return home(&state).await;
    }
    let input = match SearchInput::validate(
        p.q,
        p.lang,
        p.format,
        Some(PAGE_SIZE),
        Some((page - 1) * PAGE_SIZE),
    ) {
        Ok(i) => SearchInput {
            expand: p.expand.unwrap_or(true),
            ..i
        },
        Err(e) => return Ok(notice_page(&q, &header, e)),
    };
    // Facets of the query shown come from the search's own pass.
    let work = SearchInput {
        facets: true,
        ..input.clone()
    };
    let result = state
        .blocking(move |s| {
            let mut resp = work.run(s)?;
            let searcher = s.reader.searcher();
            let all = resp.facets.take().unwrap_or_default();
            let facets = if work.lang.is_none() && work.format.is_none() {
                all
            } else {
                // Language and format counts ignore their own filter (so the others stay
                // reachable); the rest count what is shown.
                let by_lang = facet_counts(&searcher, &s.fields, &work.parsed(s, false, true)?)?;
                let by_format = facet_counts(&searcher, &s.fields, &work.parsed(s, true, false)?)?;
                Facets {
                    language: by_lang.language,
                    format: by_format.format,
                    ..all
                }
            };
            Ok((resp, facets, s.taxonomy()))
        })
        .await;
    match result {
        Ok((resp, facets, taxonomy)) => {
            let body = results_body(&input, page, &resp, &facets, &taxonomy);
            Ok(layout(&format!("{q} – search"), &header, &body).into_response())
        }
        Err(e) if e.status.is_client_error() => Ok(notice_page(&q, &header, e)),
        Err(e) => Err(e.into()),
    }
}

/// The search page with a message instead of results (bad query, bad parameter).
fn notice_page(q: &str, header: &str, e: ApiError) -> Response {
    let body = format!(
        "<section class=\"notice error\" role=\"alert\"><h1>{}</h1><p>{}</p></section>{}",
        if e.code == "bad_query" {
            "This query cannot be read"
        } else {
            "Bad request"
        },
        esc(&e.message),
        SYNTAX.replacen(
            "<details class=\"syntax\">",
            "<details class=\"syntax\" open>",
            1
        )
    );
    (e.status, layout(&format!("{q} – search"), header, &body)).into_response()
}

async fn home(state: &AppState) -> Result<Response, PageError> {
    let (passages, facets) = state
        .blocking(|s| {
            let searcher = s.reader.searcher();
            Ok((searcher.num_docs(), s.overview(&searcher)?))
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

/// Facet values shown per refinement list.
const REFINE_SHOWN: usize = 12;

/// A list of values that narrow the query by adding a filter clause to it (`provision:x`).
fn refine_list(
    title: &str,
    counts: &[FacetCount],
    input: &SearchInput,
    clause: impl Fn(&str) -> String,
    name: impl Fn(&str) -> String,
) -> String {
    if counts.is_empty() {
        return String::new();
    }
    let mut out = format!("<section class=\"facet-group\"><h2>{title}</h2><ul class=\"facet\">");
    for c in counts.iter().take(REFINE_SHOWN) {
        let add = clause(&c.value);
        let (q, active) = match without_clause(&input.q, &add) {
            Some(rest) => (rest, true),
            None => (format!("{} {add}", input.q), false),
        };
        let q = if q.trim().is_empty() {
            "*".to_string()
        } else {
            q
        };
        let href = query_string(&[
            ("q", &q),
            ("lang", input.lang.as_deref().unwrap_or("")),
            ("format", input.format.as_deref().unwrap_or("")),
        ]);
        let _ = write!(
            out,
            "<li><a href=\"/{}\"{}>{}<span class=\"count\">{}</span></a></li>",
            esc(&href),
            if active {
                " class=\"active\" aria-current=\"true\""
            } else {
                ""
            },
            esc(&name(&c.value)),
            c.documents
        );
    }
    out.push_str("</ul></section>");
    out
}

/// `q` without the filter clause `clause` when `q` has it as whole words (not negated, not
/// a prefix of a longer value); `None` when it does not.
fn without_clause(q: &str, clause: &str) -> Option<String> {
    let words: Vec<&str> = q.split_whitespace().collect();
    let want: Vec<&str> = clause.split_whitespace().collect();
    if want.is_empty() || words.len() < want.len() {
        return None;
    }
    let at = (0..=words.len() - want.len()).find(|&i| words[i..i + want.len()] == want[..])?;
    let rest: Vec<&str> = words[..at]
        .iter()
        .chain(&words[at + want.len()..])
        .copied()
        .collect();
    Some(rest.join(" "))
}

/// `/四川省/成都市` → `四川省 › 成都市`.
pub fn region_name(path: &str) -> String {
    path.trim_start_matches('/').replace('/', " › ")
}

fn results_body(
    input: &SearchInput,
    page: usize,
    resp: &SearchResponse,
    facets: &Facets,
    taxonomy: &Taxonomy,
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
    let provision_label = |id: &str| {
        taxonomy
            .get(id)
            .map_or(id.to_string(), |p| format!("{} {}", p.label_en, p.label_zh))
    };
    out.push_str(&refine_list(
        "Provision",
        &facets.provision,
        input,
        |v| format!("provision:{v}"),
        provision_label,
    ));
    out.push_str(&refine_list(
        "Region",
        &facets.region,
        input,
        |v| format!("region:{v}"),
        region_name,
    ));
    out.push_str(&refine_list(
        "Issuer",
        &facets.issuer,
        input,
        crate::matrix::issuer_filter,
        str::to_string,
    ));
    out.push_str(&refine_list(
        "Document type",
        &facets.doctype,
        input,
        |v| format!("type:{v}"),
        str::to_string,
    ));
    out.push_str(&refine_list(
        "Year",
        &facets.year,
        input,
        |v| format!("year:{v}"),
        str::to_string,
    ));
    out.push_str("</aside><section class=\"results\">");
    if !resp.expanded.is_empty() {
        out.push_str("<p class=\"expanded\">Also searched: ");
        for (i, (phrase, terms)) in resp.expanded.iter().enumerate() {
            if i > 0 {
                out.push_str("; ");
            }
            let _ = write!(
                out,
                "<q>{}</q> → <span lang=\"zh\">{}</span>",
                esc(phrase),
                esc(&terms.join("、"))
            );
        }
        let _ = write!(
            out,
            " · <a href=\"/{}\">search only the English words</a></p>",
            esc(&query_string(&[("q", &input.q), ("expand", "false")]))
        );
    }
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
    if resp.documents.is_empty() {
        let _ = write!(
            out,
            "<section class=\"notice\"><h1>No results on this page</h1><p><a href=\"/{}\">Back to the first page</a></p></section>",
            esc(&query_string(&[
                ("q", &input.q),
                ("lang", input.lang.as_deref().unwrap_or("")),
                ("format", input.format.as_deref().unwrap_or("")),
            ]))
        );
        out.push_str("</section></div>");
        return out;
    }
    let _ = write!(out, "<ol class=\"docs\" start=\"{}\">", input.offset + 1);
    let qs = query_string(&[
        ("q", &input.q),
        ("expand", if input.expand { "" } else { "false" }),
    ]);
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
        if let Some(no) = &d.docno {
            let _ = write!(out, "<span class=\"docno\" lang=\"zh\">{}</span>", esc(no));
        }
        if !d.issuers.is_empty() {
            let _ = write!(
                out,
                "<span class=\"issuer\" lang=\"zh\">{}</span>",
                esc(&d.issuers.join("、"))
            );
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
            let cite = format!("{} · {} · p. {} · {}", d.title, d.path, p.page, label);
            // PDFs open at the page in the browser's viewer.
            let original = if d.format == "pdf" {
                format!(
                    "<a class=\"orig\" href=\"/file/{}#page={}\">PDF page {}</a>",
                    url_encode(&d.id),
                    p.page,
                    p.page
                )
            } else {
                String::new()
            };
            let mut chips = String::new();
            if p.ocr {
                chips.push_str(OCR_CHIP);
            }
            for id in &p.provisions {
                let _ = write!(
                    chips,
                    "<span class=\"chip\" title=\"{}\">{}</span>",
                    esc(&provision_label(id)),
                    esc(id)
                );
            }
            let _ = write!(
                out,
                "<li class=\"hit\"><div class=\"where\"><a class=\"cite\" href=\"{}\" data-cite=\"{}\">p. {} · {}</a>{original}{chips}</div><p class=\"snippet\" lang=\"{lang}\">{}</p></li>",
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

#[cfg(test)]
mod tests {
    use super::without_clause;

    #[test]
    fn clauses_are_removed_only_as_whole_words() {
        let q = "补贴 region:/四川省/成都市 issuer:\"成都市 商务局\"";
        assert_eq!(without_clause(q, "region:/四川省"), None);
        assert_eq!(
            without_clause(q, "region:/四川省/成都市").as_deref(),
            Some("补贴 issuer:\"成都市 商务局\"")
        );
        assert_eq!(
            without_clause(q, "issuer:\"成都市 商务局\"").as_deref(),
            Some("补贴 region:/四川省/成都市")
        );
        assert_eq!(without_clause("-region:/四川省", "region:/四川省"), None);
    }
}
