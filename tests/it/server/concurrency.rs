//! Searching while indexing: 16 HTTP clients query a served index throughout repeated full
//! rebuilds by another process, and never see an error or a result set the rebuild emptied.

use super::state;
use crate::common::{repo, Workspace};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const CLIENTS: usize = 16;
const REBUILDS: usize = 3;

/// One `GET` over a fresh connection: `(status, body)`.
async fn http_get(addr: std::net::SocketAddr, path: &str) -> (u16, Vec<u8>) {
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let req = format!("GET {path} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await.expect("send");
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).await.expect("read");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("headers end");
    let head = String::from_utf8_lossy(&raw[..split]).to_string();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, raw[split + 4..].to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn searches_during_full_rebuilds_see_no_error_and_no_gap() {
    let ws = Workspace::new();
    for entry in walkdir::WalkDir::new(repo().join("corpus")) {
        let entry = entry.expect("walk");
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(repo().join("corpus"))
                .expect("rel");
            ws.copy_in(entry.path(), &rel.to_string_lossy());
        }
    }
    ws.index();
    let st = state(&ws, None);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(provisio::server::serve(listener, st, async {
        let _ = stop_rx.await;
    }));
    // The answer every client must keep getting.
    let path = "/api/search?q=%E5%85%8D%E8%B4%B9%E4%BB%93%E5%82%A8&limit=1";
    let (status, body) = http_get(addr, path).await;
    assert_eq!(status, 200);
    let want = serde_json::from_slice::<serde_json::Value>(&body).expect("json")["total_documents"]
        .as_u64()
        .expect("count");
    assert!(want > 0);

    let done = Arc::new(AtomicBool::new(false));
    let requests = Arc::new(AtomicU64::new(0));
    let mut clients = Vec::new();
    for _ in 0..CLIENTS {
        let (done, requests) = (done.clone(), requests.clone());
        clients.push(tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                let (status, body) = http_get(addr, path).await;
                assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
                let v: serde_json::Value = serde_json::from_slice(&body).expect("json");
                assert_eq!(
                    v["total_documents"].as_u64(),
                    Some(want),
                    "a search saw a gap"
                );
                requests.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    let (corpus, index) = (ws.corpus(), ws.index_dir());
    tokio::task::spawn_blocking(move || {
        for _ in 0..REBUILDS {
            let status = std::process::Command::new(assert_cmd::cargo::cargo_bin("provisio"))
                .args(["index", "--full", "--corpus"])
                .arg(&corpus)
                .arg("--index")
                .arg(&index)
                .stdout(std::process::Stdio::null())
                .status()
                .expect("rebuild");
            assert!(status.success());
        }
    })
    .await
    .expect("rebuilds");
    // Let the reader pick up the last commit while clients keep going.
    tokio::time::sleep(std::time::Duration::from_millis(800)).await;
    done.store(true, Ordering::Relaxed);
    for c in clients {
        c.await.expect("client");
    }
    let _ = stop_tx.send(());
    server.await.expect("server task").expect("server");
    let n = requests.load(Ordering::Relaxed);
    eprintln!("{n} searches by {CLIENTS} clients during {REBUILDS} full rebuilds, all complete");
    assert!(n >= CLIENTS as u64);
}

#[tokio::test]
async fn a_client_that_never_finishes_its_headers_is_cut_off() {
    let ws = super::fixture();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(provisio::server::serve(listener, state(&ws, None), async {
        let _ = stop_rx.await;
    }));
    let started = std::time::Instant::now();
    let mut slow = tokio::net::TcpStream::connect(addr).await.expect("connect");
    slow.write_all(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        .await
        .expect("partial headers");
    // Meanwhile others are served.
    let (status, _) = http_get(addr, "/health").await;
    assert_eq!(status, 200);
    let mut buf = Vec::new();
    let read = tokio::time::timeout(
        provisio::server::HEADER_TIMEOUT * 2,
        slow.read_to_end(&mut buf),
    )
    .await;
    assert!(read.is_ok(), "the slow connection was never closed");
    assert!(started.elapsed() >= provisio::server::HEADER_TIMEOUT / 2);
    let _ = stop_tx.send(());
    server.await.expect("server task").expect("server");
}
