//! Incremental indexing: add, modify, delete, no-op, touch, --full.

use crate::common::{paths, Workspace};

#[test]
fn add_modify_delete_and_noop() {
    let ws = Workspace::new();
    ws.write("a.txt", "第一条 对出口企业提供免费仓储服务。\n");
    ws.write(
        "sub/b.txt",
        "Exporters of zero-mileage used cars get a rebate.\n",
    );
    let s = ws.index();
    assert_eq!((s.added, s.updated, s.removed, s.unchanged), (2, 0, 0, 0));
    assert_eq!(s.documents, 2);

    // No-op: nothing is read again.
    let s = ws.index();
    assert_eq!((s.added, s.updated, s.removed, s.unchanged), (0, 0, 0, 2));

    // Add a file.
    ws.write("c.txt", "第二条 加快出口退税进度。\n");
    let s = ws.index();
    assert_eq!((s.added, s.unchanged), (1, 2));
    assert_eq!(paths(&ws.search("出口退税")), vec!["c.txt"]);

    // Modify: the old text is gone, the new text is found, no duplicates.
    std::thread::sleep(std::time::Duration::from_millis(20));
    ws.write("a.txt", "第一条 对出口企业给予海外仓补贴。\n");
    let s = ws.index();
    assert_eq!((s.added, s.updated, s.unchanged), (0, 1, 2));
    assert_eq!(ws.search("免费仓储").total_documents, 0);
    let r = ws.search("海外仓补贴");
    assert_eq!(r.total_documents, 1);
    assert_eq!(r.total_passages, 1);

    // Delete.
    std::fs::remove_file(ws.corpus().join("sub/b.txt")).expect("rm");
    let s = ws.index();
    assert_eq!((s.removed, s.unchanged, s.documents), (1, 2, 2));
    assert_eq!(ws.search("\"rebate\"").total_documents, 0);

    // Touch without changing bytes: hashed, not re-extracted, still unchanged.
    let f = std::fs::File::options()
        .append(true)
        .open(ws.corpus().join("c.txt"))
        .expect("open");
    f.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5))
        .expect("set mtime");
    drop(f);
    let s = ws.index();
    assert_eq!((s.added, s.updated, s.unchanged), (0, 0, 2));

    // Full rebuild gives the same state.
    let mut opts = provisio::IndexOptions::new(ws.corpus(), ws.index_dir());
    opts.full = true;
    let s = provisio::run_index(&opts).expect("full");
    assert_eq!((s.added, s.documents), (2, 2));
    assert_eq!(ws.search("*").total_documents, 2);
}

#[test]
fn unsupported_files_are_counted_not_failed() {
    let ws = Workspace::new();
    ws.write("photo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    ws.write("notes.txt", "出口许可证申请须知");
    ws.write(".hidden/secret.txt", "免费仓储");
    let s = ws.index();
    assert_eq!(s.unsupported, 1);
    assert!(s.failed.is_empty(), "{:?}", s.failed);
    assert_eq!(s.documents, 1);
    assert_eq!(
        ws.search("免费仓储").total_documents,
        0,
        "hidden file indexed"
    );
}

#[test]
fn format_is_sniffed_from_content_not_extension() {
    let ws = Workspace::new();
    ws.write(
        "looks-like-text.txt",
        "<!DOCTYPE html><html><head><title>出口通知</title><script>var x='免费仓储';</script></head><body><p>海外仓建设</p></body></html>",
    );
    let s = ws.index();
    assert_eq!(s.documents, 1);
    let r = ws.search("海外仓建设");
    assert_eq!(r.documents[0].format, "html");
    assert_eq!(r.documents[0].title, "出口通知");
    assert_eq!(
        ws.search("免费仓储").total_documents,
        0,
        "script text indexed"
    );
}

#[test]
fn a_manifest_out_of_step_with_the_index_triggers_a_clean_rebuild() {
    // Simulates a run killed between the tantivy commit and the manifest rename.
    let ws = Workspace::new();
    ws.write("a.txt", "第一条 出口退税。");
    ws.write("b.txt", "第二条 免费仓储。");
    ws.index();
    let manifest = ws
        .index_dir()
        .join(provisio::index::manifest::MANIFEST_FILE);
    let mut m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&manifest).expect("read")).expect("json");
    m["generation"] = serde_json::json!(m["generation"].as_u64().expect("gen") - 1);
    std::fs::write(&manifest, serde_json::to_vec(&m).expect("ser")).expect("write");
    std::fs::remove_file(ws.corpus().join("b.txt")).expect("rm");
    let s = ws.index();
    assert_eq!((s.added, s.documents), (1, 1));
    assert_eq!(
        ws.search("*").total_passages,
        1,
        "stale or duplicate passages"
    );
    assert_eq!(ws.search("免费仓储").total_documents, 0);
}

#[test]
fn provisioignore_patterns_are_not_indexed() {
    let ws = Workspace::new();
    ws.write(".provisioignore", "# comment\nREADME.md\n*.tmp\n/drafts/\n");
    ws.write("README.md", "免费仓储");
    ws.write("sub/README.md", "免费仓储");
    ws.write("sub/x.tmp", "免费仓储");
    ws.write("drafts/a.txt", "免费仓储");
    ws.write("sub/drafts/kept.txt", "免费仓储");
    ws.write("kept.txt", "免费仓储");
    let s = ws.index();
    assert_eq!(s.documents, 2);
    let mut got = paths(&ws.search("免费仓储"));
    got.sort();
    assert_eq!(got, vec!["kept.txt", "sub/drafts/kept.txt"]);
}
