//! Hardening: hostile text escaped everywhere, originals only from the index and the corpus
//! (traversal, encodings, symlinks), tokens, security headers, body limit.

use super::{app_for, enc, fixture, get, id_of, send, SICHUAN};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

#[tokio::test]
async fn hostile_text_is_escaped_everywhere() {
    let ws = fixture();
    let app = app_for(&ws, None);
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
    let app = app_for(&ws, None);
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
    // Range requests (PDF viewers fetch pages as they need them).
    let ranged = Request::get(format!("/file/{id}"))
        .header(header::RANGE, "bytes=0-11")
        .body(Body::empty())
        .expect("req");
    let r = send(&app, ranged).await;
    assert_eq!(r.status, StatusCode::PARTIAL_CONTENT);
    assert_eq!(r.body, &SICHUAN.as_bytes()[..12]);
    assert!(r.header(header::CONTENT_TYPE).starts_with("text/plain"));
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
    let app = app_for(&ws, Some("s3cret-token"));
    let q = "/api/search?q=%E5%85%8D%E8%B4%B9%E4%BB%93%E5%82%A8";
    let r = get(&app, q).await;
    r.assert_error(StatusCode::UNAUTHORIZED, "unauthorized");
    assert!(r.header(header::WWW_AUTHENTICATE).starts_with("Bearer"));
    // Every route but the login form, the assets and /health wants the token.
    let id = "0123456789abcdef";
    for (path, method) in provisio::server::route_table() {
        if method != "GET" || path == "/login" || path.starts_with("/assets") {
            continue;
        }
        let uri = format!("{}?q=x", path.replace("{id}", id));
        let r = get(&app, &uri).await;
        if path == "/health" {
            assert_eq!(r.status, StatusCode::OK, "/health stays open for probes");
        } else {
            assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{uri}");
        }
    }
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
    let open = app_for(&ws, None);
    assert_eq!(get(&open, "/login").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn security_headers_on_every_response() {
    let ws = fixture();
    let app = app_for(&ws, None);
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
    let app = app_for(&ws, Some("t"));
    let big = Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!("token={}", "x".repeat(100_000))))
        .expect("req");
    assert_eq!(send(&app, big).await.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn bidi_overrides_control_characters_and_links_in_documents_stay_inert() {
    let ws = crate::common::Workspace::new();
    ws.write(
        "zh/rtl\u{202E}fdp.txt",
        "=HYPERLINK(\"http://x\") 恶意\u{202E}txt.exe文件\u{7}\u{1b}补贴\n\n第一条 免费仓储 <a href=\"javascript:alert(1)\">点此</a> javascript:alert(2)\n",
    );
    ws.index();
    let app = app_for(&ws, None);
    let all = super::search_json(&app, "*").await;
    assert_eq!(all.documents.len(), 1, "{:?}", all.documents);
    let id = all.documents[0].id.clone();
    for uri in [
        format!("/?q={}", enc("免费仓储")),
        format!("/doc/{id}?q={}", enc("免费仓储")),
        format!("/matrix?q={}", enc("免费仓储")),
    ] {
        let html = get(&app, &uri).await.text();
        assert!(
            !html.contains('\u{202E}'),
            "{uri}: a bidi override reached the page"
        );
        assert!(!html.contains('\u{7}') && !html.contains('\u{1b}'), "{uri}");
        assert!(!html.contains("href=\"javascript:"), "{uri}");
        assert!(!html.contains("<a href=\"javascript"), "{uri}");
    }
    // Exports keep the text exactly, but a spreadsheet never sees a formula.
    let csv = get(&app, &format!("/api/export?q={}&format=csv", enc("补贴"))).await;
    let text = String::from_utf8(csv.body).expect("utf-8");
    assert!(text.contains("\"'=HYPERLINK("), "{text}");
    assert!(
        !text.contains(",=HYPERLINK") && !text.contains(",\"=HYPERLINK"),
        "{text}"
    );
}

#[tokio::test]
async fn deep_paging_is_bounded() {
    let ws = fixture();
    let app = app_for(&ws, None);
    get(&app, "/api/search?q=x&offset=10001")
        .await
        .assert_error(StatusCode::BAD_REQUEST, "bad_offset");
    assert_eq!(
        get(&app, "/api/search?q=x&offset=10000").await.status,
        StatusCode::OK
    );
}
