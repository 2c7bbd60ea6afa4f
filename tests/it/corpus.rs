//! The sample corpus, indexed once: every format and encoding, page citations, folding.

use crate::common::{paths, repo, search_in};
use provisio::{IndexOptions, IndexSummary, SearchResponse};
use std::path::PathBuf;
use std::sync::OnceLock;

struct Indexed {
    index_dir: PathBuf,
    summary: IndexSummary,
}

pub fn indexed_dir() -> PathBuf {
    indexed().index_dir.clone()
}

fn indexed() -> &'static Indexed {
    static ONCE: OnceLock<Indexed> = OnceLock::new();
    ONCE.get_or_init(|| {
        let index_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sample-corpus-index");
        let _ = std::fs::remove_dir_all(&index_dir);
        let mut opts = IndexOptions::new(repo().join("corpus"), &index_dir);
        opts.full = true;
        let summary = provisio::run_index(&opts).expect("index sample corpus");
        Indexed { index_dir, summary }
    })
}

fn search(q: &str) -> SearchResponse {
    search_in(&indexed().index_dir, q, 100)
}

fn doc<'a>(r: &'a SearchResponse, path: &str) -> &'a provisio::search::DocumentHit {
    r.documents
        .iter()
        .find(|d| d.path == path)
        .unwrap_or_else(|| panic!("{path} not in results for {:?}: {:?}", r.query, paths(r)))
}

#[test]
fn whole_sample_corpus_indexes_without_failures() {
    let s = &indexed().summary;
    assert!(s.failed.is_empty(), "failures: {:?}", s.failed);
    assert!(s.documents >= 40, "only {} documents", s.documents);
    assert!(s.passages > s.documents as u64);
}

#[test]
fn pdf_hit_on_page_two_reports_page_two() {
    let r = search("免费仓储");
    let d = doc(&r, "zh/suzhou-2023-18.pdf");
    assert_eq!(d.format, "pdf");
    assert!(!d.passages.is_empty());
    for p in &d.passages {
        assert_eq!(p.page, 2, "passage {:?} cited on page {}", p.label, p.page);
        assert!(
            p.highlight.contains("<mark>免费仓储</mark>"),
            "{}",
            p.highlight
        );
    }
    // The document number, a mixed Han/digit/punctuation string, is found as typed.
    let r = search("苏商发〔2023〕18号");
    let d = doc(&r, "zh/suzhou-2023-18.pdf");
    assert!(
        d.passages.iter().all(|p| p.page == 1),
        "document number is on page 1"
    );
    let r = search("2023年6月8日");
    let d = doc(&r, "zh/suzhou-2023-18.pdf");
    assert!(d.passages.iter().any(|p| p.page == 3));
}

#[test]
fn gb18030_html_with_declared_charset() {
    let r = search("零公里二手车 出口许可证");
    let d = doc(&r, "zh/guangdong-zero-mileage-gb18030.html");
    assert_eq!(d.format, "html");
    assert_eq!(d.language, "zh");
    // The 成文日期 of the signature block wins over the page's publication-date meta tag
    // (2023-09-15).
    assert_eq!(d.date.as_deref(), Some("2023-09-12"));
    assert_eq!(d.docno.as_deref(), Some("粤商务贸函〔2023〕86号"));
    assert_eq!(d.issuers, ["广东省商务厅"]);
    assert!(d.passages.iter().any(|p| p.label.starts_with("第")));
}

#[test]
fn gbk_html_without_declaration_is_detected() {
    let r = search("海外仓建设补贴");
    let d = doc(&r, "zh/ningbo-nodecl-gbk.html");
    assert!(d.passages[0].text.contains("海外仓建设补贴"));
}

#[test]
fn big5_traditional_text_is_found_by_simplified_query_and_back() {
    let r = search("出口退税");
    let d = doc(&r, "news/taiwan-big5.txt");
    // Display text stays Traditional.
    assert!(d.passages.iter().any(|p| p.text.contains("出口退稅")));
    let r = search("零公里二手車");
    doc(&r, "news/taiwan-big5.txt");
    // A Traditional query also finds the Simplified PDF notice.
    let r = search("免費倉儲");
    doc(&r, "zh/suzhou-2023-18.pdf");
}

#[test]
fn docx_table_cells_and_page_breaks() {
    let r = search("海外仓租金补贴");
    let d = doc(&r, "zh/chengdu-subsidy-table.docx");
    assert_eq!(d.format, "docx");
    let r = search("申报材料");
    let d = doc(&r, "zh/chengdu-subsidy-table.docx");
    assert!(d.passages.iter().any(|p| p.page == 2));
}

#[test]
fn english_stemming_and_boilerplate_removal() {
    let r = search("warehouse");
    doc(&r, "en/reuters-style-zero-mileage.html");
    let r = search("\"zero-mileage used cars\"");
    doc(&r, "en/reuters-style-zero-mileage.html");
    let r = search("Subscribe");
    assert!(
        !paths(&r).contains(&"en/reuters-style-zero-mileage.html".to_string()),
        "navigation text was indexed"
    );
}

