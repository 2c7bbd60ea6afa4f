//! The web front end and JSON API behind `provisio serve`: shared state, the router with its
//! middleware (token, limits, security headers), and serving with graceful shutdown.

mod api;
mod auth;
mod cache;
mod docpage;
pub mod error;
mod export;
mod files;
mod html;
mod matrix;
mod openapi;
mod pages;

use crate::enrich::provisions::Taxonomy;
use crate::error::{Error, Result};
use crate::index::{open_read, schema::Fields};
use crate::search::{SearchRequest, SearchResponse, MAX_LIMIT};
use axum::http::{header, HeaderValue, StatusCode};
use axum::routing::{get, MethodRouter};
use axum::Router;
use error::ApiError;
use std::future::Future;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tantivy::{Index, IndexReader, ReloadPolicy, Searcher};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

pub use openapi::openapi_spec;

/// Longest a search or document load may run before the client gets a 503.
pub const WORK_TIMEOUT: Duration = Duration::from_secs(20);
/// Longest a whole request may take (including reading an original file).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Deepest result offset served (documents).
pub const MAX_OFFSET: usize = 10_000;
/// Largest request body accepted (only the login form has one).
pub const BODY_LIMIT: usize = 16 * 1024;
/// The Content-Security-Policy of every page provisio renders.
pub const CSP: &str =
    "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// What the server needs to know: where the corpus and the index are, and the token if any.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub corpus: PathBuf,
    pub index_dir: PathBuf,
    /// When set, every request must carry it (bearer header or login cookie).
    pub token: Option<String>,
    /// Recent searches kept to page through and repeat without searching again (0: none).
    pub result_cache: usize,
}

/// State shared by every handler: one reader (reloaded after each commit, by any process), the
/// schema fields, the canonical corpus root for serving originals, and the token.
#[derive(Clone)]
pub struct AppState {
    shared: Arc<Shared>,
}

pub(crate) struct Shared {
    pub reader: IndexReader,
    pub fields: Fields,
    pub index_dir: PathBuf,
    /// Canonicalized: originals are served only from below it.
    pub corpus_root: PathBuf,
    pub token: Option<auth::Token>,
    /// The index's taxonomy, reloaded when its file changes (a re-tag by `provisio index`).
    taxonomy: std::sync::RwLock<(Option<std::time::SystemTime>, Arc<Taxonomy>)>,
    /// Permits for concurrent exports.
    pub exports: Arc<tokio::sync::Semaphore>,
    /// Permits for concurrent index work (searches, pages, facets): twice the cores.
    workers: Arc<tokio::sync::Semaphore>,
    /// Facet counts of the whole index, for the content they were computed on.
    overview: std::sync::Mutex<Option<(u64, crate::facets::Facets)>>,
    /// Recent searches of the current content.
    results: cache::ResultCache,
    /// Builds the collector's per-segment tables at each reload (the reader holds it weakly).
    _warmer: Arc<crate::tables::TableWarmer>,
    _index: Index,
}

impl Shared {
    /// Facet counts of the whole index (computed once per commit: the home page shows them).
    pub fn overview(&self, searcher: &Searcher) -> Result<crate::facets::Facets> {
        let content = cache::content_id(searcher);
        if let Ok(cached) = self.overview.lock() {
            if let Some((c, facets)) = cached.as_ref() {
                if *c == content {
                    return Ok(facets.clone());
                }
            }
        }
        let all = crate::query::parse("*")?;
        let facets = crate::facets::facet_counts(searcher, &self.fields, &all)?;
        if let Ok(mut cached) = self.overview.lock() {
            *cached = Some((content, facets.clone()));
        }
        Ok(facets)
    }

    /// The taxonomy the index was tagged with.
    pub fn taxonomy(&self) -> Arc<Taxonomy> {
        let file = self.index_dir.join(crate::index::TAXONOMY_FILE);
        let mtime = std::fs::metadata(&file).and_then(|m| m.modified()).ok();
        if let Ok(cached) = self.taxonomy.read() {
            if cached.0 == mtime {
                return cached.1.clone();
            }
        }
        let fresh = crate::index::load_taxonomy(&self.index_dir);
        if let Ok(mut cached) = self.taxonomy.write() {
            *cached = (mtime, fresh.clone());
        }
        fresh
    }
}

