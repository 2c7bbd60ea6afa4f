//! `/api/export`: every passage matching a query with its citation, as CSV or JSON Lines,
//! streamed to the client while the exporter runs on a worker thread.

use super::api::params;
use super::error::ApiError;
use super::matrix::check_query;
use super::AppState;
use crate::export::{export, ExportFormat};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, Uri};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

#[derive(Debug, Default, Deserialize)]
pub struct ExportParams {
    q: Option<String>,
    format: Option<String>,
    expand: Option<bool>,
}

/// Sends what the exporter writes to the response body in 64 KiB chunks; fails (ending the
/// export) once the client has gone or has not read anything for [`EXPORT_STALL`].
struct ChannelWriter {
    tx: tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
    buf: Vec<u8>,
    runtime: tokio::runtime::Handle,
}

const CHUNK: usize = 64 * 1024;
/// An export whose client reads nothing for this long is abandoned.
pub const EXPORT_STALL: std::time::Duration = std::time::Duration::from_secs(60);
/// Exports running at once; more get 503 (each holds a worker thread and a searcher).
pub const MAX_EXPORTS: usize = 2;

impl std::io::Write for ChannelWriter {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        if self.buf.len() >= CHUNK {
            self.flush()?;
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::take(&mut self.buf));
        let send = tokio::time::timeout(EXPORT_STALL, self.tx.send(Ok(chunk)));
        match self.runtime.block_on(send) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(_)) => Err(std::io::ErrorKind::BrokenPipe.into()),
            Err(_) => Err(std::io::ErrorKind::TimedOut.into()),
        }
    }
}

/// `GET /api/export`: every matching passage with its citation; streamed.
pub async fn api_export(State(state): State<AppState>, uri: Uri) -> Result<Response, ApiError> {
    let p: ExportParams = params(&uri)?;
    let q =
        p.q.map(|q| q.trim().to_string())
            .filter(|q| !q.is_empty())
            .ok_or_else(|| {
                ApiError::bad_request(
                    "missing_query",
                    "the parameter q is required (use * for everything)",
                )
            })?;
    let q = check_query(Some(q))?;
    let format = ExportFormat::from_name(p.format.as_deref().unwrap_or("csv"))
        .ok_or_else(|| ApiError::bad_request("bad_parameter", "format must be csv or jsonl"))?;
    let expand = p.expand.unwrap_or(true);
    // A bad query is a 400 before anything is streamed.
    {
        let fields = state.shared.fields.clone();
        crate::query::parse(&q)?.to_query(&fields)?;
    }
    let Ok(permit) = state.shared.exports.clone().try_acquire_owned() else {
        return Err(ApiError::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            "busy",
            format!("{MAX_EXPORTS} exports are already running; try again when one has finished"),
        ));
    };
    let (tx, rx) = tokio::sync::mpsc::channel(8);
    let shared = state.shared.clone();
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        let mut w = ChannelWriter {
            tx: tx.clone(),
            buf: Vec::with_capacity(CHUNK),
            runtime: runtime.clone(),
        };
        // A panic must not look like a complete file: the body then ends with an error, which
        // the client sees as a broken transfer.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let taxonomy = shared.taxonomy();
            let searcher = shared.reader.searcher();
            export(
                &searcher,
                &shared.fields,
                &q,
                format,
                &taxonomy,
                expand,
                &mut w,
            )
        }));
        let failure = match outcome {
            Ok(Ok(_)) => None,
            Ok(Err(e)) => Some(e.to_string()),
            Err(_) => Some("the export failed unexpectedly".to_string()),
        };
        if let Some(message) = failure {
            tracing::warn!("export of '{q}' stopped: {message}");
            let _ = runtime.block_on(tx.send(Err(std::io::Error::other(message))));
        }
    });
    let stream = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|item| (item, rx))
    });
    let filename = format!("provisio-export.{}", format.extension());
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        Body::from_stream(stream),
    )
        .into_response())
}