#[test]
fn layout_artefacts_are_normalised() {
    for q in ["2023年5月12日", "外贸企业", "ABC123"] {
        let r = search(q);
        doc(&r, "zh/layout-broken.txt");
    }
}

#[test]
fn long_unpunctuated_han_run() {
    let text = std::fs::read_to_string(repo().join("corpus/zh/long-run.txt")).expect("read");
    let run: String = text
        .split(|c: char| !provisio::analysis::is_cjk(c))
        .max_by_key(|s| s.chars().count())
        .expect("a run")
        .to_string();
    let chars: Vec<char> = run.chars().collect();
    assert!(chars.len() >= 300, "run has {} chars", chars.len());
    // Exact phrases from the start, middle and end of the run.
    for start in [0, chars.len() / 2, chars.len() - 12] {
        let q: String = chars[start..start + 12].iter().collect();
        let r = search(&format!("\"{q}\""));
        doc(&r, "zh/long-run.txt");
    }
    // The whole 300+ character run, unquoted, still finds it first.
    let r = search(&run);
    assert_eq!(r.documents[0].path, "zh/long-run.txt");
}

#[test]
fn natural_phrase_that_never_occurs_verbatim_still_matches() {
    let r = search("支持企业建设和使用海外仓的政策");
    assert!(r.total_documents > 0, "loose matching found nothing");
}

#[test]
fn result_counts_match_a_substring_scan_of_extracted_text() {
    // Ground truth: extract every corpus file and scan its (folded, whitespace-free) text.
    let needle = "免费仓储";
    let mut expected = Vec::new();
    // The files the crawl keeps (it honours corpus/.provisioignore).
    let (files, _) = provisio::crawl::crawl(&repo().join("corpus"), None, false).expect("crawl");
    for file in files {
        let bytes = std::fs::read(&file.abs_path).expect("read");
        let ext = file
            .abs_path
            .extension()
            .map(|e| e.to_string_lossy().to_lowercase());
        let Some(format) = provisio::extract::sniff(&bytes, ext.as_deref()) else {
            continue;
        };
        let Ok(doc) = provisio::extract::extract(format, &bytes) else {
            continue;
        };
        let folded: String = provisio::analysis::fold_str(&doc.pages.concat())
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        if folded.contains(needle) {
            expected.push(file.rel_path);
        }
    }
    expected.sort();
    let mut got = paths(&search(needle));
    got.sort();
    assert!(!expected.is_empty());
    assert_eq!(got, expected);
}

#[test]
fn filters_and_filter_only_queries() {
    let all = search("*");
    assert_eq!(all.total_documents, indexed().summary.documents);
    let pdfs = search("format:pdf");
    assert!(pdfs.total_documents >= 4);
    assert!(pdfs.documents.iter().all(|d| d.format == "pdf"));
    let en = search("lang:en warehouse");
    assert!(en.documents.iter().all(|d| d.language == "en"));
    let zh = search("免费仓储 -path:suzhou");
    assert!(!paths(&zh).contains(&"zh/suzhou-2023-18.pdf".to_string()));
    let either = search("零公里二手车 OR warehousing");
    assert!(either.total_documents >= search("零公里二手车").total_documents);
    let by_path = search("path:news 出口退税");
    assert!(by_path
        .documents
        .iter()
        .all(|d| d.path.starts_with("news/")));
}

/// Facet counts come from the same pass as the results: every count must equal the number of
/// documents the search with that facet's filter added finds (what the page's facet links run).
#[test]
fn facet_counts_equal_the_searches_their_links_run() {
    let (idx, fields) = provisio::index::open_read(&indexed().index_dir).expect("open");
    let searcher = idx.reader().expect("reader").searcher();
    let run = |q: &str, facets: bool| {
        let mut req = provisio::SearchRequest::new(q);
        req.facets = facets;
        req.limit = 1;
        provisio::search(&searcher, &fields, &req).unwrap_or_else(|e| panic!("{q}: {e}"))
    };
    let mut checked = 0;
    for q in ["二手车", "出口 退税", "warehouse", "*"] {
        let r = run(q, true);
        let f = r.facets.expect("facets asked for");
        let kinds: [(&str, &Vec<provisio::facets::FacetCount>); 7] = [
            ("lang:", &f.language),
            ("format:", &f.format),
            ("provision:", &f.provision),
            ("region:", &f.region),
            ("issuer:", &f.issuer),
            ("type:", &f.doctype),
            ("year:", &f.year),
        ];
        for (prefix, values) in kinds {
            for v in values {
                let clause = if prefix == "issuer:" {
                    format!("issuer:\"{}\"", v.value)
                } else {
                    format!("{prefix}{}", v.value)
                };
                let filtered = run(&format!("{q} {clause}"), false);
                assert_eq!(filtered.total_documents as u64, v.documents, "{q} {clause}");
                assert!(v.documents <= r.total_documents as u64);
                checked += 1;
            }
        }
    }
    assert!(checked > 50, "only {checked} facet values checked");
}