impl AppState {
    /// Open the index read-only and watch it for commits.
    pub fn open(opts: &ServeOptions) -> Result<AppState> {
        let (index, fields) = open_read(&opts.index_dir)?;
        let warmer = Arc::new(crate::tables::TableWarmer::default());
        let weak: std::sync::Weak<dyn tantivy::Warmer> =
            Arc::downgrade(&(warmer.clone() as Arc<dyn tantivy::Warmer>));
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::OnCommitWithDelay)
            .warmers(vec![weak])
            .try_into()?;
        let corpus_root = opts
            .corpus
            .canonicalize()
            .map_err(|e| Error::io(&opts.corpus, e))?;
        let token = match opts.token.as_deref() {
            Some("") => return Err(Error::Usage("the token must not be empty".into())),
            Some(t) => Some(auth::Token::new(t)),
            None => None,
        };
        Ok(AppState {
            shared: Arc::new(Shared {
                reader,
                fields,
                index_dir: opts.index_dir.clone(),
                corpus_root,
                token,
                taxonomy: std::sync::RwLock::new((
                    None,
                    crate::index::load_taxonomy(&opts.index_dir),
                )),
                exports: Arc::new(tokio::sync::Semaphore::new(export::MAX_EXPORTS)),
                workers: Arc::new(tokio::sync::Semaphore::new(
                    std::thread::available_parallelism().map_or(4, |n| n.get() * 2),
                )),
                overview: std::sync::Mutex::new(None),
                results: cache::ResultCache::new(opts.result_cache),
                _warmer: warmer,
                _index: index,
            }),
        })
    }

    /// A searcher over the latest reloaded commit.
    pub fn searcher(&self) -> Searcher {
        self.shared.reader.searcher()
    }

    pub fn index_dir(&self) -> &Path {
        &self.shared.index_dir
    }

    /// Run blocking index work off the async workers, with a time limit.
    pub(crate) async fn blocking<T, F>(&self, work: F) -> std::result::Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Shared) -> std::result::Result<T, ApiError> + Send + 'static,
    {
        let shared = self.shared.clone();
        let run = async move {
            // Index work is CPU-bound: a few at a time use the cores as well as many, and each
            // thread's allocator keeps what its searches allocated. The permit goes with the
            // work, so a request that timed out still holds it until its work ends.
            let permit = shared
                .workers
                .clone()
                .acquire_owned()
                .await
                .map_err(|_| ApiError::internal("the server is shutting down"))?;
            tokio::task::spawn_blocking(move || {
                let _permit = permit;
                work(&shared)
            })
            .await
            .map_err(|join| ApiError::internal(format!("worker failed: {join}")))?
        };
        match tokio::time::timeout(WORK_TIMEOUT, run).await {
            Ok(result) => result,
            Err(_) => Err(ApiError::timeout()),
        }
    }
}

/// Search parameters shared by `/` and `/api/search`, validated.
#[derive(Debug, Clone, Default)]
pub(crate) struct SearchInput {
    pub q: String,
    pub lang: Option<String>,
    pub format: Option<String>,
    pub limit: usize,
    pub offset: usize,
    /// Expand English provision words to Chinese terms.
    pub expand: bool,
    /// Count documents per facet value (the API does; the page counts its own).
    pub facets: bool,
}

impl SearchInput {
    /// Check the parameters a client sent.
    pub fn validate(
        q: Option<String>,
        lang: Option<String>,
        format: Option<String>,
        limit: Option<usize>,
        offset: Option<usize>,
    ) -> std::result::Result<SearchInput, ApiError> {
        let q = q.unwrap_or_default();
        if q.trim().is_empty() {
            return Err(ApiError::bad_request(
                "missing_query",
                "the parameter q is required",
            ));
        }
        if q.chars().count() > crate::query::MAX_QUERY_CHARS {
            return Err(ApiError::bad_request(
                "query_too_long",
                format!(
                    "q is longer than {} characters",
                    crate::query::MAX_QUERY_CHARS
                ),
            ));
        }
        let limit = limit.unwrap_or(10);
        if limit == 0 || limit > MAX_LIMIT {
            return Err(ApiError::bad_request(
                "bad_limit",
                format!("limit must be between 1 and {MAX_LIMIT}"),
            ));
        }
        let offset = offset.unwrap_or(0);
        if offset > MAX_OFFSET {
            return Err(ApiError::bad_request(
                "bad_offset",
                format!("offset must be at most {MAX_OFFSET} (narrow the query instead of paging that deep)"),
            ));
        }
        let lang = nonempty(lang);
        if let Some(l) = &lang {
            if !(2..=3).contains(&l.len()) || !l.bytes().all(|b| b.is_ascii_lowercase()) {
                return Err(ApiError::bad_request(
                    "bad_filter",
                    "lang must be a language code such as zh or en",
                ));
            }
        }
        let format = nonempty(format);
        if let Some(f) = &format {
            if crate::extract::Format::from_name(f).is_none() {
                return Err(ApiError::bad_request(
                    "bad_filter",
                    "format must be one of pdf, html, docx, text",
                ));
            }
        }
        Ok(SearchInput {
            q,
            lang,
            format,
            limit,
            offset,
            expand: true,
            facets: false,
        })
    }

    /// The query string with the filters applied (`… lang:zh format:pdf`).
    pub fn effective_query(&self, lang: bool, format: bool) -> String {
        let mut q = self.q.clone();
        if let (true, Some(l)) = (lang, &self.lang) {
            q.push_str(" lang:");
            q.push_str(l);
        }
        if let (true, Some(f)) = (format, &self.format) {
            q.push_str(" format:");
            q.push_str(f);
        }
        q
    }

