//! The HTTP surface without a socket: every route of `provisio::server::app` through
//! `tower::ServiceExt::oneshot`, every error path, escaping, traversal, tokens, the OpenAPI
//! description against the router and real responses, and reload after a commit.

use crate::common::Workspace;
use axum::body::{to_bytes, Body};
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use provisio::server::{app, route_table, AppState, ServeOptions};
use provisio::SearchResponse;
use serde_json::Value;
use std::time::{Duration, Instant};
use tower::ServiceExt;

const SICHUAN: &str = "四川省商务厅关于支持二手车出口的通知\n\n第一条 为支持二手车出口，对出口企业提供免费仓储服务，期限不超过六个月。\n\n第二条 加快出口退税办理进度，符合条件的企业按规定享受出口退税政策。\n\x0C第三条 对取得二手车出口许可证的企业给予一次性补贴十万元。\n";
const ENGLISH: &str = "Export support measures\n\nArticle 1 Exporters receive free warehousing for up to six months at the port.\n\nArticle 2 Export tax rebates are processed within ten working days.\n";
const HOSTILE: &str = "恶意<script>alert('t')</script>标题\n\n第一条 免费仓储 <img src=x onerror=alert(1)> 与 \"引号\" & 符号。\n";

/// A workspace with three documents, indexed.
fn fixture() -> Workspace {
    let ws = Workspace::new();
    ws.write("zh/sichuan.txt", SICHUAN);
    ws.write("en/measures.txt", ENGLISH);
    ws.write("zh/hostile.txt", HOSTILE);
    ws.index();
    ws
}

