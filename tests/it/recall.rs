//! Substring recall: every substring of a Chinese passage that contains Han finds that passage
//! (quoted always; unquoted too when the exact-phrase rule applies), single characters
//! included.

use crate::common::search_in;
use crate::corpus::indexed_dir;
use proptest::prelude::*;
use provisio::analysis::{fold_char, is_cjk};
use provisio::index::open_read;
use tantivy::schema::Value;
use tantivy::TantivyDocument;

struct Passage {
    doc_id: String,
    text: String,
}

fn chinese_passages() -> Vec<Passage> {
    let (idx, f) = open_read(&indexed_dir()).expect("open");
    let searcher = idx.reader().expect("reader").searcher();
    let mut out = Vec::new();
    for seg in searcher.segment_readers() {
        let store = seg.get_store_reader(64).expect("store");
        for doc_id in 0..seg.max_doc() {
            if seg.is_deleted(doc_id) {
                continue;
            }
            let d: TantivyDocument = store.get(doc_id).expect("doc");
            let get = |field| {
                d.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            if get(f.lang) == "zh" {
                out.push(Passage {
                    doc_id: get(f.doc_id),
                    text: get(f.text),
                });
            }
        }
    }
    assert!(out.len() > 50, "only {} Chinese passages", out.len());
    out
}

fn is_letter(c: char) -> bool {
    let f = fold_char(c);
    f.is_alphabetic() && !is_cjk(f)
}

/// A substring that does not cut a Latin word and holds no quote characters.
fn acceptable(chars: &[char], start: usize, end: usize) -> bool {
    let s = &chars[start..end];
    let cuts_word_at =
        |i: usize| i > 0 && i < chars.len() && is_letter(chars[i - 1]) && is_letter(chars[i]);
    s.iter().any(|&c| is_cjk(fold_char(c)))
        && !s.iter().any(|&c| matches!(c, '"' | '“' | '”'))
        && !cuts_word_at(start)
        && !cuts_word_at(end)
}

fn finds(q: &str, p: &Passage) -> bool {
    let r = search_in(&indexed_dir(), q, 10_000);
    r.documents
        .iter()
        .filter(|d| d.id == p.doc_id)
        .any(|d| d.passages.iter().any(|h| h.text == p.text))
}

#[test]
fn every_substring_finds_its_passage() {
    let passages = chinese_passages();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 300,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    let n = passages.len();
    let result = runner.run(
        &(0..n, any::<prop::sample::Index>(), 1usize..16),
        |(pi, start, len)| {
            let p = &passages[pi];
            let chars: Vec<char> = p.text.chars().collect();
            prop_assume!(chars.len() >= 2);
            let len = len.min(chars.len());
            let start = start.index(chars.len() - len + 1);
            prop_assume!(acceptable(&chars, start, start + len));
            let sub: String = chars[start..start + len].iter().collect();
            prop_assert!(
                finds(&format!("\"{sub}\""), p),
                "quoted {sub:?} missed its passage"
            );
            let plain = !sub
                .chars()
                .any(|c| c.is_whitespace() || c == '-' || c == ':' || c == '：' || c == '－')
                && sub != "OR"
                && sub != "*";
            if plain {
                prop_assert!(finds(&sub, p), "unquoted {sub:?} missed its passage");
            }
            Ok(())
        },
    );
    if let Err(e) = result {
        panic!("{e}");
    }
}

#[test]
fn phrases_do_not_match_across_punctuation() {
    // Phrase queries skip every other bigram (出口@0 退税@2); the index must keep 出口，退税
    // from looking like 出口退税.
    let ws = crate::common::Workspace::new();
    ws.write("a.txt", "本市企业出口退税办理时限压缩至三个工作日。\n");
    ws.write("b.txt", "鼓励企业出口，退税事项另行规定。\n");
    ws.write("c.txt", "零公里，二手车不在此列。\n");
    ws.write("d.txt", "支持零公里二手车出口业务。\n");
    ws.write("e.txt", "出口、进退税两项不得合并申报。\n");
    ws.index();
    let found = |q: &str| ws.found(q);
    assert_eq!(found("出口退税"), vec!["a.txt"]);
    assert_eq!(found("\"出口退税\""), vec!["a.txt"]);
    // (Unquoted, a run this long is matched loosely, by most of its bigrams.)
    assert_eq!(found("\"零公里二手车\""), vec!["d.txt"]);
    // The punctuated forms find themselves, and punctuation is not a wildcard for a
    // character (出口和退税) or a word.
    ws.write("f.txt", "出口和退税、出口 tax 退税。\n");
    ws.index();
    assert_eq!(found("\"出口，退税\""), vec!["b.txt"]);
    assert_eq!(found("\"零公里，二手车\""), vec!["c.txt"]);
    assert_eq!(found("\"出口、进退税\""), vec!["e.txt"]);
}

#[test]
fn a_single_character_is_found_inside_a_run_and_at_its_end() {
    // The index keeps a unigram only for the last character of a run (elsewhere the position
    // holds a bigram), so a query ending in a single character must take it as a prefix.
    let ws = crate::common::Workspace::new();
    ws.write("a.txt", "企业出口退税办理时限压缩至三个工作日。\n");
    ws.write("b.txt", "本条所称的税，是指增值税\n");
    ws.write("c.txt", "支持A股上市企业开展跨境并购。\n");
    ws.write("d.txt", "该型号为iPhone 15 Pro，另有iPhone 5s。\n");
    ws.write("e.txt", "这一段没有那个字。\n");
    ws.index();
    let found = |q: &str| ws.found(q);
    assert_eq!(found("税"), vec!["a.txt", "b.txt"]);
    assert_eq!(found("\"税\""), vec!["a.txt", "b.txt"]);
    assert_eq!(found("A股"), vec!["c.txt"]);
    assert_eq!(found("\"支持A股\""), vec!["c.txt"]);
    assert_eq!(found("\"iPhone 1\""), vec!["d.txt"]);
    assert_eq!(found("\"iPhone 5\""), vec!["d.txt"]);
    assert_eq!(found("\"iPhone 6\""), Vec::<String>::new());
    // Before punctuation or a word, a single character is its unigram, not a prefix.
    assert_eq!(found("\"税，\""), vec!["b.txt"]);
    assert_eq!(found("\"5s\""), vec!["d.txt"]);
    // Only the character is highlighted, wherever it sits in its run.
    let r = ws.search("税");
    let marks: Vec<&str> = r
        .documents
        .iter()
        .flat_map(|d| d.passages.iter().map(|p| p.highlight.as_str()))
        .collect();
    assert!(
        marks
            .iter()
            .any(|h| h.contains("出口退<mark>税</mark>办理")),
        "{marks:?}"
    );
    assert!(
        marks
            .iter()
            .any(|h| h.contains("的<mark>税</mark>，是指增值<mark>税</mark>")),
        "{marks:?}"
    );
    let r = ws.search("A股");
    let h = &r.documents[0].passages[0].highlight;
    assert!(h.contains("<mark>A股</mark>上市"), "{h}");
    assert_eq!(found("霸"), Vec::<String>::new());
}

#[test]
fn a_single_character_query_is_ranked() {
    // A lone character is the union of the terms starting with it, each scored by BM25: the
    // short passage full of 税 ranks above the long one that mentions it once, although it
    // comes later in the index (a range query would give both the same score).
    let ws = crate::common::Workspace::new();
    ws.write(
        "a.txt",
        "本办法自发布之日起施行，有效期三年，由市商务局负责解释，各区县应当结合本地实际\
         制定实施细则，报市商务局备案，其中涉及税收的事项另行通知。\n",
    );
    ws.write("b.txt", "增值税、消费税、关税和所得税。\n");
    ws.index();
    let r = ws.search("税");
    assert_eq!(crate::common::paths(&r), vec!["b.txt", "a.txt"]);
    let scores: Vec<f32> = r.documents.iter().map(|d| d.passages[0].score).collect();
    assert!(scores[0] > scores[1], "{scores:?}");
}
