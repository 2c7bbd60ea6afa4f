//! OCR of scans: image-only PDF pages, a PNG photo and a multi-page TIFF (tests/data/ocr, made
//! from known text by make_fixtures.py) are found by search with `ocr: true`; without
//! Tesseract the run goes on and says why; re-indexing takes OCR text from the cache.
//!
//! These need tesseract (with chi_sim and eng) and pdftoppm. Without them the tests print why
//! and pass, unless `PROVISIO_REQUIRE_OCR=1` (set by .ci/run, which installs them).

use crate::common::{repo, search_in, shared_testdata, Workspace};
use assert_cmd::Command;
use provisio::extract::isolate::WorkerConfig;
use provisio::extract::ocr::{Ocr, OcrRequest};
use provisio::{IndexOptions, SearchResponse};

/// The OCR tools, or `None` (with the reason printed) when this machine lacks them.
fn ocr_tools() -> Option<Ocr> {
    let ocr = Ocr::discover(&OcrRequest::default());
    if ocr.reads_pdfs() {
        return Some(ocr);
    }
    let why = ocr.describe();
    if std::env::var_os("PROVISIO_REQUIRE_OCR").is_some() {
        panic!("PROVISIO_REQUIRE_OCR is set but OCR cannot run: {why}");
    }
    eprintln!("SKIP: {why}");
    None
}

fn fixture(name: &str) -> std::path::PathBuf {
    repo().join("tests/data/ocr").join(name)
}

fn options(ws: &Workspace, ocr: Ocr, isolated: bool) -> IndexOptions {
    let mut opts = IndexOptions::new(ws.corpus(), ws.index_dir());
    opts.ocr = ocr;
    if isolated {
        opts.isolation = Some(WorkerConfig {
            exe: assert_cmd::cargo::cargo_bin("provisio"),
            memory_limit: 1024 * 1024 * 1024,
            ocr: Ocr::default(),
        });
    }
    opts
}

/// `provisio index` over the workspace with `extra` options.
fn cli_index(ws: &Workspace, extra: &[&str]) -> std::process::Output {
    Command::cargo_bin("provisio")
        .expect("binary")
        .arg("index")
        .arg("--corpus")
        .arg(ws.corpus())
        .arg("--index")
        .arg(ws.index_dir())
        .args(extra)
        .output()
        .expect("run")
}

/// The passages of `path` in a response: (page, ocr, text).
fn passages_of(r: &SearchResponse, path: &str) -> Vec<(u64, bool, String)> {
    r.documents
        .iter()
        .filter(|d| d.path == path)
        .flat_map(|d| d.passages.iter().map(|p| (p.page, p.ocr, p.text.clone())))
        .collect()
}

#[test]
fn image_only_pdf_is_read_by_ocr_in_the_worker_and_found() {
    let Some(ocr) = ocr_tools() else { return };
    let ws = Workspace::new();
    ws.copy_in(&fixture("scan-notice.pdf"), "scans/scan-notice.pdf");
    ws.copy_in(
        &repo().join("corpus/zh/hainan-yangpu-notice.txt"),
        "hainan.txt",
    );
    let summary = provisio::run_index(&options(&ws, ocr, true)).expect("index");
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    assert_eq!(summary.ocr_pages, 2, "{summary:?}");
    assert_eq!(summary.documents, 2);

    let r = search_in(&ws.index_dir(), "免费仓储", 10);
    let hits = passages_of(&r, "scans/scan-notice.pdf");
    assert!(
        hits.iter()
            .any(|(page, ocr, text)| *page == 2 && *ocr && text.contains("零公里二手车")),
        "{hits:?}"
    );
    // The typed text file found by the same query is not marked.
    assert!(passages_of(&r, "hainan.txt").iter().all(|(_, ocr, _)| !ocr));
    let r = search_in(&ws.index_dir(), "出口退税", 10);
    let hits = passages_of(&r, "scans/scan-notice.pdf");
    assert!(
        hits.iter().any(|(page, ocr, _)| *page == 1 && *ocr),
        "{hits:?}"
    );
    // Chinese OCR output has no spaces between characters left.
    assert!(
        hits.iter().all(|(_, _, t)| !t.contains("出 口")),
        "{hits:?}"
    );
    // `ocr:` keeps (or drops) what was read from scans.
    let only = |q: &str| -> Vec<String> {
        search_in(&ws.index_dir(), q, 10)
            .documents
            .iter()
            .map(|d| d.path.clone())
            .collect()
    };
    assert_eq!(only("二手车 ocr:true"), ["scans/scan-notice.pdf"]);
    assert_eq!(only("二手车 ocr:false"), ["hainan.txt"]);
    // The metadata pass reads the OCR text too: issuer and date from the signature block.
    let doc = r
        .documents
        .iter()
        .find(|d| d.path == "scans/scan-notice.pdf")
        .expect("doc");
    assert_eq!(doc.date.as_deref(), Some("2024-03-15"), "{doc:?}");
    assert!(doc.issuers.iter().any(|i| i == "示范市商务局"), "{doc:?}");
}