fn state(ws: &Workspace, token: Option<&str>) -> AppState {
    AppState::open(&ServeOptions {
        corpus: ws.corpus(),
        index_dir: ws.index_dir(),
        token: token.map(String::from),
    })
    .expect("open state")
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Assert a JSON error with this status and code.
    fn assert_error(&self, status: StatusCode, code: &str) {
        assert_eq!(self.status, status, "{}", self.text());
        let j = self.json();
        assert_eq!(j["error"]["code"], code, "{j}");
        assert!(j["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()));
    }
}

pub async fn send(app: &Router, req: Request<Body>) -> Reply {
    let resp = app.clone().oneshot(req).await.expect("infallible");
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = to_bytes(resp.into_body(), 64 << 20)
        .await
        .expect("body")
        .to_vec();
    Reply {
        status,
        headers,
        body,
    }
}

pub async fn get(app: &Router, uri: &str) -> Reply {
    send(app, Request::get(uri).body(Body::empty()).expect("request")).await
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

async fn search_json(app: &Router, q: &str) -> SearchResponse {
    let r = get(app, &format!("/api/search?q={}", enc(q))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    serde_json::from_slice(&r.body).expect("SearchResponse")
}

async fn id_of(app: &Router, path: &str) -> String {
    let r = search_json(app, &format!("path:{path}")).await;
    r.documents
        .iter()
        .find(|d| d.path == path)
        .map(|d| d.id.clone())
        .unwrap_or_else(|| panic!("{path} not indexed"))
}

#[tokio::test]
async fn home_page_has_form_and_overview() {
    let ws = fixture();
    let app = app(state(&ws, None));
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
    let app = app(state(&ws, None));
    let r = get(&app, &format!("/?q={}", enc("出口退税"))).await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(html.contains("四川省商务厅关于支持二手车出口的通知"));
    assert!(html.contains("<mark>出口退税</mark>"));
    assert!(html.contains(" · 第二条</a>"), "{html}");
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
    let app = app(state(&ws, None));
    let q = enc("海外仓");
    let p1 = get(&app, &format!("/?q={q}")).await.text();
    assert!(
        p1.contains("Page 1 of 2") && p1.contains("rel=\"next\"") && !p1.contains("rel=\"prev\"")
    );
    assert_eq!(p1.matches("<li class=\"doc\">").count(), 10);
    let p2 = get(&app, &format!("/?q={q}&page=2")).await.text();
    assert!(p2.contains("Page 2 of 2") && p2.contains("rel=\"prev\""));
    assert_eq!(p2.matches("<li class=\"doc\">").count(), 3);
    let none = get(&app, &format!("/?q={}", enc("不存在的词语"))).await;
    assert_eq!(none.status, StatusCode::OK);
    assert!(none.text().contains("No document matches"));
}

#[tokio::test]
async fn html_error_pages() {
    let ws = fixture();
    let app = app(state(&ws, None));
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
    let app = app(state(&ws, None));
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
    // A malformed q still shows the document, with the message.
    let bad = get(&app, &format!("/doc/{id}?q=%22open")).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(bad.text().contains("unclosed quote") && bad.text().contains("第三条"));
}

#[tokio::test]
async fn api_search_has_the_cli_schema_and_filters() {
    let ws = fixture();
    let app = app(state(&ws, None));
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
    let app = app(state(&ws, None));
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
    let app = app(state(&ws, None));
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
async fn hostile_text_is_escaped_everywhere() {
    let ws = fixture();
    let app = app(state(&ws, None));
    let id = id_of(&app, "zh/hostile.txt").await;
    for uri in [
        format!("/?q={}", enc("免费仓储")),
        format!("/?q={}", enc("onerror")),
        format!("/doc/{id}"),
        format!("/doc/{id}?q={}", enc("免费仓储")),
        format!("/?q={}", enc("<script>alert(1)</script>")),
    ] {
        let r = get(&app, &uri).await;
        let html = r.text();
        assert!(!html.contains("<script>alert"), "{uri}: raw script tag");
        assert!(!html.contains("<img src=x"), "{uri}: raw img tag");
        assert!(!html.contains("onerror=alert(1)>"), "{uri}");
        assert!(html.contains("&lt;"), "{uri}: text not shown");
    }
    let doc = get(&app, &format!("/doc/{id}")).await.text();
    assert!(doc.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(doc.contains("&lt;script&gt;alert(&#39;t&#39;)&lt;/script&gt;"));
    // Only our own script element exists on the page.
    assert_eq!(doc.matches("<script").count(), 1);
}

#[tokio::test]
async fn originals_are_served_only_from_the_index_and_corpus() {
    let ws = fixture();
    std::fs::write(ws.dir.path().join("secret.txt"), "top secret").expect("secret");
    let app = app(state(&ws, None));
    let id = id_of(&app, "zh/sichuan.txt").await;
    let r = get(&app, &format!("/file/{id}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body, SICHUAN.as_bytes());
    assert!(r.header(header::CONTENT_TYPE).starts_with("text/plain"));
    assert!(r
        .header(header::CONTENT_SECURITY_POLICY)
        .contains("sandbox"));
    assert!(r
        .header(header::CONTENT_DISPOSITION)
        .contains("sichuan.txt"));
    for uri in [
        "/file/..",
        "/file/%2e%2e",
        "/file/%2E%2E%2Fsecret.txt",
        "/file/..%2Fsecret.txt",
        "/file/../secret.txt",
        "/file/../../etc/passwd",
        "/file/%2Fetc%2Fpasswd",
        "/file//etc/passwd",
        "/file/zh%2Fsichuan.txt",
        "/file/0123456789abcdef",
        "/file/%FF",
        "/file/",
    ] {
        let r = get(&app, uri).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri}");
        assert!(!r.text().contains("top secret"), "{uri}");
    }
    // A file replaced by a symlink leading out of the corpus after indexing is refused.
    let other = id_of(&app, "en/measures.txt").await;
    let target = ws.corpus().join("en/measures.txt");
    std::fs::remove_file(&target).expect("rm");
    #[cfg(unix)]
    std::os::unix::fs::symlink(ws.dir.path().join("secret.txt"), &target).expect("symlink");
    let r = get(&app, &format!("/file/{other}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!r.text().contains("top secret"));
    // A file deleted after indexing is simply not found.
    std::fs::remove_file(ws.corpus().join("zh/hostile.txt")).expect("rm");
    let gone = id_of(&app, "zh/hostile.txt").await;
    assert_eq!(
        get(&app, &format!("/file/{gone}")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn token_is_required_when_configured() {
    let ws = fixture();
    let app = app(state(&ws, Some("s3cret-token")));
    let q = "/api/search?q=%E5%85%8D%E8%B4%B9%E4%BB%93%E5%82%A8";
    let r = get(&app, q).await;
    r.assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
    assert!(r.header(header::WWW_AUTHENTICATE).starts_with("Bearer"));
    get(&app, "/health")
        .await
        .assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
    let with = |auth: &str| {
        Request::get(q)
            .header(header::AUTHORIZATION, auth)
            .body(Body::empty())
            .expect("req")
    };
    assert_eq!(
        send(&app, with("Bearer s3cret-token")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        send(&app, with("Bearer wrong")).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        send(&app, with("s3cret-token")).await.status,
        StatusCode::UNAUTHORIZED
    );
    // A browser gets the login form; assets stay reachable so it is styled.
    let page = Request::get("/")
        .header(header::ACCEPT, "text/html")
        .body(Body::empty())
        .expect("req");
    let r = send(&app, page).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert!(r.text().contains("action=\"/login\""));
    assert_eq!(get(&app, "/assets/style.css").await.status, StatusCode::OK);
    assert_eq!(get(&app, "/login").await.status, StatusCode::OK);
    let login = |token: &str| {
        Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("token={token}")))
            .expect("req")
    };
    assert_eq!(
        send(&app, login("nope")).await.status,
        StatusCode::UNAUTHORIZED
    );
    let ok = send(&app, login("s3cret-token")).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let cookie = ok.header(header::SET_COOKIE).to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    assert!(
        !cookie.contains("s3cret-token"),
        "the token itself is not the cookie"
    );
    let pair = cookie.split(';').next().expect("pair").to_string();
    let req = Request::get("/")
        .header(header::COOKIE, pair)
        .body(Body::empty())
        .expect("req");
    assert_eq!(send(&app, req).await.status, StatusCode::OK);
    // Without a token configured, /login just goes to the search page.
    let open = app_without_token(&ws);
    assert_eq!(get(&open, "/login").await.status, StatusCode::SEE_OTHER);
}

fn app_without_token(ws: &Workspace) -> Router {
    app(state(ws, None))
}

fn app_with_token(ws: &Workspace) -> Router {
    app(state(ws, Some("t")))
}

#[tokio::test]
async fn security_headers_on_every_response() {
    let ws = fixture();
    let app = app(state(&ws, None));
    let id = id_of(&app, "zh/sichuan.txt").await;
    for uri in [
        "/".to_string(),
        "/?q=x".to_string(),
        format!("/doc/{id}"),
        "/api/search?q=x".to_string(),
        "/api/search".to_string(),
        "/nowhere".to_string(),
        "/assets/style.css".to_string(),
        "/health".to_string(),
    ] {
        let r = get(&app, &uri).await;
        assert!(
            r.header(header::CONTENT_SECURITY_POLICY)
                .starts_with("default-src 'self'"),
            "{uri}"
        );
        assert_eq!(r.header(header::X_CONTENT_TYPE_OPTIONS), "nosniff", "{uri}");
        assert_eq!(r.header(header::REFERRER_POLICY), "no-referrer", "{uri}");
    }
    // The request body limit: a huge login form is refused.
    let app = app_with_token(&ws);
    let big = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("token={}", "x".repeat(100_000))))
        .expect("req");
    assert_eq!(send(&app, big).await.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn assets_health_and_stats() {
    let ws = fixture();
    let app = app(state(&ws, None));
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

/// Check `value` against an OpenAPI schema (the subset the spec uses).
fn check(spec: &Value, schema: &Value, value: &Value, at: &str) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let name = r.trim_start_matches("#/components/schemas/");
        return check(spec, &spec["components"]["schemas"][name], value, at);
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    if !types.is_empty() {
        let ok = types.iter().any(|t| match *t {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "integer" => value.is_u64() || value.is_i64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "null" => value.is_null(),
            _ => false,
        });
        assert!(ok, "{at}: {value} is not {types:?}");
    }
    if let Some(obj) = value.as_object() {
        for req in schema["required"].as_array().into_iter().flatten() {
            let key = req.as_str().unwrap_or_default();
            assert!(obj.contains_key(key), "{at}: missing required {key}");
        }
        let props = schema["properties"].as_object();
        for (k, v) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(s) => check(spec, s, v, &format!("{at}.{k}")),
                None => match schema.get("additionalProperties") {
                    Some(s) => check(spec, s, v, &format!("{at}.{k}")),
                    None => panic!("{at}: property {k} is not in the spec"),
                },
            }
        }
    }
    if let Some(items) = value.as_array() {
        for (i, v) in items.iter().enumerate() {
            check(spec, &schema["items"], v, &format!("{at}[{i}]"));
        }
    }
}

#[tokio::test]
async fn openapi_describes_every_route_and_real_responses() {
    let ws = fixture();
    let app = app(state(&ws, None));
    let spec = get(&app, "/api/openapi.json").await.json();
    assert_eq!(spec["openapi"], "3.1.0");
    let mut documented: Vec<(String, String)> = spec["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(p, ops)| {
            ops.as_object()
                .expect("ops")
                .keys()
                .map(move |m| (p.clone(), m.to_uppercase()))
        })
        .collect();
    documented.sort();
    let mut routed: Vec<(String, String)> = route_table()
        .into_iter()
        .map(|(p, m)| (p.to_string(), m.to_string()))
        .collect();
    routed.sort();
    assert_eq!(documented, routed, "the spec and the router disagree");

    // Every documented operation is really routed (not answered by the fallback) and other
    // methods are refused.
    let id = id_of(&app, "zh/sichuan.txt").await;
    for (path, method) in &documented {
        let uri = path.replace("{id}", &id).replace("{name}", "style.css");
        let uri = if uri.starts_with("/api/search") {
            format!("{uri}?q=x")
        } else {
            uri
        };
        let m = Method::from_bytes(method.as_bytes()).expect("method");
        let r = send(
            &app,
            Request::builder()
                .method(m)
                .uri(&uri)
                .body(Body::empty())
                .expect("req"),
        )
        .await;
        assert_ne!(r.status, StatusCode::NOT_FOUND, "{method} {uri}");
        assert_ne!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri}");
        let del = Request::delete(&uri).body(Body::empty()).expect("req");
        assert_eq!(
            send(&app, del).await.status,
            StatusCode::METHOD_NOT_ALLOWED,
            "DELETE {uri}"
        );
    }

    // Real responses match the documented schemas.
    let op = |path: &str, status: &str| {
        spec["paths"][path]["get"]["responses"][status]["content"]["application/json"]["schema"]
            .clone()
    };
    let cases = [
        (
            "/api/search",
            "200",
            format!("/api/search?q={}", enc("免费仓储")),
        ),
        (
            "/api/search",
            "200",
            "/api/search?q=*&limit=100".to_string(),
        ),
        ("/api/search", "400", "/api/search?q=%22x".to_string()),
        (
            "/api/doc/{id}",
            "200",
            format!("/api/doc/{id}?q={}", enc("补贴")),
        ),
        (
            "/api/doc/{id}",
            "404",
            "/api/doc/0123456789abcdef".to_string(),
        ),
        ("/api/stats", "200", "/api/stats".to_string()),
        ("/health", "200", "/health".to_string()),
    ];
    for (path, status, uri) in cases {
        let r = get(&app, &uri).await;
        assert_eq!(r.status.as_str(), status, "{uri}");
        let schema = op(path, status);
        assert!(!schema.is_null(), "{path} {status} undocumented");
        check(&spec, &schema, &r.json(), &uri);
    }
}

#[tokio::test]
async fn a_commit_by_another_process_is_visible_within_seconds() {
    let ws = fixture();
    let app = app(state(&ws, None));
    let q = "独一无二的测试词语";
    assert_eq!(search_json(&app, q).await.total_documents, 0);
    ws.write("zh/new.txt", format!("第一条 新增文件：{q}。\n"));
    let out = assert_cmd::Command::cargo_bin("provisio")
        .expect("binary")
        .args(["index", "--corpus"])
        .arg(ws.corpus())
        .arg("--index")
        .arg(ws.index_dir())
        .output()
        .expect("run provisio index");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let started = Instant::now();
    loop {
        if search_json(&app, q).await.total_documents == 1 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "reader never reloaded"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!("visible after {:?}", started.elapsed());
    // The same through the library in this process, for a removal.
    std::fs::remove_file(ws.corpus().join("zh/new.txt")).expect("rm");
    provisio::run_index(&provisio::IndexOptions::new(ws.corpus(), ws.index_dir())).expect("index");
    let started = Instant::now();
    while search_json(&app, q).await.total_documents != 0 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "removal never visible"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
