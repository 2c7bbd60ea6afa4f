//! Fields a document has once (title, path, issuers, 发文字号) are searched as if every
//! passage carried them (today each passage does: see `index::schema`): alone, combined with
//! passage text, excluded, and after the document changed. Guards the semantics for any
//! cheaper layout (a join from one record per document was tried, see the issue 6 notes).

use crate::common::{paths, Workspace};

/// An HTML page whose title is not in its body.
fn page(title: &str, paragraphs: &[String]) -> String {
    let body: String = paragraphs.iter().map(|p| format!("<p>{p}</p>\n")).collect();
    format!(
        "<html><head><meta charset=\"utf-8\"><title>{title}</title></head><body>\n{body}</body></html>\n"
    )
}

/// `n` articles that all hold 一般事项; article `special` also holds `extra`.
fn articles(n: usize, special: usize, extra: &str) -> Vec<String> {
    (1..=n)
        .map(|i| {
            let more = if i == special { extra } else { "" };
            format!("第{i}条 本条规定第{i}项一般事项。{more}")
        })
        .collect()
}

#[test]
fn document_fields_reach_every_passage_of_their_document() {
    let ws = Workspace::new();
    // A long document (over a thousand passages, which the indexing threads share between
    // their segments) and a short one.
    ws.write(
        "long/cold.html",
        page(
            "关于冷链物流仓储的通知",
            &articles(1200, 700, "给予运费补贴。"),
        ),
    );
    let short = |docno: &str, title: &str| {
        let mut body = vec![docno.to_string()];
        body.extend(articles(3, 0, ""));
        page(title, &body)
    };
    ws.write(
        "short/other.html",
        short("浙商务发〔2023〕7号", "冷链物流专项说明"),
    );
    ws.index();

    let body = ws.search("一般事项");
    assert_eq!(body.total_documents, 2, "{:?}", paths(&body));
    let long_passages = body
        .documents
        .iter()
        .find(|d| d.path == "long/cold.html")
        .expect("long document")
        .matching_passages;
    assert!(long_passages >= 1200, "{long_passages}");

    // A title word found in no body: every passage of the document matches.
    let one = ws.search("仓储");
    assert_eq!(paths(&one), ["long/cold.html"]);
    assert_eq!(one.total_passages, long_passages);
    let both = ws.search("冷链物流");
    assert_eq!(both.total_documents, 2);
    // (The short document has one passage more than those holding 一般事项: its 发文字号.)
    assert_eq!(both.total_passages, body.total_passages + 1);

    // The 发文字号 of the short document, from its first line: all its passages.
    let by_docno = ws.search("docno:浙商务发〔2023〕7号");
    assert_eq!(paths(&by_docno), ["short/other.html"]);
    assert_eq!(
        by_docno.total_passages,
        ws.search("一般事项 path:short").total_passages + 1
    );

    // A document-level filter with passage text: the passage that holds the text.
    for q in ["title:仓储 补贴", "path:long 补贴", "title:冷链物流 补贴"] {
        let r = ws.search(q);
        assert_eq!(paths(&r), ["long/cold.html"], "{q}");
        assert_eq!(r.total_passages, 1, "{q}");
        assert!(r.documents[0].passages[0].text.contains("补贴"), "{q}");
    }
    assert_eq!(ws.search("title:专项 补贴").total_documents, 0);
    let without = ws.search("一般事项 -title:仓储");
    assert_eq!(paths(&without), ["short/other.html"]);
    assert_eq!(ws.search("一般事项 -path:short").total_documents, 1);

    // The document changes its title: the old one no longer finds it (its first passage was
    // replaced with the rest), the new one finds all of its passages.
    ws.write(
        "short/other.html",
        short("浙商务发〔2024〕9号", "跨境电商专项说明"),
    );
    ws.index();
    assert_eq!(paths(&ws.search("冷链物流")), ["long/cold.html"]);
    assert_eq!(ws.search("docno:浙商务发〔2023〕7号").total_documents, 0);
    let renamed = ws.search("跨境电商");
    assert_eq!(paths(&renamed), ["short/other.html"]);
    assert_eq!(
        renamed.total_passages,
        ws.search("一般事项 path:short").total_passages + 1
    );
    assert!(renamed.total_passages >= 4);
    let by_docno = ws.search("docno:浙商务发〔2024〕9号");
    assert_eq!(by_docno.total_passages, renamed.total_passages);
}
