//! `segment::segment` on arbitrary UTF-8, split into pages at form feeds (as the PDF extractor
//! separates pages). Checks the passage invariants callers rely on.
#![no_main]

use libfuzzer_sys::fuzz_target;
use provisio::segment::{segment, MAX_PASSAGE_CHARS};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let pages: Vec<String> = text.split('\x0c').map(str::to_owned).collect();
    for p in segment(&pages) {
        assert!(
            p.page >= 1 && p.page as usize <= pages.len(),
            "page {} of {}",
            p.page,
            pages.len()
        );
        assert!(!p.text.trim().is_empty(), "empty passage");
        assert!(
            p.text.chars().count() <= MAX_PASSAGE_CHARS,
            "passage over the limit"
        );
    }
});
