//! Extraction in worker processes: a PDF that takes too long or balloons in memory costs
//! only its own limits, is reported with its reason, and the rest of the corpus is indexed.

use crate::common::{repo, Workspace};
use provisio::extract::isolate::WorkerConfig;
use provisio::IndexOptions;
use std::io::Write;
use std::time::Duration;

fn isolated(ws: &Workspace, memory_mib: u64, timeout: Duration) -> IndexOptions {
    let mut opts = IndexOptions::new(ws.corpus(), ws.index_dir());
    opts.isolation = Some(WorkerConfig {
        exe: assert_cmd::cargo::cargo_bin("provisio"),
        memory_limit: memory_mib * 1024 * 1024,
        ocr: Default::default(),
    });
    opts.extract_timeout = timeout;
    opts
}

/// A one-page PDF whose content stream inflates to `inflated` bytes of spaces.
fn deflate_bomb(inflated: usize) -> Vec<u8> {
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    let block = vec![b' '; 1 << 20];
    for _ in 0..inflated / block.len() {
        z.write_all(&block).expect("deflate");
    }
    let stream = z.finish().expect("deflate");
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    let objects: Vec<Vec<u8>> = vec![
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>".to_vec(),
        [
            format!("<< /Length {} /Filter /FlateDecode >>\nstream\n", stream.len()).into_bytes(),
            stream,
            b"\nendstream".to_vec(),
        ]
        .concat(),
    ];
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        pdf.extend_from_slice(body);
        pdf.extend_from_slice(b"\nendobj\n");
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
}

#[test]
fn a_pdf_that_balloons_is_stopped_by_the_memory_limit() {
    let ws = Workspace::new();
    ws.write("bomb.pdf", deflate_bomb(768 << 20));
    ws.copy_in(&repo().join("corpus/zh/suzhou-2023-18.pdf"), "suzhou.pdf");
    ws.write("note.txt", "免费仓储的通知\n");
    let opts = isolated(&ws, 256, Duration::from_secs(60));
    let s = provisio::run_index(&opts).expect("run");
    assert_eq!(s.documents, 2, "{s:?}");
    assert_eq!(s.failed.len(), 1, "{s:?}");
    assert_eq!(s.failed[0].path, "bomb.pdf");
    let reason = &s.failed[0].reason;
    assert!(reason.starts_with("extractor worker"), "{reason}");
    assert!(reason.contains("memory"), "{reason}");
    // The worker that died was replaced: the other PDF (extracted before or after) is there.
    assert_eq!(ws.search("苏商发〔2023〕18号").total_documents, 1);
}

#[test]
fn a_pdf_past_the_time_limit_is_killed_and_the_run_goes_on() {
    let ws = Workspace::new();
    ws.copy_in(&repo().join("corpus/zh/suzhou-2023-18.pdf"), "slow.pdf");
    ws.copy_in(
        &repo().join("corpus/zh/qingdao-measures-2023.pdf"),
        "other.pdf",
    );
    ws.write("note.txt", "免费仓储的通知\n");
    // Nothing extracts in a millisecond: every PDF times out, its worker is killed.
    let opts = isolated(&ws, 1024, Duration::from_millis(1));
    let s = provisio::run_index(&opts).expect("run");
    assert_eq!(s.documents, 1, "{s:?}");
    assert_eq!(s.failed.len(), 2);
    assert!(
        s.failed.iter().all(|f| f.reason.starts_with("timed out")),
        "{s:?}"
    );
    // With a sane limit, fresh workers extract both.
    let mut opts = isolated(&ws, 1024, Duration::from_secs(60));
    opts.full = true;
    let s = provisio::run_index(&opts).expect("run");
    assert_eq!((s.documents, s.failed.len()), (3, 0), "{s:?}");
    assert_eq!(ws.search("苏商发〔2023〕18号").total_documents, 1);
}

#[test]
fn a_panicking_pdf_is_reported_and_its_worker_reused() {
    let ws = Workspace::new();
    ws.copy_in(&repo().join("tests/fixtures/panics.pdf"), "panics.pdf");
    ws.copy_in(&repo().join("corpus/zh/suzhou-2023-18.pdf"), "suzhou.pdf");
    let mut opts = isolated(&ws, 1024, Duration::from_secs(60));
    opts.jobs = 1;
    let s = provisio::run_index(&opts).expect("run");
    assert_eq!(s.documents, 1, "{s:?}");
    assert_eq!(s.failed.len(), 1, "{s:?}");
    assert!(!s.failed[0].reason.starts_with("extractor worker"), "{s:?}");
}
