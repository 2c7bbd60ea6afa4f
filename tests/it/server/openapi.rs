//! The OpenAPI description is true: its paths and methods are exactly the router's, every
//! documented operation is routed, and real responses validate against its schemas.

use super::{app_for, enc, fixture, get, id_of, send};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use provisio::server::route_table;
use serde_json::Value;

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
    let app = app_for(&ws, None);
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
        let uri = if uri.starts_with("/api/search") || uri.starts_with("/api/export") {
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
        ("/api/matrix", "200", "/api/matrix".to_string()),
        (
            "/api/matrix",
            "200",
            format!("/api/matrix?rows=year&q={}", enc("补贴")),
        ),
        ("/api/matrix", "400", "/api/matrix?rows=colour".to_string()),
        ("/api/export", "400", "/api/export?q=%22x".to_string()),
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
