//! The JSON API: `/api/search`, `/api/doc/{id}`, `/api/stats`, `/api/openapi.json`, `/health`,
//! and the JSON answers for unknown routes and methods.

use super::error::ApiError;
use super::{AppState, SearchInput};
use crate::docview::{self, DocumentView};
use crate::search::SearchResponse;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, Uri};
use axum::Json;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Decode the query string into `T`, answering 400 on malformed parameters.
pub fn params<T: DeserializeOwned + Default>(uri: &Uri) -> Result<T, ApiError> {
    if uri.query().is_none() {
        return Ok(T::default());
    }
    Query::<T>::try_from_uri(uri)
        .map(|q| q.0)
        .map_err(|e| ApiError::bad_request("bad_parameter", e.body_text()))
}

/// The `{id}` of a path; an undecodable one is simply not found (404).
pub fn path_id(path: Result<Path<String>, PathRejection>) -> Result<String, ApiError> {
    path.map(|p| p.0)
        .map_err(|_| ApiError::not_found("no document with this id in the index"))
}

#[derive(Debug, Default, Deserialize)]
pub struct SearchParams {
    q: Option<String>,
    limit: Option<usize>,
    offset: Option<usize>,
    lang: Option<String>,
    format: Option<String>,
    /// `false` turns off English→Chinese provision expansion.
    expand: Option<bool>,
    /// `false` leaves out the facet counts (a client that does not show them saves their cost).
    facets: Option<bool>,
}

/// `GET /api/search`: the same response as `provisio search --json`.
pub async fn search(
    State(state): State<AppState>,
    uri: Uri,
) -> Result<Json<SearchResponse>, ApiError> {
    let p: SearchParams = params(&uri)?;
    let mut input = SearchInput::validate(p.q, p.lang, p.format, p.limit, p.offset)?;
    input.expand = p.expand.unwrap_or(true);
    input.facets = p.facets.unwrap_or(true);
    let resp = state.blocking(move |s| Ok(input.run(s)?)).await?;
    Ok(Json(resp))
}

#[derive(Debug, Default, Deserialize)]
pub struct DocParams {
    q: Option<String>,
    expand: Option<bool>,
}

/// A document with, when `q` was given, the ordinals of the passages it matches.
#[derive(Debug, Serialize)]
pub struct DocResponse {
    #[serde(flatten)]
    pub document: DocumentView,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matching_passages: Option<Vec<u64>>,
}

/// `GET /api/doc/{id}`: metadata and every passage in reading order.
pub async fn doc(
    State(state): State<AppState>,
    id: Result<Path<String>, PathRejection>,
    uri: Uri,
) -> Result<Json<DocResponse>, ApiError> {
    let id = path_id(id)?;
    let p: DocParams = params(&uri)?;
    super::check_query_length(p.q.as_deref())?;
    let q = p.q.map(|q| q.trim().to_string()).filter(|q| !q.is_empty());
    let expand = p.expand.unwrap_or(true);
    let resp = state
        .blocking(move |s| {
            let searcher = s.reader.searcher();
            let document = docview::load(&searcher, &s.fields, &id)?
                .ok_or_else(|| ApiError::not_found("no document with this id in the index"))?;
            let matching_passages = match q {
                Some(q) => {
                    let taxonomy = s.taxonomy();
                    let (parsed, _) =
                        crate::query::parse_with(&q, expand.then_some(taxonomy.as_ref()))?;
                    Some(docview::matching_ordinals(
                        &searcher, &s.fields, &id, &parsed,
                    )?)
                }
                None => None,
            };
            Ok(DocResponse {
                document,
                matching_passages,
            })
        })
        .await?;
    Ok(Json(resp))
}

/// `GET /api/stats`: what the index holds (as `provisio stats --json`).
pub async fn stats(State(state): State<AppState>) -> Result<Json<crate::stats::Stats>, ApiError> {
    let dir = state.index_dir().to_path_buf();
    let s = state
        .blocking(move |_| Ok(crate::stats::stats(&dir)?))
        .await?;
    Ok(Json(s))
}

#[derive(Debug, Serialize)]
pub struct Health {
    pub status: &'static str,
    pub version: &'static str,
    /// Passages visible to searches now.
    pub passages: u64,
}

/// `GET /health`: the server is up and its index readable.
pub async fn health(State(state): State<AppState>) -> Json<Health> {
    Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
        passages: state.searcher().num_docs(),
    })
}

/// `GET /api/openapi.json`.
pub async fn openapi() -> Json<serde_json::Value> {
    Json(super::openapi_spec())
}

/// Any path no route serves.
pub async fn no_route(uri: Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    let e = ApiError::new(
        StatusCode::NOT_FOUND,
        "no_route",
        "no such page or endpoint",
    );
    if uri.path().starts_with("/api/") {
        e.into_response()
    } else {
        super::error::PageError(e).into_response()
    }
}

/// A known path asked with a method it does not answer.
pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this path does not answer this method",
    )
}
