//! `enrich::metadata::extract_meta` and `enrich::document_facts` on arbitrary text.
//!
//! Input layout: `text [\0 title_hint [\0 date_hint]]`. Each text is read both as the language
//! detected in it (as indexing does) and as the other of Chinese/English, so both rule sets run.
//! Pages for `document_facts` are the text split at form feeds.
#![no_main]

use libfuzzer_sys::fuzz_target;
use provisio::enrich::{detect_language, document_facts, metadata::extract_meta, title_from_text};

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let mut parts = input.splitn(3, '\0');
    let text = parts.next().unwrap_or_default();
    let title_hint = parts.next();
    let date_hint = parts.next();

    let lang = detect_language(text);
    let other = if lang == "zh" { "en" } else { "zh" };
    for l in [lang, other] {
        let meta = extract_meta(text, title_hint, date_hint, l);
        if let Some((_, m, d)) = meta.date {
            assert!(
                (1..=12).contains(&m) && (1..=31).contains(&d),
                "bad date {:?}",
                meta.date
            );
        }
    }
    let _ = title_from_text(text);

    let pages: Vec<String> = text.split('\x0c').map(str::to_owned).collect();
    let facts = document_facts(&pages, title_hint, date_hint, lang);
    if let Some(date) = &facts.date {
        assert_eq!(date.len(), 10, "date {date:?}");
    }
});
