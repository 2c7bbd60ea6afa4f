//! `provisio serve`: a thin adapter that brings the index up to date, then runs
//! [`provisio::server`] on a tokio runtime until Ctrl-C or SIGTERM.

use super::IndexDir;
use provisio::server::{self, AppState, ServeOptions};
use provisio::IndexOptions;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct ServeArgs {
    /// Folder of documents (indexed on start, and where originals are served from).
    #[arg(long, env = "PROVISIO_CORPUS", default_value = "corpus")]
    pub corpus: PathBuf,
    #[command(flatten)]
    pub index: IndexDir,
    /// Address to listen on. Anything but loopback requires --token.
    #[arg(long, env = "PROVISIO_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Serve the index as it is, without updating it first.
    #[arg(long)]
    pub no_index: bool,
    /// Require this token on every request (header `Authorization: Bearer TOKEN`, or the
    /// login form's cookie).
    #[arg(long, env = "PROVISIO_TOKEN", hide_env_values = true)]
    pub token: Option<String>,
    /// Recent searches kept (per index commit) to page through and repeat them without
    /// searching again; 0 turns the cache off (as benchmarks should).
    #[arg(long, env = "PROVISIO_RESULT_CACHE", default_value_t = 32)]
    pub result_cache: usize,
    #[command(flatten)]
    pub provisions: super::ProvisionsArg,
    #[command(flatten)]
    pub extraction: super::ExtractArgs,
}

pub fn run(a: ServeArgs) -> anyhow::Result<ExitCode> {
    if a.token.as_deref().is_some_and(|t| t.trim().is_empty()) {
        return super::fail(provisio::Error::Usage("--token must not be empty".into()));
    }
    if !server::is_loopback(&a.addr) && a.token.is_none() {
        return super::fail(provisio::Error::Usage(format!(
            "binding {} makes the server reachable from other machines: start it with --token (or PROVISIO_TOKEN)",
            a.addr
        )));
    }
    if !a.no_index {
        let mut opts = IndexOptions::new(&a.corpus, &a.index.index);
        opts.taxonomy = match a.provisions.load() {
            Ok(t) => t,
            Err(e) => return super::fail(e),
        };
        if let Err(e) = a.extraction.apply(&mut opts) {
            return super::fail(e);
        }
        match provisio::run_index(&opts) {
            Ok(s) => eprintln!(
                "indexed {} documents, {} passages: {} added, {} updated, {} removed, {} failed in {:.2} s",
                s.documents,
                s.passages,
                s.added,
                s.updated,
                s.removed,
                s.failed.len(),
                s.seconds
            ),
            // Another provisio is indexing: serve what is committed, it reloads on commit.
            Err(e @ provisio::Error::Locked { .. }) if a.index.index.join("meta.json").exists() => {
                eprintln!("provisio: {e}; serving the last committed index")
            }
            Err(e) => return super::fail(e),
        }
    }
    let state = match AppState::open(&ServeOptions {
        corpus: a.corpus.clone(),
        index_dir: a.index.index.clone(),
        token: a.token.clone(),
        result_cache: a.result_cache,
    }) {
        Ok(s) => s,
        Err(e) => return super::fail(e),
    };
    // Searches run on the blocking pool: bound it, so a flood of requests queues instead of
    // growing a thread (and its allocator arena) per concurrent request.
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads((cores * 4).max(8))
        .build()?;
    runtime.block_on(async move {
        let listener = match tokio::net::TcpListener::bind(a.addr).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!("provisio: cannot listen on {}: {e}", a.addr);
                return Ok(ExitCode::from(2));
            }
        };
        let local = listener.local_addr()?;
        println!("listening on http://{local}");
        server::serve(listener, state, server::shutdown_signal()).await?;
        eprintln!("provisio: shut down");
        Ok(ExitCode::SUCCESS)
    })
}
