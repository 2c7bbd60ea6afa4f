//! `provisio serve` as a user runs it: it indexes first, prints its address, answers over real
//! TCP, refuses to bind beyond loopback without a token, and shuts down cleanly on SIGTERM.

use super::fixture;
use crate::common::Workspace;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn serve(ws: &Workspace, extra: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_provisio"));
    c.arg("serve")
        .arg("--corpus")
        .arg(ws.corpus())
        .arg("--index")
        .arg(ws.index_dir())
        .args(extra)
        .env_remove("PROVISIO_TOKEN")
        .env_remove("PROVISIO_ADDR");
    c
}

/// A raw HTTP/1.1 GET over TCP: (status line, body).
fn http_get(addr: &str, path: &str) -> (String, String) {
    let mut s = TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("timeout");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut raw = String::new();
    s.read_to_string(&mut raw).expect("read");
    let status = raw.lines().next().unwrap_or_default().to_string();
    let body = raw
        .split_once("\r\n\r\n")
        .map(|x| x.1.to_string())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn refuses_to_bind_beyond_loopback_without_a_token() {
    let ws = fixture();
    let out = serve(&ws, &["--addr", "0.0.0.0:0", "--no-index"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--token"), "{err}");
    let out = serve(&ws, &["--token", " ", "--no-index"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn indexes_serves_and_stops_on_sigterm() {
    let ws = Workspace::new();
    ws.write("zh/a.txt", "第一条 对出口企业提供免费仓储服务。\n");
    let mut child = serve(&ws, &["--addr", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("line");
    let addr = line
        .trim()
        .strip_prefix("listening on http://")
        .unwrap_or_else(|| panic!("{line:?}"))
        .to_string();
    let (status, body) = http_get(&addr, "/api/search?q=%E5%85%8D%E8%B4%B9%E4%BB%93%E5%82%A8");
    assert!(status.contains(" 200 "), "{status}");
    assert!(body.contains("\"total_documents\":1"), "{body}");
    // SIGTERM to the child we started, by its pid.
    let killed = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().expect("wait") {
            break s;
        }
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("did not stop on SIGTERM");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    let mut err = String::new();
    child
        .stderr
        .take()
        .expect("stderr")
        .read_to_string(&mut err)
        .expect("stderr");
    assert!(
        err.contains("indexed 1 documents") && err.contains("shut down"),
        "{err}"
    );
}
