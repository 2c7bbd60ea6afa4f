//! Token enforcement for servers bound beyond loopback: every request carries the token as
//! `Authorization: Bearer …` or as the cookie set by the small login form at `/login`.

use super::error::ApiError;
use super::html::{esc, layout};
use super::AppState;
use axum::extract::rejection::FormRejection;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use serde::Deserialize;

const COOKIE: &str = "provisio_session";

/// The configured token, and the cookie value derived from it (the token itself never goes
/// into a cookie).
#[derive(Clone)]
pub struct Token {
    secret: String,
    cookie: String,
}

impl Token {
    pub fn new(secret: &str) -> Token {
        let cookie = blake3::derive_key("provisio 2024 login cookie", secret.as_bytes());
        Token {
            secret: secret.to_string(),
            cookie: blake3::Hash::from(cookie).to_hex().to_string(),
        }
    }

    fn accepts(&self, headers: &HeaderMap) -> bool {
        let bearer = headers
            .get_all(header::AUTHORIZATION)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.strip_prefix("Bearer "))
            .any(|t| same(t.trim().as_bytes(), self.secret.as_bytes()));
        bearer || cookie_values(headers, COOKIE).any(|v| same(v.as_bytes(), self.cookie.as_bytes()))
    }
}

/// Compare in constant time, length included: both sides are hashed to 32 bytes first and
/// `blake3::Hash` compares in constant time.
fn same(a: &[u8], b: &[u8]) -> bool {
    blake3::hash(a) == blake3::hash(b)
}

fn cookie_values<'a>(headers: &'a HeaderMap, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(move |pair| {
            let (k, v) = pair.trim().split_once('=')?;
            (k == name).then_some(v)
        })
}

fn wants_html(req: &Request) -> bool {
    let path = req.uri().path();
    !path.starts_with("/api/")
        && path != "/health"
        && req
            .headers()
            .get(header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|a| a.contains("text/html"))
}

/// Middleware: without a configured token everything passes; with one, only `/login`, the
/// assets and `/health` (for liveness probes; it reveals no document) are open.
pub async fn require_token(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(token) = &state.shared.token else {
        return next.run(req).await;
    };
    let path = req.uri().path();
    let open = path == "/login" || path == "/health" || path.starts_with("/assets/");
    if open || token.accepts(req.headers()) {
        return next.run(req).await;
    }
    if wants_html(&req) {
        return (StatusCode::UNAUTHORIZED, login_page(None)).into_response();
    }
    let mut resp = ApiError::unauthorized().into_response();
    resp.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"provisio\""),
    );
    resp
}

fn login_page(message: Option<&str>) -> axum::response::Html<String> {
    let notice = message
        .map(|m| format!("<p class=\"notice error\" role=\"alert\">{}</p>", esc(m)))
        .unwrap_or_default();
    let body = format!(
        "<section class=\"login\"><h1>Token required</h1><p>This provisio server is shared: enter the token it was started with.</p>{notice}\
<form method=\"post\" action=\"/login\"><label for=\"token\">Token</label><span class=\"row\"><input id=\"token\" name=\"token\" type=\"password\" autocomplete=\"current-password\" required autofocus><button type=\"submit\">Log in</button></span></form></section>"
    );
    layout("Log in", "", &body)
}

/// `GET /login`: the form (or the search page when no token is needed).
pub async fn login_form(State(state): State<AppState>) -> Response {
    if state.shared.token.is_none() {
        return Redirect::to("/").into_response();
    }
    login_page(None).into_response()
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    token: String,
}

/// `POST /login`: check the token, set the session cookie, go to the search page.
pub async fn login(
    State(state): State<AppState>,
    form: Result<Form<LoginForm>, FormRejection>,
) -> Response {
    let form = match form {
        Ok(Form(f)) => f,
        // Too large stays 413; anything else about the form (no body, wrong type, no token
        // field) is a plain 400.
        Err(rejection) => {
            let status = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                StatusCode::PAYLOAD_TOO_LARGE
            } else {
                StatusCode::BAD_REQUEST
            };
            return ApiError::new(status, "bad_form", rejection.body_text()).into_response();
        }
    };
    let Some(token) = &state.shared.token else {
        return Redirect::to("/").into_response();
    };
    if !same(form.token.as_bytes(), token.secret.as_bytes()) {
        return (StatusCode::UNAUTHORIZED, login_page(Some("Wrong token."))).into_response();
    }
    let cookie = format!(
        "{COOKIE}={}; Path=/; HttpOnly; SameSite=Strict; Max-Age=2592000",
        token.cookie
    );
    let mut resp = Redirect::to("/").into_response();
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_bearer_or_cookie_only() {
        let t = Token::new("s3cret");
        let mut h = HeaderMap::new();
        assert!(!t.accepts(&h));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer s3cret"),
        );
        assert!(t.accepts(&h));
        let mut h = HeaderMap::new();
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer s3cre"),
        );
        assert!(!t.accepts(&h));
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_str(&format!("a=b; {COOKIE}={}", t.cookie)).unwrap(),
        );
        assert!(t.accepts(&h));
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("provisio_session=s3cret"),
        );
        assert!(!t.accepts(&h));
    }
}
