//! The HTML extractor on arbitrary bytes. It is called directly, not through
//! `extract::extract` (which catches panics and would hide them from the fuzzer).
#![no_main]

use libfuzzer_sys::fuzz_target;
use provisio::extract::{html, sniff};

fuzz_target!(|data: &[u8]| {
    let _ = sniff(data, Some("html"));
    if let Ok(doc) = html::extract(data) {
        assert_eq!(doc.pages.len(), 1);
        if let Some(date) = &doc.date {
            assert_eq!(date.len(), 10, "date {date:?}");
        }
    }
});
