//! The matrix and export over HTTP: `/api/matrix` equals the library's matrix, `/matrix` links
//! every cell to its search, `/api/export` streams what `provisio export` writes, and the
//! search page shows provision filters and what an English query was expanded to.

use super::{enc, fixture, get, state};
use axum::http::{header, StatusCode};
use provisio::export::{export, ExportFormat};
use provisio::matrix::{matrix, RowKind};
use provisio::server::app;

#[tokio::test]
async fn matrix_api_and_page_agree_with_the_library() {
    let ws = fixture();
    let st = state(&ws, None);
    let app = app(st.clone());
    let searcher = st.searcher();
    let (_, fields) = provisio::index::open_read(&ws.index_dir()).expect("open");
    let tax = provisio::index::load_taxonomy(&ws.index_dir());
    let lib = matrix(&searcher, &fields, "*", RowKind::Region, &tax, true).expect("matrix");
    let api = get(&app, "/api/matrix").await;
    assert_eq!(api.status, StatusCode::OK);
    assert_eq!(
        api.json(),
        serde_json::to_value(&lib).expect("json"),
        "same as provisio matrix --json"
    );
    let sichuan = lib
        .rows
        .iter()
        .find(|r| r.value == "/四川省")
        .expect("the Sichuan notice has a region");
    let col = lib
        .columns
        .iter()
        .position(|c| c.id == "free_warehousing")
        .expect("column");
    assert_eq!(sichuan.cells[col], 1);

    let page = get(&app, "/matrix").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    let link = format!(
        "/?q={}",
        enc(&lib.cell_query(sichuan, Some(&lib.columns[col])))
    );
    assert!(
        html.contains(&link.replace('&', "&amp;")),
        "cell links to its search"
    );
    // The linked search finds the document the cell counted.
    let r = get(&app, &link).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("zh/sichuan.txt"));

    get(&app, "/api/matrix?rows=colour")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "bad_parameter");
    get(&app, &format!("/api/matrix?q={}", enc("\"open")))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "bad_query");
}

#[tokio::test]
async fn export_streams_what_the_cli_writes() {
    let ws = fixture();
    let st = state(&ws, None);
    let app = app(st.clone());
    for (format, ctype) in [("csv", "text/csv"), ("jsonl", "application/x-ndjson")] {
        let r = get(
            &app,
            &format!("/api/export?q={}&format={format}", enc("免费仓储")),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.header(header::CONTENT_TYPE).starts_with(ctype));
        assert!(r.header(header::CONTENT_DISPOSITION).contains("attachment"));
        let (_, fields) = provisio::index::open_read(&ws.index_dir()).expect("open");
        let tax = provisio::index::load_taxonomy(&ws.index_dir());
        let mut want = Vec::new();
        let fmt = ExportFormat::from_name(format).expect("format");
        export(
            &st.searcher(),
            &fields,
            "免费仓储",
            fmt,
            &tax,
            true,
            &mut want,
        )
        .expect("export");
        assert_eq!(r.body, want, "{format}");
        assert!(String::from_utf8_lossy(&r.body).contains("zh/sichuan.txt"));
    }
    get(&app, "/api/export?format=csv")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "missing_query");
    get(&app, "/api/export?q=x&format=xlsx")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "bad_parameter");
}

#[tokio::test]
async fn search_page_offers_provision_filters_and_shows_expansions() {
    let ws = fixture();
    let app = app(state(&ws, None));
    let html = get(&app, &format!("/?q={}", enc("免费仓储"))).await.text();
    assert!(html.contains("<h2>Provision</h2>"));
    assert!(html.contains(&format!(
        "/?q={}",
        enc("免费仓储 provision:free_warehousing")
    )));
    assert!(
        html.contains("class=\"chip\""),
        "passages show their provisions"
    );
    let html = get(&app, "/?q=export+license").await.text();
    assert!(html.contains("Also searched"), "the expansion is shown");
    assert!(html.contains("出口许可证"));
    let json = get(&app, "/api/search?q=export+license&expand=false")
        .await
        .json();
    assert_eq!(json["expanded"], serde_json::json!({}));
}

#[tokio::test]
async fn api_search_counts_documents_per_facet() {
    let ws = fixture();
    let app = app(state(&ws, None));
    let uri = format!("/api/search?q={}", enc("免费仓储 OR warehousing"));
    let json = get(&app, &uri).await.json();
    let facets = &json["facets"];
    let count = |facet: &str, value: &str| {
        facets[facet]
            .as_array()
            .expect("facet list")
            .iter()
            .find(|c| c["value"] == value)
            .map(|c| c["documents"].as_u64().expect("count"))
    };
    assert_eq!(json["total_documents"], 3);
    assert_eq!(count("provision", "free_warehousing"), Some(3));
    assert_eq!(count("language", "zh"), Some(2));
    assert_eq!(count("region", "/四川省"), Some(1));
    assert_eq!(count("doctype", "通知"), Some(1));
    // Narrowed by a filter, the counts follow.
    let uri = format!("/api/search?q={}", enc("免费仓储 region:四川"));
    let json = get(&app, &uri).await.json();
    assert_eq!(json["total_documents"], 1);
    assert_eq!(json["facets"]["language"][0]["documents"], 1);
    // A client that does not show facets can leave them out; the results are the same.
    let without = get(&app, &format!("{uri}&facets=false")).await.json();
    assert!(without.get("facets").is_none(), "{without}");
    assert_eq!(without["documents"], json["documents"]);
    get(&app, &format!("{uri}&facets=maybe"))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "bad_parameter");
}

#[tokio::test]
async fn document_page_highlights_what_an_expanded_query_found() {
    let ws = fixture();
    let app = app(state(&ws, None));
    let id = super::id_of(&app, "zh/sichuan.txt").await;
    let html = get(&app, &format!("/doc/{id}?q=export+license"))
        .await
        .text();
    assert!(
        html.contains("1 passage match"),
        "the licence clause is listed"
    );
    assert!(html.contains("<mark>出口许可证</mark>"));
    let json = get(&app, &format!("/api/doc/{id}?q=export+license"))
        .await
        .json();
    assert_eq!(json["matching_passages"].as_array().map(Vec::len), Some(1));
    let json = get(
        &app,
        &format!("/api/doc/{id}?q=export+license&expand=false"),
    )
    .await
    .json();
    assert_eq!(json["matching_passages"], serde_json::json!([]));
}