    /// The parsed query with the chosen filters, expanded like the search itself.
    pub fn parsed(
        &self,
        shared: &Shared,
        lang: bool,
        format: bool,
    ) -> std::result::Result<crate::query::ParsedQuery, ApiError> {
        let taxonomy = shared.taxonomy();
        let (q, _) = crate::query::parse_with(
            &self.effective_query(lang, format),
            self.expand.then_some(taxonomy.as_ref()),
        )?;
        Ok(q)
    }

    /// Run the search (blocking).
    pub fn run(&self, shared: &Shared) -> Result<SearchResponse> {
        let mut req = SearchRequest::new(self.effective_query(true, true));
        req.limit = self.limit;
        req.offset = self.offset;
        req.expand = self.expand;
        req.facets = self.facets;
        let taxonomy = shared.taxonomy();
        req.taxonomy = Some(taxonomy.clone());
        let searcher = shared.reader.searcher();
        let key = cache::Key {
            content: cache::content_id(&searcher),
            taxonomy: taxonomy.clone(),
            query: req.query.clone(),
            expand: req.expand,
            facets: req.facets,
        };
        let (matches, cached) = match shared.results.get(&key) {
            Some(m) => (m, true),
            None => {
                let m = Arc::new(crate::search::find(&searcher, &shared.fields, &req)?);
                shared.results.put(key, m.clone());
                (m, false)
            }
        };
        let mut resp = crate::search::page(&searcher, &shared.fields, &req, &matches, cached)?;
        resp.query = self.q.clone();
        Ok(resp)
    }
}

/// `q` as sent (before trimming) must fit [`crate::query::MAX_QUERY_CHARS`].
pub(crate) fn check_query_length(q: Option<&str>) -> std::result::Result<(), ApiError> {
    if q.is_some_and(|q| q.chars().count() > crate::query::MAX_QUERY_CHARS) {
        return Err(ApiError::bad_request(
            "query_too_long",
            format!(
                "q is longer than {} characters",
                crate::query::MAX_QUERY_CHARS
            ),
        ));
    }
    Ok(())
}

fn nonempty(s: Option<String>) -> Option<String> {
    s.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// One route: its path (axum syntax, which is also OpenAPI's), its methods, its handlers.
pub struct Route {
    pub path: &'static str,
    pub methods: &'static [&'static str],
    handler: MethodRouter<AppState>,
}

fn routes() -> Vec<Route> {
    let r = |path, methods, handler| Route {
        path,
        methods,
        handler,
    };
    vec![
        r("/", &["GET"], get(pages::search_page)),
        r("/doc/{id}", &["GET"], get(docpage::doc_page)),
        r("/file/{id}", &["GET"], get(files::original)),
        r("/assets/{name}", &["GET"], get(files::asset)),
        r(
            "/login",
            &["GET", "POST"],
            get(auth::login_form).post(auth::login),
        ),
        r("/health", &["GET"], get(api::health)),
        r("/api/search", &["GET"], get(api::search)),
        r("/api/doc/{id}", &["GET"], get(api::doc)),
        r("/api/stats", &["GET"], get(api::stats)),
        r("/matrix", &["GET"], get(matrix::matrix_page)),
        r("/api/matrix", &["GET"], get(matrix::api_matrix)),
        r("/api/export", &["GET"], get(export::api_export)),
        r("/api/openapi.json", &["GET"], get(api::openapi)),
    ]
}

/// Every `(path, method)` the router answers (the OpenAPI test compares it with the spec).
pub fn route_table() -> Vec<(&'static str, &'static str)> {
    routes()
        .iter()
        .flat_map(|r| r.methods.iter().map(move |m| (r.path, *m)))
        .collect()
}

/// The application: every route with its middleware, ready to serve or to test with `oneshot`.
pub fn app(state: AppState) -> Router {
    let mut router = Router::new();
    for r in routes() {
        router = router.route(r.path, r.handler);
    }
    router
        .fallback(api::no_route)
        .method_not_allowed_fallback(api::method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::require_token,
        ))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            REQUEST_TIMEOUT,
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
        .with_state(state)
}

/// True for addresses that only this machine can reach.
pub fn is_loopback(addr: &SocketAddr) -> bool {
    addr.ip().is_loopback()
}

/// A client must send its request headers within this time (slow-header clients are cut).
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long shutdown waits for in-flight requests.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Serve `state` on `listener` (HTTP/1.1) until `shutdown` resolves, then finish in-flight
/// requests. Each connection must send its headers within [`HEADER_TIMEOUT`]; each request
/// is answered within [`REQUEST_TIMEOUT`].
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let router = app(state);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(conn) => conn,
                Err(e) => {
                    // Out of file descriptors and the like: wait, do not spin.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let service = hyper_util::service::TowerToHyperService::new(router.clone());
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(HEADER_TIMEOUT)
            .serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
        });
    }
    drop(listener);
    let _ = tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown()).await;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
