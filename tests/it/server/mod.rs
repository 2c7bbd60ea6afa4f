//! The HTTP surface without a socket: every route of `provisio::server::app` driven through
//! `tower::ServiceExt::oneshot` over small temp corpora, plus the real binary for reload and
//! signals. Shared fixtures and request helpers live here.

mod api;
#[cfg(unix)]
mod cli;
mod concurrency;
mod evidence;
mod openapi;
mod pages;
mod reload;
mod security;

use crate::common::Workspace;
use axum::body::{to_bytes, Body};
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use provisio::server::{app, AppState, ServeOptions};
use provisio::SearchResponse;
use serde_json::Value;
use tower::ServiceExt;

pub const SICHUAN: &str = "四川省商务厅关于支持二手车出口的通知\n\n第一条 为支持二手车出口，对出口企业提供免费仓储服务，期限不超过六个月。\n\n第二条 加快出口退税办理进度，符合条件的企业按规定享受出口退税政策。\n\x0C第三条 对取得二手车出口许可证的企业给予一次性补贴十万元。\n";
pub const ENGLISH: &str = "Export support measures\n\nArticle 1 Exporters receive free warehousing for up to six months at the port.\n\nArticle 2 Export tax rebates are processed within ten working days.\n";
pub const HOSTILE: &str = "恶意<script>alert('t')</script>标题\n\n第一条 免费仓储 <img src=x onerror=alert(1)> 与 \"引号\" & 符号。\n";

/// A workspace with three documents, indexed.
pub fn fixture() -> Workspace {
    let ws = Workspace::new();
    ws.write("zh/sichuan.txt", SICHUAN);
    ws.write("en/measures.txt", ENGLISH);
    ws.write("zh/hostile.txt", HOSTILE);
    ws.index();
    ws
}

pub fn state(ws: &Workspace, token: Option<&str>) -> AppState {
    AppState::open(&ServeOptions {
        corpus: ws.corpus(),
        index_dir: ws.index_dir(),
        token: token.map(String::from),
        result_cache: 32,
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

    pub fn header(&self, name: header::HeaderName) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Assert a JSON error with this status and code.
    pub fn assert_error(&self, status: StatusCode, code: &str) {
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

pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub async fn search_json(app: &Router, q: &str) -> SearchResponse {
    let r = get(app, &format!("/api/search?q={}", enc(q))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    serde_json::from_slice(&r.body).expect("SearchResponse")
}

pub async fn id_of(app: &Router, path: &str) -> String {
    let r = search_json(app, &format!("path:{path}")).await;
    r.documents
        .iter()
        .find(|d| d.path == path)
        .map(|d| d.id.clone())
        .unwrap_or_else(|| panic!("{path} not indexed"))
}

/// The app over `ws`, optionally with a token.
pub fn app_for(ws: &Workspace, token: Option<&str>) -> Router {
    app(state(ws, token))
}
