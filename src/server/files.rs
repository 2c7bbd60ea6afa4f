//! Serving files: originals of indexed documents (`/file/{id}`), resolved strictly under the
//! canonical corpus root, and the embedded assets (`/assets/{name}`).

use super::api::path_id;
use super::error::{ApiError, PageError};
use super::html::url_encode;
use super::AppState;
use crate::docview;
use axum::body::Body;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::path::{Component, Path as FsPath, PathBuf};
use tower::ServiceExt;
use tower_http::services::ServeFile;

const STYLE: &str = include_str!("assets/style.css");
const SCRIPT: &str = include_str!("assets/app.js");
const FAVICON: &str = include_str!("assets/favicon.svg");

/// Originals that are markup or text are shown sandboxed: no scripts, no requests.
const SANDBOX_CSP: &str = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:";

/// Resolve a corpus-relative path under `root` (canonical). `None` when the path is not a
/// plain relative path, does not exist, is not a regular file, or leads outside `root`
/// (through `..`, an absolute path or a symlink).
pub fn resolve_under(root: &FsPath, rel: &str) -> Option<PathBuf> {
    let rel_path = FsPath::new(rel);
    if rel.is_empty()
        || rel_path.is_absolute()
        || rel_path
            .components()
            .any(|c| !matches!(c, Component::Normal(_)))
    {
        return None;
    }
    let canonical = root.join(rel_path).canonicalize().ok()?;
    (canonical.starts_with(root) && canonical.is_file()).then_some(canonical)
}

fn content_type(format: &str, encoding: Option<&str>, path: &str) -> String {
    let charset = encoding
        .filter(|e| {
            !e.is_empty()
                && e.len() < 40
                && e.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
        .map(|e| format!("; charset={e}"))
        .unwrap_or_default();
    match format {
        "pdf" => "application/pdf".into(),
        "html" => format!("text/html{charset}"),
        "text" => format!("text/plain{charset}"),
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document".into(),
        // Images were recognised by their magic bytes; the extension names the kind.
        "image" => {
            let ext = path.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
            match ext.as_str() {
                "png" => "image/png",
                "jpg" | "jpeg" => "image/jpeg",
                "tif" | "tiff" => "image/tiff",
                _ => "application/octet-stream",
            }
            .into()
        }
        _ => "application/octet-stream".into(),
    }
}

/// `GET /file/{id}`: the original file of an indexed document (streamed, with range requests
/// so PDF viewers can fetch pages as they need them).
pub async fn original(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    req: Request,
) -> Result<Response, PageError> {
    let id = path_id(id)?;
    let missing = || ApiError::not_found("no original file for this id");
    let (meta, root) = state
        .blocking(move |s| {
            let meta = docview::load_meta(&s.reader.searcher(), &s.fields, &id)?;
            Ok((meta, s.corpus_root.clone()))
        })
        .await?;
    let meta = meta.ok_or_else(missing)?;
    let Some(path) = resolve_under(&root, &meta.path) else {
        tracing::warn!(
            "refused to serve {:?}: not a file under the corpus root",
            meta.path
        );
        return Err(missing().into());
    };
    let resp = match ServeFile::new(&path).oneshot(req).await {
        Ok(r) => r.map(Body::new),
        Err(never) => match never {},
    };
    if resp.status() == StatusCode::NOT_FOUND {
        return Err(missing().into());
    }
    let mut resp = resp;
    let name = meta.path.rsplit('/').next().unwrap_or("file");
    let disposition = if meta.format == "docx" {
        "attachment"
    } else {
        "inline"
    };
    let h = resp.headers_mut();
    if h.contains_key(header::CONTENT_TYPE) {
        let ct = content_type(&meta.format, meta.encoding.as_deref(), &meta.path);
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_str(&ct)
                .unwrap_or(HeaderValue::from_static("application/octet-stream")),
        );
    }
    if let Ok(v) = HeaderValue::from_str(&format!(
        "{disposition}; filename*=UTF-8''{}",
        url_encode(name)
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if matches!(meta.format.as_str(), "html" | "text") {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(SANDBOX_CSP),
        );
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    Ok(resp)
}

/// `GET /assets/{name}`: the stylesheet, script and icon embedded in the binary.
pub async fn asset(name: Result<Path<String>, PathRejection>) -> Result<Response, ApiError> {
    let name = name.map(|p| p.0).unwrap_or_default();
    let (body, ct) = match name.as_str() {
        "style.css" => (STYLE, "text/css; charset=utf-8"),
        "app.js" => (SCRIPT, "text/javascript; charset=utf-8"),
        "favicon.svg" => (FAVICON, "image/svg+xml"),
        _ => return Err(ApiError::not_found("no such asset")),
    };
    Ok((
        [
            (header::CONTENT_TYPE, ct),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_only_plain_relative_paths_inside() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("corpus");
        std::fs::create_dir_all(root.join("zh")).unwrap();
        std::fs::write(root.join("zh/a.txt"), "x").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "s").unwrap();
        let root = root.canonicalize().unwrap();
        assert!(resolve_under(&root, "zh/a.txt").is_some());
        for bad in [
            "",
            "../secret.txt",
            "zh/../../secret.txt",
            "/etc/passwd",
            "zh",
            "./zh/a.txt",
            "zh/missing.txt",
        ] {
            assert!(resolve_under(&root, bad).is_none(), "{bad}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("link.txt"))
                .unwrap();
            assert!(resolve_under(&root, "link.txt").is_none());
        }
    }

    #[test]
    fn content_types() {
        assert_eq!(content_type("pdf", None, "a.pdf"), "application/pdf");
        assert_eq!(content_type("image", None, "scans/a.TIF"), "image/tiff");
        assert_eq!(
            content_type("image", None, "scan.svg"),
            "application/octet-stream"
        );
        assert_eq!(
            content_type("text", Some("GB18030"), "a.txt"),
            "text/plain; charset=GB18030"
        );
        assert_eq!(content_type("html", Some("bad\r\nx"), "a.htm"), "text/html");
    }
}
