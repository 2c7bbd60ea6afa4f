//! The HTML pages: home, search with filters and pagination, document view, error pages.

use super::{app_for, enc, fixture, get, id_of};
use crate::common::Workspace;
use axum::http::{header, StatusCode};

#[tokio::test]
async fn home_page_has_form_and_overview() {
    let ws = fixture();
    let app = app_for(&ws, None);
    let r = get(&app, "/").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.header(header::CONTENT_TYPE).starts_with("text/html"));
    let html = r.text();
    assert!(html.contains("<form class=\"search big\" action=\"/\" method=\"get\""));
    assert!(html.contains("name=\"q\""));
    assert!(html.contains("<strong>3</strong> documents"), "{html}");
    assert!(html.contains("Query syntax"));
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "external asset"
    );
}

#[tokio::test]
async fn search_page_groups_results_with_filters() {
    let ws = fixture();
    let app = app_for(&ws, None);
    let r = get(&app, &format!("/?q={}", enc("出口退税"))).await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(html.contains("四川省商务厅关于支持二手车出口的通知"));
    assert!(html.contains("<mark>出口退税</mark>"));
    assert!(
        html.contains("p. 1 · 第二条</a>"),
        "第二条 is on page 1: {html}"
    );
    assert!(html.contains("<strong>1</strong> document ·"));
    // The passage link goes to an anchor that the document page has.
    let at = html.find("class=\"cite\" href=\"").expect("cite link") + 19;
    let href = &html[at..at + html[at..].find('"').expect("end")];
    let href = href.replace("&amp;", "&");
    let (doc_url, anchor) = href.split_once('#').expect("anchor");
    assert!(doc_url.starts_with("/doc/"));
    let doc = get(&app, doc_url).await;
    assert_eq!(doc.status, StatusCode::OK);
    assert!(
        doc.text().contains(&format!("id=\"{anchor}\"")),
        "{anchor} missing"
    );

    // Facets count documents, and a filter narrows.
    let r = get(&app, &format!("/?q={}", enc("免费仓储 OR warehousing"))).await;
    let html = r.text();
    assert!(
        html.contains("中文 Chinese<span class=\"count\">2</span>"),
        "{html}"
    );
    assert!(html.contains("English<span class=\"count\">1</span>"));
    let r = get(
        &app,
        &format!("/?q={}&lang=en", enc("免费仓储 OR warehousing")),
    )
    .await;
    let html = r.text();
    assert!(html.contains("<strong>1</strong> document ·"));
    assert!(html.contains("Export support measures"));
    assert!(html.contains("class=\"active\""));
    // Language counts stay visible while filtering by language.
    assert!(html.contains("中文 Chinese<span class=\"count\">2</span>"));
}

#[tokio::test]
async fn search_page_paginates_and_reports_nothing_found() {
    let ws = Workspace::new();
    for i in 0..13 {
        ws.write(
            &format!("d{i:02}.txt"),
            format!("第一条 支持建设海外仓，第{i}号文件。\n"),
        );
    }
    ws.index();
    let app = app_for(&ws, None);
    let q = enc("海外仓");
    let p1 = get(&app, &format!("/?q={q}")).await.text();
    assert!(
        p1.contains("Page 1 of 2") && p1.contains("rel=\"next\"") && !p1.contains("rel=\"prev\"")
    );
    assert_eq!(p1.matches("<li class=\"doc\">").count(), 10);
    let p2 = get(&app, &format!("/?q={q}&page=2")).await.text();
    assert!(p2.contains("Page 2 of 2") && p2.contains("rel=\"prev\""));
    assert_eq!(p2.matches("<li class=\"doc\">").count(), 3);
    let beyond = get(&app, &format!("/?q={q}&page=7")).await.text();
    assert!(beyond.contains("No results on this page") && beyond.contains("first page"));
    let none = get(&app, &format!("/?q={}", enc("不存在的词语"))).await;
    assert_eq!(none.status, StatusCode::OK);
    assert!(none.text().contains("No document matches"));
}

#[tokio::test]
async fn html_error_pages() {
    let ws = fixture();
    let app = app_for(&ws, None);
    let r = get(&app, "/?q=%22unclosed").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let html = r.text();
    assert!(html.contains("This query cannot be read") && html.contains("unclosed quote"));
    assert!(
        html.contains("name=\"q\" value=\"&quot;unclosed\""),
        "form keeps the query"
    );
    for bad in [
        "/?q=x&page=0",
        "/?q=x&page=abc",
        "/?q=x&format=exe",
        "/?q=x&lang=%22x",
    ] {
        let r = get(&app, bad).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{bad}");
        assert!(
            r.header(header::CONTENT_TYPE).starts_with("text/html"),
            "{bad}"
        );
    }
    let long = "长".repeat(2001);
    assert_eq!(
        get(&app, &format!("/?q={}", enc(&long))).await.status,
        StatusCode::BAD_REQUEST
    );
    let r = get(&app, "/doc/0123456789abcdef").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.text().contains("no document with this id"));
    let r = get(&app, "/no/such/page").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.header(header::CONTENT_TYPE).starts_with("text/html"));
}

#[tokio::test]
async fn document_page_shows_pages_anchors_and_matches() {
    let ws = fixture();
    let app = app_for(&ws, None);
    let id = id_of(&app, "zh/sichuan.txt").await;
    let r = get(&app, &format!("/doc/{id}?q={}", enc("出口退税"))).await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    for needle in [
        "id=\"page-1\"",
        "id=\"page-2\"",
        "id=\"p-0\"",
        "1 passage match",
        "<mark>出口退税</mark>",
        "class=\"passage match\"",
        &format!("href=\"/file/{id}\""),
        "第三条 对取得二手车出口许可证的企业给予一次性补贴十万元。",
    ] {
        assert!(html.contains(needle), "missing {needle}");
    }
    // Page 2 comes after page 1 and holds 第三条.
    let p2 = html.find("id=\"page-2\"").expect("page 2");
    assert!(html[p2..].contains("第三条"));
    assert!(!html[..p2].contains("第三条 对取得"));
    // Without q: no matches section, nothing marked.
    let plain = get(&app, &format!("/doc/{id}")).await.text();
    assert!(!plain.contains("<mark>") && !plain.contains("class=\"matches\""));
    // A query with nothing to highlight (only `*` or filters) lists and marks nothing.
    let star = get(&app, &format!("/doc/{id}?q=*")).await.text();
    assert!(!star.contains("<mark>") && !star.contains("class=\"matches\""));
    assert!(!star.contains("class=\"passage match\""));
    // A malformed q still shows the document, with the message.
    let bad = get(&app, &format!("/doc/{id}?q=%22open")).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text().contains("unclosed quote") && bad.text().contains("第三条"));
}