#[test]
fn png_and_multi_page_tiff_are_indexed_page_by_page() {
    let Some(ocr) = ocr_tools() else { return };
    let ws = Workspace::new();
    ws.copy_in(&fixture("notice-photo.png"), "photo.png");
    ws.copy_in(&fixture("notice-pages.tif"), "pages.tif");
    // In-process extraction (no worker): the other path OCR takes.
    let summary = provisio::run_index(&options(&ws, ocr, false)).expect("index");
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    assert_eq!(summary.ocr_pages, 3, "{summary:?}");

    let r = search_in(&ws.index_dir(), "\"overseas warehouses\"", 10);
    let hits = passages_of(&r, "photo.png");
    assert!(
        hits.iter().all(|(page, ocr, _)| *page == 1 && *ocr),
        "{hits:?}"
    );
    assert!(!hits.is_empty(), "{r:?}");
    assert_eq!(r.documents[0].format, "image");

    let first = passages_of(&search_in(&ws.index_dir(), "跨境电商", 10), "pages.tif");
    assert!(
        first.iter().any(|(page, ocr, _)| *page == 1 && *ocr),
        "{first:?}"
    );
    let second = passages_of(&search_in(&ws.index_dir(), "出口许可证", 10), "pages.tif");
    assert!(
        second.iter().any(|(page, ocr, _)| *page == 2 && *ocr),
        "{second:?}"
    );
}

