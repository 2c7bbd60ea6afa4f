//! The query language on arbitrary strings: `parse`, `parse_with` (English provision
//! expansion), `to_query` against the real schema, highlight patterns; plus the provision
//! tagger and region gazetteer on the same text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use provisio::enrich::provisions::Taxonomy;
use provisio::enrich::region::{regions_in_text, resolve_region_query};
use provisio::index::schema::{build_schema, Fields};
use std::sync::LazyLock;

static FIELDS: LazyLock<Fields> = LazyLock::new(|| build_schema().1);

fuzz_target!(|input: &str| {
    if let Ok(q) = provisio::query::parse(input) {
        let _ = q.to_query(&FIELDS);
        let _ = q.highlight_patterns();
        let _ = q.is_filter_only();
    }
    if let Ok((q, _expanded)) = provisio::query::parse_with(input, Some(Taxonomy::builtin())) {
        let _ = q.to_query(&FIELDS);
        let _ = q.highlight_patterns();
    }
    let folded = provisio::analysis::fold_str(input);
    let _ = Taxonomy::builtin().tag(&folded);
    let _ = Taxonomy::builtin().explain(&folded);
    let _ = regions_in_text(input);
    let _ = resolve_region_query(input);
});
