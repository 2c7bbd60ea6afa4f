//! A real browser against the real binary: `provisio serve` on a free loopback port, Debian's
//! Chromium driven through chromedriver (fantoccini): search in Chinese through the form, see
//! grouped results, follow a passage link to the document view, find the highlighted passage.
//! Screenshots go to `target/screenshots/`; with `PROVISIO_UPDATE_SCREENSHOT=1` the results page
//! also replaces `docs/screenshot.png`. Skips (saying why) when chromium is absent, except in CI.

use crate::common::{repo, Workspace};
use fantoccini::{ClientBuilder, Locator};
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// A child process killed (by its own handle) when dropped.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

/// Start `provisio serve` and return it with its base URL (read from its first stdout line).
fn start_server(ws: &Workspace) -> (Guard, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_provisio"))
        .arg("serve")
        .arg("--corpus")
        .arg(ws.corpus())
        .arg("--index")
        .arg(ws.index_dir())
        .args(["--addr", "127.0.0.1:0"])
        .env_remove("PROVISIO_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start provisio serve");
    let stdout = child.stdout.take().expect("stdout");
    let guard = Guard(child);
    let mut line = String::new();
    BufReader::new(stdout)
        .read_line(&mut line)
        .expect("read stdout");
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
        .to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    (guard, url)
}

fn start_chromedriver() -> (Guard, String) {
    let port = free_port();
    let child = Command::new(CHROMEDRIVER)
        .arg(format!("--port={port}"))
        .arg("--allowed-ips=127.0.0.1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let guard = Guard(child);
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "chromedriver did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    (guard, format!("http://127.0.0.1:{port}"))
}

fn screenshot_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("target"));
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    dir
}

fn save(png: &[u8], name: &str) -> PathBuf {
    assert!(png.starts_with(b"\x89PNG"), "not a PNG");
    let path = screenshot_dir().join(name);
    std::fs::write(&path, png).expect("write screenshot");
    eprintln!("screenshot: {}", path.display());
    path
}

fn browser_available() -> bool {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    if missing.is_empty() {
        return true;
    }
    let msg = format!(
        "{} absent (apt-get install chromium chromium-driver)",
        missing.join(" and ")
    );
    if std::env::var_os("CI").is_some() {
        panic!("the browser test must run in CI: {msg}");
    }
    eprintln!("SKIP browser test: {msg}");
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn search_and_read_in_a_real_browser() {
    if !browser_available() {
        return;
    }
    let ws = Workspace::new();
    let sample = repo().join("corpus");
    for name in [
        "zh/hunan-2023-notice.txt",
        "zh/hainan-yangpu-notice.txt",
        "zh/fujian-work-plan-2023.txt",
        "zh/shaanxi-notice-2024.txt",
        "zh/jiangsu-qualification-2022.txt",
        "zh/tianjin-enterprise-list-notice.txt",
        "zh/成都市二手车出口支持办法.txt",
        "en/guangdong-measures-unofficial-translation.txt",
    ] {
        ws.copy_in(&sample.join(name), name);
    }
    let (_server, base) = start_server(&ws);
    let (_driver, webdriver) = start_chromedriver();
    let profile = tempfile::tempdir().expect("profile dir");
    let args = vec![
        "--headless".to_string(),
        "--no-sandbox".into(),
        "--disable-gpu".into(),
        "--disable-dev-shm-usage".into(),
        "--disable-background-networking".into(),
        "--no-first-run".into(),
        "--disable-component-update".into(),
        "--disable-sync".into(),
        "--disable-quic".into(),
        "--window-size=1280,1000".into(),
        "--lang=en-US".into(),
        format!("--user-data-dir={}", profile.path().display()),
    ];
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({"binary": CHROMIUM, "args": args}),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&webdriver)
        .await
        .expect("webdriver session");
    let result = drive(&client, &base).await;
    let _ = client.close().await;
    result.expect("browser scenario");
}

async fn drive(client: &fantoccini::Client, base: &str) -> Result<(), fantoccini::error::CmdError> {
    let wait = Duration::from_secs(15);
    client.goto(&format!("{base}/")).await?;
    let input = client
        .wait()
        .at_most(wait)
        .for_element(Locator::Css("input#q"))
        .await?;
    input.send_keys("出口退税").await?;
    client
        .find(Locator::Css("form.search button[type=submit]"))
        .await?
        .click()
        .await?;
    client
        .wait()
        .at_most(wait)
        .for_element(Locator::Css("li.doc"))
        .await?;
    let url = client.current_url().await?;
    assert_eq!(url.path(), "/");
    assert!(
        url.query()
            .is_some_and(|q| q.contains("q=%E5%87%BA%E5%8F%A3%E9%80%80%E7%A8%8E")),
        "{url}"
    );
    // Grouped: several documents, each with its cited passages and highlighted matches.
    let docs = client.find_all(Locator::Css("li.doc")).await?;
    assert!(docs.len() >= 3, "only {} documents", docs.len());
    for d in &docs {
        assert!(!d.find_all(Locator::Css("li.hit a.cite")).await?.is_empty());
    }
    let marks = client.find_all(Locator::Css("li.hit mark")).await?;
    assert!(!marks.is_empty());
    assert_eq!(marks[0].text().await?, "出口退税");
    let summary = client.find(Locator::Css("p.summary")).await?.text().await?;
    assert!(summary.contains("documents"), "{summary}");
    let shot = save(&client.screenshot().await?, "search.png");
    if std::env::var_os("PROVISIO_UPDATE_SCREENSHOT").is_some() {
        std::fs::copy(&shot, repo().join("docs/screenshot.png"))
            .expect("update docs/screenshot.png");
    }

    // Follow the first passage link into the document view.
    let cite = client.find(Locator::Css("li.hit a.cite")).await?;
    let label = cite.text().await?;
    cite.click().await?;
    client
        .wait()
        .at_most(wait)
        .for_element(Locator::Css("article.document"))
        .await?;
    let url = client.current_url().await?;
    assert!(url.path().starts_with("/doc/"), "{url}");
    let fragment = url.fragment().unwrap_or_default().to_string();
    assert!(!fragment.is_empty(), "{url}");
    // The targeted passage exists, matches, and holds the highlighted term.
    let target = client
        .execute(
            "const t = document.getElementById(arguments[0]); \
             const p = t && t.closest('section.passage'); \
             return p ? [p.className, p.querySelector('mark') ? p.querySelector('mark').textContent : ''] : null;",
            vec![serde_json::Value::String(fragment.clone())],
        )
        .await?;
    let class = target[0].as_str().unwrap_or_default();
    assert!(
        class.contains("match"),
        "target {fragment} is not a matching passage: {target}"
    );
    assert_eq!(target[1], "出口退税");
    // It is styled as the target and scrolled into view.
    let in_view = client
        .execute(
            "const p = document.getElementById(arguments[0]).closest('section.passage'); \
             const r = p.getBoundingClientRect(); \
             return [r.top >= 0 && r.top < window.innerHeight, getComputedStyle(p).outlineStyle];",
            vec![serde_json::Value::String(fragment)],
        )
        .await?;
    assert_eq!(in_view[0], true, "target passage not in view: {in_view}");
    assert_eq!(in_view[1], "solid", "target passage not outlined");
    let matches = client
        .find(Locator::Css("section.matches h2"))
        .await?
        .text()
        .await?;
    assert!(matches.contains("match"), "{matches}");
    let page_label = label.split(" · ").next().unwrap_or_default().to_string();
    assert!(page_label.starts_with("p. "), "{label}");
    save(&client.screenshot().await?, "document.png");
    Ok(())
}
