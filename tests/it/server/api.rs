//! The JSON API: search (the CLI's schema), documents, stats, health, assets, and every
//! error answered as `{"error":{"code","message"}}`.

use super::{app_for, enc, fixture, get, id_of, search_json, send};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use provisio::SearchResponse;

#[tokio::test]
async fn api_search_has_the_cli_schema_and_filters() {
    let ws = fixture();
    let app = app_for(&ws, None);
    let r = search_json(&app, "免费仓储").await;
    assert_eq!(r.query, "免费仓储");
    assert_eq!(r.total_documents, 2);
    let cli = crate::common::search_in(&ws.index_dir(), "免费仓储", 3);
    let api: Vec<_> = r
        .documents
        .iter()
        .map(|d| (&d.id, d.passages.len()))
        .collect();
    let lib: Vec<_> = cli
        .documents
        .iter()
        .map(|d| (&d.id, d.passages.len()))
        .collect();
    assert_eq!(api, lib);
    let en = get(
        &app,
        &format!("/api/search?q={}&lang=en", enc("warehousing OR 免费仓储")),
    )
    .await;
    let en: SearchResponse = serde_json::from_slice(&en.body).expect("json");
    assert_eq!(en.total_documents, 1);
    assert_eq!(en.documents[0].language, "en");
    let txt = get(&app, "/api/search?q=*&format=text&limit=1&offset=1")
        .await
        .json();
    assert_eq!(txt["total_documents"], 3);
    assert_eq!(txt["documents"].as_array().map(Vec::len), Some(1));
}

#[tokio::test]
async fn api_errors_are_json_with_codes() {
    let ws = fixture();
    let app = app_for(&ws, None);
    let long = enc(&"长".repeat(2001));
    for (uri, status, code) in [
        ("/api/search?q=%22unclosed".to_string(), 400, "bad_query"),
        ("/api/search?q=foo:bar".to_string(), 400, "bad_query"),
        ("/api/search?q=OR".to_string(), 400, "bad_query"),
        ("/api/search".to_string(), 400, "missing_query"),
        ("/api/search?q=%20%20".to_string(), 400, "missing_query"),
        ("/api/search?q=x&limit=101".to_string(), 400, "bad_limit"),
        ("/api/search?q=x&limit=0".to_string(), 400, "bad_limit"),
        (
            "/api/search?q=x&limit=ten".to_string(),
            400,
            "bad_parameter",
        ),
        (
            "/api/search?q=x&offset=-1".to_string(),
            400,
            "bad_parameter",
        ),
        (format!("/api/search?q={long}"), 400, "query_too_long"),
        (
            "/api/search?q=x&lang=zh%20OR".to_string(),
            400,
            "bad_filter",
        ),
        ("/api/search?q=x&format=exe".to_string(), 400, "bad_filter"),
        ("/api/doc/0123456789abcdef".to_string(), 404, "not_found"),
        ("/api/doc/not-an-id".to_string(), 404, "not_found"),
        ("/api/doc/%FF%FE".to_string(), 404, "not_found"),
        ("/api/nothing".to_string(), 404, "no_route"),
    ] {
        let r = get(&app, &uri).await;
        r.assert_error(StatusCode::from_u16(status).expect("status"), code);
    }
    let id = id_of(&app, "zh/sichuan.txt").await;
    get(&app, &format!("/api/doc/{id}?q=%22x"))
        .await
        .assert_error(StatusCode::BAD_REQUEST, "bad_query");
    let post = Request::post("/api/search?q=x")
        .body(Body::empty())
        .expect("req");
    send(&app, post)
        .await
        .assert_error(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
}

#[tokio::test]
async fn api_doc_lists_passages_in_reading_order() {
    let ws = fixture();
    let app = app_for(&ws, None);
    let id = id_of(&app, "zh/sichuan.txt").await;
    let j = get(&app, &format!("/api/doc/{id}?q={}", enc("出口退税")))
        .await
        .json();
    assert_eq!(j["id"], id.as_str());
    assert_eq!(j["path"], "zh/sichuan.txt");
    assert_eq!(j["pages"], 2);
    let passages = j["passages"].as_array().expect("passages");
    let ordinals: Vec<u64> = passages
        .iter()
        .filter_map(|p| p["ordinal"].as_u64())
        .collect();
    let mut sorted = ordinals.clone();
    sorted.sort_unstable();
    assert_eq!(ordinals, sorted);
    let last = passages.last().expect("last");
    assert_eq!(last["page"], 2);
    let matching = j["matching_passages"].as_array().expect("matching");
    assert_eq!(matching.len(), 1);
    let m = matching[0].as_u64().expect("ordinal");
    let hit = passages
        .iter()
        .find(|p| p["ordinal"] == m)
        .expect("passage");
    assert!(hit["text"].as_str().is_some_and(|t| t.contains("出口退税")));
    let plain = get(&app, &format!("/api/doc/{id}")).await.json();
    assert!(plain.get("matching_passages").is_none());
}

#[tokio::test]
async fn assets_health_and_stats() {
    let ws = fixture();
    let app = app_for(&ws, None);
    let css = get(&app, "/assets/style.css").await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.header(header::CONTENT_TYPE).starts_with("text/css"));
    let text = css.text();
    assert!(text.contains("Noto Sans CJK SC") && text.contains("Microsoft YaHei"));
    assert!(
        !text.contains("url(") && !text.contains("@import"),
        "no external assets"
    );
    assert_eq!(get(&app, "/assets/app.js").await.status, StatusCode::OK);
    assert_eq!(
        get(&app, "/assets/favicon.svg").await.status,
        StatusCode::OK
    );
    get(&app, "/assets/..%2Fmod.rs")
        .await
        .assert_error(StatusCode::NOT_FOUND, "not_found");
    let h = get(&app, "/health").await.json();
    assert_eq!(h["status"], "ok");
    assert!(h["passages"].as_u64().is_some_and(|n| n >= 5));
    let s = get(&app, "/api/stats").await.json();
    assert_eq!(s["documents"], 3);
    assert_eq!(s["by_language"]["en"]["documents"], 1);
}
