//! Bad input loses nothing: panicking extractors, malformed queries, locks, real-world PDFs.

use crate::common::{repo, shared_testdata, Workspace};
use assert_cmd::Command;

fn provisio() -> Command {
    Command::cargo_bin("provisio").expect("binary")
}

#[test]
fn a_panicking_pdf_is_reported_and_the_rest_indexed() {
    let ws = Workspace::new();
    ws.copy_in(&repo().join("tests/fixtures/panics.pdf"), "bad.pdf");
    ws.write("good.txt", "第一条 对企业提供免费仓储服务。");
    let out = provisio()
        .args(["index", "--json", "--corpus"])
        .arg(ws.corpus())
        .arg("--index")
        .arg(ws.index_dir())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1), "exit code when a file fails");
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json summary");
    assert_eq!(summary["added"], 1);
    let failed = summary["failed"].as_array().expect("failed array");
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0]["path"], "bad.pdf");
    assert!(!failed[0]["reason"].as_str().unwrap_or("").is_empty());
    assert_eq!(ws.search("免费仓储").total_documents, 1);
    // The failure is kept for `stats`.
    let out = provisio()
        .args(["stats", "--json", "--index"])
        .arg(ws.index_dir())
        .output()
        .expect("stats");
    assert!(out.status.success());
    let stats: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stats json");
    assert_eq!(stats["failed"][0]["path"], "bad.pdf");
}

#[test]
fn malformed_query_is_a_one_line_error_with_exit_2() {
    let ws = Workspace::new();
    ws.write("a.txt", "出口退税");
    ws.index();
    for q in ["\"unclosed", "OR", "foo:bar", "format:exe"] {
        let out = provisio()
            .args(["search", "--index"])
            .arg(ws.index_dir())
            .arg(q)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2), "query {q:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains("invalid query"), "{err}");
        assert!(!err.contains("panicked"));
    }
}

#[test]
fn search_json_has_the_documented_shape() {
    let ws = Workspace::new();
    ws.write(
        "a.txt",
        "第三条 对<script>alert(1)</script>企业提供免费仓储。",
    );
    ws.index();
    let out = provisio()
        .args(["search", "--json", "--index"])
        .arg(ws.index_dir())
        .arg("免费仓储")
        .output()
        .expect("run");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    for key in [
        "query",
        "total_documents",
        "total_passages",
        "took_ms",
        "documents",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    let d = &v["documents"][0];
    for key in [
        "id", "path", "title", "format", "language", "score", "passages",
    ] {
        assert!(d.get(key).is_some(), "missing documents[].{key}");
    }
    let p = &d["passages"][0];
    assert_eq!(p["page"], 1);
    assert_eq!(p["label"], "第三条");
    let h = p["highlight"].as_str().expect("highlight");
    assert!(h.contains("<mark>免费仓储</mark>"), "{h}");
    assert!(
        h.contains("&lt;script&gt;") && !h.contains("<script>"),
        "{h}"
    );
}

#[test]
fn a_second_writer_fails_fast() {
    let ws = Workspace::new();
    ws.write("a.txt", "出口退税");
    std::fs::create_dir_all(ws.index_dir()).expect("mkdir");
    let _held = provisio::index::lock(&ws.index_dir()).expect("first lock");
    let out = provisio()
        .args(["index", "--corpus"])
        .arg(ws.corpus())
        .arg("--index")
        .arg(ws.index_dir())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(&format!(
            "locked by another provisio (pid {})",
            std::process::id()
        )),
        "{err}"
    );
}

#[test]
fn missing_index_and_corpus_are_clear_errors() {
    let ws = Workspace::new();
    let out = provisio()
        .args(["search", "--index"])
        .arg(ws.dir.path().join("nope"))
        .arg("x")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("run `provisio index` first"));
    let out = provisio()
        .args(["index", "--corpus"])
        .arg(ws.dir.path().join("missing"))
        .arg("--index")
        .arg(ws.index_dir())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not exist"));
}

#[cfg(unix)]
#[test]
fn symlinks_out_of_the_corpus_and_loops_are_not_followed() {
    let ws = Workspace::new();
    let outside = ws.dir.path().join("outside");
    std::fs::create_dir_all(&outside).expect("mkdir");
    std::fs::write(outside.join("secret.txt"), "免费仓储").expect("write");
    ws.write("in/a.txt", "出口退税");
    std::os::unix::fs::symlink(&outside, ws.corpus().join("in/out-link")).expect("link");
    std::os::unix::fs::symlink(ws.corpus(), ws.corpus().join("in/loop")).expect("loop");
    ws.write("target/inside.txt", "海外仓");
    std::os::unix::fs::symlink(ws.corpus().join("target"), ws.corpus().join("in/in-link"))
        .expect("link");
    // By default no link is followed.
    let s = ws.index();
    assert_eq!(s.documents, 2, "{s:?}");
    assert_eq!(ws.search("海外仓").total_documents, 1);
    // --follow-links: links inside the corpus are followed (the file is indexed once), links
    // out of it never are, and the loop is reported, not followed.
    let mut opts = provisio::IndexOptions::new(ws.corpus(), ws.index_dir());
    opts.follow_links = true;
    opts.full = true;
    let s = provisio::run_index(&opts).expect("run");
    assert_eq!(s.documents, 2, "{s:?}");
    assert!(s.failed.iter().any(|f| f.reason.contains("loop")), "{s:?}");
    assert_eq!(
        ws.search("免费仓储").total_documents,
        0,
        "followed a link out of the corpus"
    );
}

