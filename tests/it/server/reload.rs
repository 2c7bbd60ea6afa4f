//! Live reload: a commit by another process (or this one) becomes visible to the running
//! server's reader within seconds.

use super::{app_for, enc, fixture, get, search_json};
use std::time::{Duration, Instant};

#[tokio::test]
async fn a_commit_by_another_process_is_visible_within_seconds() {
    let ws = fixture();
    let app = app_for(&ws, None);
    let q = "独一无二的测试词语";
    assert_eq!(search_json(&app, q).await.total_documents, 0);
    ws.write("zh/new.txt", format!("第一条 新增文件：{q}。\n"));
    let out = assert_cmd::Command::cargo_bin("provisio")
        .expect("binary")
        .args(["index", "--corpus"])
        .arg(ws.corpus())
        .arg("--index")
        .arg(ws.index_dir())
        .output()
        .expect("run provisio index");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let started = Instant::now();
    loop {
        if search_json(&app, q).await.total_documents == 1 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "reader never reloaded"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!("visible after {:?}", started.elapsed());
    // The same through the library in this process, for a removal.
    std::fs::remove_file(ws.corpus().join("zh/new.txt")).expect("rm");
    provisio::run_index(&provisio::IndexOptions::new(ws.corpus(), ws.index_dir())).expect("index");
    let started = Instant::now();
    while search_json(&app, q).await.total_documents != 0 {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "removal never visible"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Recent searches are kept per index commit: the same query again, or another page of it,
/// is served from them with the same results; a commit is never hidden by them; and a server
/// started with the cache off searches every time.
#[tokio::test]
async fn repeated_searches_come_from_the_cache_of_their_commit() {
    let ws = fixture();
    ws.write("zh/second.txt", "第一条 鼓励企业扩大出口。\n");
    provisio::run_index(&provisio::IndexOptions::new(ws.corpus(), ws.index_dir())).expect("index");
    let app = app_for(&ws, None);
    let q = "出口";
    let first = search_json(&app, q).await;
    assert!(!first.cached && first.total_documents >= 2, "{first:?}");
    let again = search_json(&app, q).await;
    assert!(again.cached);
    assert_eq!(again.total_documents, first.total_documents);
    assert_eq!(again.total_passages, first.total_passages);
    assert_eq!(again.facets, first.facets);
    let ids =
        |r: &provisio::SearchResponse| r.documents.iter().map(|d| d.id.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&again), ids(&first));
    // Another page of the same matches: the second document first.
    let page = get(&app, &format!("/api/search?q={}&offset=1&limit=1", enc(q)))
        .await
        .json();
    assert_eq!(page["cached"], true);
    assert_eq!(page["documents"][0]["id"], ids(&first)[1]);
    // A commit that adds a match: the next search sees it, not the cached count.
    ws.write("zh/more.txt", "第一条 支持企业扩大出口。\n");
    provisio::run_index(&provisio::IndexOptions::new(ws.corpus(), ws.index_dir())).expect("index");
    let started = Instant::now();
    loop {
        let now = search_json(&app, q).await;
        if now.total_documents == first.total_documents + 1 {
            assert!(!now.cached, "the new commit's first search is a search");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "commit hidden");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // Cache off.
    let off = provisio::server::AppState::open(&provisio::server::ServeOptions {
        corpus: ws.corpus(),
        index_dir: ws.index_dir(),
        token: None,
        result_cache: 0,
    })
    .expect("open");
    let off = provisio::server::app(off);
    for _ in 0..2 {
        assert!(!search_json(&off, q).await.cached);
    }
}
