//! `/matrix` (an HTML table whose cells link to the searches behind them) and `/api/matrix`
//! (the same as `provisio matrix --json`).

use super::api::params;
use super::error::{ApiError, PageError};
use super::html::{esc, layout, query_string};
use super::AppState;
use crate::matrix::{matrix, Matrix, RowKind};
use axum::extract::State;
use axum::http::Uri;
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

pub(super) fn check_query(q: Option<String>) -> Result<String, ApiError> {
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