#[test]
fn the_file_system_as_it_is_never_stops_a_run() {
    use std::os::unix::ffi::OsStrExt;
    let ws = Workspace::new();
    ws.write("ok.txt", "出口退税的通知");
    // A name that is not UTF-8.
    let odd = std::ffi::OsStr::from_bytes(b"caf\xe9-\xff.txt");
    std::fs::write(ws.corpus().join(odd), "免费仓储的通知").expect("odd name");
    // Zero bytes; a directory named like a PDF; a named pipe.
    ws.write("empty.pdf", b"");
    std::fs::create_dir_all(ws.corpus().join("folder.pdf")).expect("dir");
    ws.write("folder.pdf/inside.txt", "海外仓的通知");
    let fifo = ws.corpus().join("pipe.txt");
    let made_fifo = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    // Unreadable (skipped when running as root, who reads anything).
    let locked = ws.write("locked.txt", "补贴的通知");
    std::fs::set_permissions(&locked, std::os::unix::fs::PermissionsExt::from_mode(0o000))
        .expect("chmod");
    let unreadable = std::fs::read(&locked).is_err();

    let s = ws.index();
    let reasons: Vec<String> = s
        .failed
        .iter()
        .map(|f| format!("{}: {}", f.path, f.reason))
        .collect();
    assert!(
        reasons.iter().any(|r| r == "empty.pdf: empty file"),
        "{reasons:?}"
    );
    if unreadable {
        assert!(
            reasons
                .iter()
                .any(|r| r.starts_with("locked.txt: cannot read")),
            "{reasons:?}"
        );
    } else {
        eprintln!("SKIP permission check: running as a user who can read mode-000 files");
    }
    let expected = 3 + usize::from(!unreadable);
    assert_eq!(s.documents, expected, "{s:?}");
    assert_eq!(
        ws.search("免费仓储").total_documents,
        1,
        "the non-UTF-8 name is indexed"
    );
    assert_eq!(ws.search("海外仓").total_documents, 1);
    if made_fifo {
        assert!(
            !reasons.iter().any(|r| r.starts_with("pipe.txt")),
            "a pipe is not read"
        );
    }
    // A second run over the same oddities changes nothing and does not hang on the pipe.
    let s = ws.index();
    assert_eq!(s.documents, expected);
    assert_eq!((s.added, s.updated, s.removed), (0, 0, 0));
}

#[test]
fn real_world_pdfs_never_escape_a_panic_and_every_failure_has_a_reason() {
    let Some(pdfs) = shared_testdata("pdfs") else {
        return;
    };
    let ws = Workspace::new();
    for entry in std::fs::read_dir(&pdfs).expect("read dir") {
        let p = entry.expect("entry").path();
        if p.extension().is_some_and(|e| e == "pdf") {
            ws.copy_in(&p, &p.file_name().expect("name").to_string_lossy());
        }
    }
    let s = ws.index();
    assert!(s.documents >= 30, "only {} PDFs indexed", s.documents);
    for f in &s.failed {
        assert!(
            f.reason.len() > 5,
            "{}: vague reason {:?}",
            f.path,
            f.reason
        );
    }
    // Predefined CJK CMaps (GBK-EUC-H, GBKp-EUC-H) are decoded natively.
    let r = ws.search("浅谈校长的魅力");
    assert!(
        r.documents.iter().any(|d| d.path.starts_with("P055")),
        "P055 text not found"
    );
    let r = ws.search("我们都是黑体字");
    assert!(
        r.documents.iter().any(|d| d.path.starts_with("P056")),
        "P056 text not found"
    );
}

#[cfg(unix)]
#[test]
fn a_closed_stdout_is_not_a_panic() {
    let ws = Workspace::new();
    for i in 0..30 {
        ws.write(
            &format!("f{i}.txt"),
            format!("第{i}条 出口退税。\n\n出口退税第二段。"),
        );
    }
    ws.index();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("provisio"))
        .args(["search", "--limit", "30", "--index"])
        .arg(ws.index_dir())
        .arg("出口退税")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    // Close the read end at once, as `| head -0` would.
    drop(child.stdout.take());
    let out = child.wait_with_output().expect("wait");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn an_unwritable_index_location_is_a_clear_error_and_the_old_index_survives() {
    let ws = Workspace::new();
    ws.write("a.txt", "出口退税的通知");
    ws.index();
    // The index path runs through a regular file: nothing can be created there.
    let blocker = ws.dir.path().join("blocker");
    std::fs::write(&blocker, "not a folder").expect("write");
    let out = provisio()
        .args(["index", "--corpus"])
        .arg(ws.corpus())
        .arg("--index")
        .arg(blocker.join("index"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("blocker"), "{err}");
    assert_eq!(err.lines().count(), 1, "one clear line: {err}");

    // A read-only index folder (not enforceable for root, who writes anyway).
    let index = ws.index_dir();
    ws.write("b.txt", "免费仓储的通知");
    let mode = |m| std::os::unix::fs::PermissionsExt::from_mode(m);
    std::fs::set_permissions(&index, mode(0o555)).expect("chmod");
    let probe = index.join("probe");
    if std::fs::write(&probe, "x").is_ok() {
        let _ = std::fs::remove_file(&probe);
        eprintln!("SKIP read-only check: this user writes into mode-555 folders (root)");
    } else {
        let out = provisio()
            .args(["index", "--corpus"])
            .arg(ws.corpus())
            .arg("--index")
            .arg(&index)
            .output()
            .expect("run");
        assert_eq!(out.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&out.stderr).contains("ermission"));
    }
    std::fs::set_permissions(&index, mode(0o755)).expect("chmod back");
    // The last committed index is intact and searchable.
    assert_eq!(ws.search("出口退税").total_documents, 1);
}