#[test]
fn without_tesseract_scans_are_reported_and_read_once_it_is_there() {
    let ws = Workspace::new();
    ws.copy_in(&fixture("scan-notice.pdf"), "scan-notice.pdf");
    ws.copy_in(&fixture("notice-photo.png"), "photo.png");
    ws.copy_in(
        &repo().join("corpus/zh/hainan-yangpu-notice.txt"),
        "hainan.txt",
    );
    let index = |extra: &[&str]| cli_index(&ws, extra);
    let out = index(&["--tesseract", "/nonexistent/tesseract"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    // The run completes (exit 1: some files failed) and says why, file by file.
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    for name in ["scan-notice.pdf", "photo.png"] {
        assert!(
            stderr.contains(&format!(
                "failed: {name}: no text layer; OCR not available (tesseract not found at /nonexistent/tesseract"
            )),
            "{stderr}"
        );
    }
    assert!(
        stderr.contains("2 files have scanned pages that were not read"),
        "{stderr}"
    );
    assert!(stdout.contains("indexed 1 documents"), "{stdout}");
    assert_eq!(
        search_in(&ws.index_dir(), "免费仓储", 10).total_documents,
        1
    );

    let doctor = Command::cargo_bin("provisio")
        .expect("binary")
        .args(["doctor", "--tesseract", "/nonexistent/tesseract"])
        .output()
        .expect("doctor");
    let said = String::from_utf8_lossy(&doctor.stdout);
    assert!(said.contains("missing tesseract"), "{said}");
    assert!(said.contains("OCR of scanned PDF pages: no"), "{said}");

    // Once OCR is there, a plain re-index reads the waiting files although they did not change.
    if ocr_tools().is_none() {
        return;
    }
    let out = index(&[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("indexed 3 documents"), "{stdout}");
    assert!(
        stdout.contains("OCR read 3 pages (0 from the cache)"),
        "{stdout}"
    );
    assert_eq!(
        search_in(&ws.index_dir(), "免费仓储", 10).total_documents,
        2
    );
    // And a run after that has nothing left to read.
    let out = index(&[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("3 unchanged"), "{stdout}");
    assert!(!stdout.contains("OCR read"), "{stdout}");
}

#[test]
fn a_rebuild_takes_ocr_text_from_the_cache() {
    let Some(ocr) = ocr_tools() else { return };
    let ws = Workspace::new();
    ws.copy_in(&fixture("scan-notice.pdf"), "scan-notice.pdf");
    ws.copy_in(&fixture("notice-pages.tif"), "pages.tif");
    let opts = options(&ws, ocr, true);
    let first = provisio::run_index(&opts).expect("index");
    assert_eq!((first.ocr_pages, first.ocr_cached), (4, 0), "{first:?}");
    let before = search_in(&ws.index_dir(), "二手车", 10);

    let mut full = opts.clone();
    full.full = true;
    let again = provisio::run_index(&full).expect("rebuild");
    assert_eq!((again.ocr_pages, again.ocr_cached), (4, 4), "{again:?}");
    let after = search_in(&ws.index_dir(), "二手车", 10);
    let texts = |r: &SearchResponse| -> Vec<String> {
        r.documents
            .iter()
            .flat_map(|d| d.passages.iter().map(|p| p.text.clone()))
            .collect()
    };
    assert_eq!(texts(&before), texts(&after));

    // A file that leaves the corpus takes its cache entry with it.
    std::fs::remove_file(ws.corpus().join("pages.tif")).expect("rm");
    provisio::run_index(&opts).expect("index");
    let cache = ws.index_dir().join(provisio::extract::ocr::CACHE_DIR);
    let entries = std::fs::read_dir(&cache).expect("cache dir").count();
    assert_eq!(entries, 1);
}

#[test]
fn a_real_scanned_pdf_yields_text() {
    let Some(ocr) = ocr_tools() else { return };
    let Some(pdfs) = shared_testdata("pdfs") else {
        return;
    };
    // P044: three CCITT-compressed pages of a scanned customs penalty decision
    // (行政处罚决定书), no text layer.
    let Some(name) = std::fs::read_dir(&pdfs)
        .expect("pdfs")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.starts_with("P044"))
    else {
        eprintln!("SKIP: P044 is not in {}", pdfs.display());
        return;
    };
    let ws = Workspace::new();
    ws.copy_in(&pdfs.join(&name), "p044.pdf");
    let summary = provisio::run_index(&options(&ws, ocr, true)).expect("index");
    assert!(summary.failed.is_empty(), "{:?}", summary.failed);
    assert_eq!(summary.ocr_pages, 3);
    let r = search_in(&ws.index_dir(), "常州海关", 10);
    let hits = passages_of(&r, "p044.pdf");
    assert!(
        !hits.is_empty() && hits.iter().all(|(_, ocr, _)| *ocr),
        "{r:?}"
    );
}

#[test]
fn a_run_with_nothing_to_read_does_not_start_tesseract() {
    use std::os::unix::fs::PermissionsExt;
    let ws = Workspace::new();
    ws.copy_in(
        &repo().join("corpus/zh/hainan-yangpu-notice.txt"),
        "hainan.txt",
    );
    // A stand-in tesseract that notes each start.
    let log = ws.dir.path().join("started.log");
    let fake = ws.dir.path().join("tesseract");
    std::fs::write(
        &fake,
        format!("#!/bin/sh\necho \"$@\" >> '{}'\nexit 1\n", log.display()),
    )
    .expect("script");
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let fake_arg = fake.to_string_lossy().into_owned();
    let index = || cli_index(&ws, &["--tesseract", &fake_arg]);
    let starts = || {
        std::fs::read_to_string(&log)
            .unwrap_or_default()
            .lines()
            .count()
    };
    assert!(index().status.success());
    let first = starts();
    assert!(first >= 1, "a run with a new file looks for the OCR tools");
    // Nothing changed: the tools are not looked for (no-op runs stay fast).
    let out = index();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("1 unchanged"));
    assert_eq!(starts(), first);
}
