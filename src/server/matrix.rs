//! `/matrix` (an HTML table whose cells link to the searches behind them), `/api/matrix`
//! (the same as `provisio matrix --json`) and `/api/export` (CSV or JSON Lines, streamed).

use super::api::params;
use super::error::{ApiError, PageError};
use super::html::{esc, layout, query_string};
use super::AppState;
use crate::export::{export, ExportFormat};
use crate::matrix::{matrix, Matrix, RowKind};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use std::fmt::Write as _;

#[derive(Debug, Default, Deserialize)]
pub struct MatrixParams {
    q: Option<String>,
    rows: Option<String>,
    expand: Option<bool>,
    /// Show provisions no document has.
    all: Option<bool>,
}

fn check_query(q: Option<String>) -> Result<String, ApiError> {
    super::check_query_length(q.as_deref())?;
    let q = q.map(|q| q.trim().to_string()).filter(|q| !q.is_empty());
    Ok(q.unwrap_or_else(|| "*".to_string()))
}

fn rows_of(rows: Option<&str>) -> Result<RowKind, ApiError> {
    RowKind::from_name(rows.unwrap_or("region")).ok_or_else(|| {
        ApiError::bad_request("bad_parameter", "rows must be region, issuer, year or type")
    })
}

async fn compute(state: &AppState, p: &MatrixParams) -> Result<Matrix, ApiError> {
    let q = check_query(p.q.clone())?;
    let rows = rows_of(p.rows.as_deref())?;
    let expand = p.expand.unwrap_or(true);
    state
        .blocking(move |s| {
            let taxonomy = s.taxonomy();
            Ok(matrix(
                &s.reader.searcher(),
                &s.fields,
                &q,
                rows,
                &taxonomy,
                expand,
            )?)
        })
        .await
}

/// `GET /api/matrix`.
pub async fn api_matrix(State(state): State<AppState>, uri: Uri) -> Result<Json<Matrix>, ApiError> {
    let p: MatrixParams = params(&uri)?;
    Ok(Json(compute(&state, &p).await?))
}

/// `GET /matrix`.
pub async fn matrix_page(State(state): State<AppState>, uri: Uri) -> Result<Response, PageError> {
    let p: MatrixParams = params(&uri)?;
    let m = compute(&state, &p).await?;
    let q = if m.query == "*" { "" } else { m.query.as_str() };
    let mut body = String::from("<section class=\"matrix\"><h1>Provisions by ");
    body.push_str(match m.rows_by {
        RowKind::Region => "region",
        RowKind::Issuer => "issuer",
        RowKind::Year => "year",
        RowKind::Doctype => "document type",
    });
    body.push_str("</h1><form class=\"matrix-form\" method=\"get\" action=\"/matrix\">");
    let _ = write!(
        body,
        "<label>Documents matching <input type=\"search\" name=\"q\" value=\"{}\" placeholder=\"all documents\"></label> <label>Rows <select name=\"rows\">",
        esc(q)
    );
    for (value, name) in [
        ("region", "Region"),
        ("issuer", "Issuer"),
        ("year", "Year"),
        ("type", "Document type"),
    ] {
        let selected = RowKind::from_name(value) == Some(m.rows_by);
        let _ = write!(
            body,
            "<option value=\"{value}\"{}>{name}</option>",
            if selected { " selected" } else { "" }
        );
    }
    body.push_str("</select></label> <button type=\"submit\">Show</button></form>");
    let _ = write!(
        body,
        "<p class=\"summary\"><strong>{}</strong> documents; each cell counts documents with at least one matching passage tagged with the provision, and links to them. {} without a value for the rows.</p>",
        m.total_documents, m.without_row_value
    );
    let show_all = p.all.unwrap_or(false);
    // Cell links search the way the counts were made.
    let no_expand = if p.expand.unwrap_or(true) {
        ""
    } else {
        "false"
    };
    let cols: Vec<usize> = (0..m.columns.len())
        .filter(|&i| show_all || m.columns[i].documents > 0)
        .collect();
    body.push_str("<div class=\"table-wrap\"><table class=\"matrix-table\"><thead><tr><th scope=\"col\"></th><th scope=\"col\">Documents</th>");
    for &i in &cols {
        let c = &m.columns[i];
        let _ = write!(
            body,
            "<th scope=\"col\" title=\"{}\"><span lang=\"zh\">{}</span><small>{}</small></th>",
            esc(&c.id),
            esc(&c.label_zh),
            esc(&c.label_en)
        );
    }
    body.push_str("</tr></thead><tbody>");
    for r in &m.rows {
        let depth = if m.rows_by == RowKind::Region {
            r.value.matches('/').count().saturating_sub(1)
        } else {
            0
        };
        let name = if m.rows_by == RowKind::Region {
            r.value.rsplit('/').next().unwrap_or(&r.value).to_string()
        } else {
            r.value.clone()
        };
        let _ = write!(
            body,
            "<tr class=\"depth-{depth}\"><th scope=\"row\" lang=\"zh\">{}</th><td><a href=\"/{}\">{}</a></td>",
            esc(&name),
            esc(&query_string(&[("q", &m.cell_query(r, None)), ("expand", no_expand)])),
            r.documents
        );
        for &i in &cols {
            let n = r.cells[i];
            if n == 0 {
                body.push_str("<td class=\"zero\">·</td>");
            } else {
                let _ = write!(
                    body,
                    "<td><a href=\"/{}\">{n}</a></td>",
                    esc(&query_string(&[
                        ("q", &m.cell_query(r, Some(&m.columns[i]))),
                        ("expand", no_expand)
                    ]))
                );
            }
        }
        body.push_str("</tr>");
    }
    body.push_str("</tbody></table></div>");
    let _ = write!(
        body,
        "<p class=\"links\"><a href=\"/api/matrix{}\">JSON</a> · <a href=\"/api/export{}\">Export these passages (CSV)</a></p></section>",
        esc(&query_string(&[("q", &m.query), ("rows", &format!("{:?}", m.rows_by).to_lowercase())])),
        esc(&query_string(&[("q", &m.query), ("format", "csv")]))
    );
    Ok(layout("Provision matrix", "", &body).into_response())
}

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
