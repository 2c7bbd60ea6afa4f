//! The DOCX extractor on arbitrary bytes. Called directly, not through `extract::extract`,
//! which catches panics and would hide them from the fuzzer.
//!
//! Two input shapes:
//! * starting with `PK`: a whole file (seeded with real DOCX files from `corpus/`);
//! * anything else: `document.xml [\0 core.xml]`, packed here into a stored (uncompressed)
//!   zip with a package relationship, so mutations reach the WordprocessingML parser instead
//!   of dying in inflate or the CRC check.
#![no_main]

use libfuzzer_sys::fuzz_target;
use provisio::extract::{docx, sniff};
use std::io::{Cursor, Write};
use zip::write::SimpleFileOptions;

const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;

fn package(document: &[u8], core: Option<&[u8]>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut parts = vec![
        ("_rels/.rels", RELS.as_bytes()),
        ("word/document.xml", document),
    ];
    if let Some(core) = core {
        parts.push(("docProps/core.xml", core));
    }
    for (name, data) in parts {
        zip.start_file(name, stored).expect("zip entry");
        zip.write_all(data).expect("zip write");
    }
    zip.finish().expect("zip finish").into_inner()
}

fn check(bytes: &[u8]) {
    let _ = sniff(bytes, Some("docx"));
    if let Ok(doc) = docx::extract(bytes) {
        assert!(!doc.pages.is_empty());
        if let Some(date) = &doc.date {
            assert_eq!(date.len(), 10, "date {date:?}");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    if data.starts_with(b"PK") {
        check(data);
    } else {
        let mut parts = data.splitn(2, |&b| b == 0);
        let document = parts.next().unwrap_or_default();
        check(&package(document, parts.next()));
    }
});
