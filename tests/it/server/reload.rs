//! Live reload: a commit by another process (or this one) becomes visible to the running
//! server's reader within seconds.

use super::{app_for, fixture, search_json};
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
