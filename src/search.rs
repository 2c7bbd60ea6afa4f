//! Search: query → passages grouped by document (best documents first, up to N best passages
//! each), with exact counts and highlighted snippets.

use crate::enrich::provisions::Taxonomy;
use crate::error::Result;
use crate::index::schema::{stored_text as text_of, stored_texts, stored_u64 as u64_of, Fields};
use crate::query::{parse_with, HighlightPattern};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, TantivyDocument};

/// Most documents one request may ask for.
pub const MAX_LIMIT: usize = 100;
/// Characters of context shown around the first match in a snippet.
const SNIPPET_CHARS: usize = 240;

/// A search request.
#[derive(Debug, Clone)]
pub struct SearchRequest {
    pub query: String,
    pub limit: usize,
    pub offset: usize,
    pub passages_per_doc: usize,
    /// Expand English provision words to Chinese terms (see [`crate::query::ParsedQuery::expand`]).
    pub expand: bool,
    /// The taxonomy to expand with; the builtin one when `None`.
    pub taxonomy: Option<Arc<Taxonomy>>,
    /// Also count matching documents per facet value (language, format, provision, region,
    /// issuer, type, year).
    pub facets: bool,
}

impl SearchRequest {
    pub fn new(query: impl Into<String>) -> Self {
        SearchRequest {
            query: query.into(),
            limit: 10,
            offset: 0,
            passages_per_doc: 3,
            expand: true,
            taxonomy: None,
            facets: false,
        }
    }
}

/// One matching passage.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PassageHit {
    pub page: u64,
    pub label: String,
    /// Position of the passage in its document (the anchor `#p-N` on the document page).
    pub ordinal: u64,
    /// Ids of the provisions the passage is tagged with.
    #[serde(default)]
    pub provisions: Vec<String>,
    /// The text was read by OCR from a scan: a quote may hold recognition errors.
    #[serde(default)]
    pub ocr: bool,
    pub text: String,
    /// HTML-escaped snippet with matches in `<mark>…</mark>`.
    pub highlight: String,
    pub score: f32,
}

/// One matching document with its best passages.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DocumentHit {
    pub id: String,
    pub path: String,
    pub title: String,
    pub format: String,
    pub language: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// 发文字号.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docno: Option<String>,
    /// 发文机关.
    #[serde(default)]
    pub issuers: Vec<String>,
    /// 文种.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doctype: Option<String>,
    /// Region facet paths (`/四川省`, `/四川省/成都市`).
    #[serde(default)]
    pub regions: Vec<String>,
    /// blake3 of the file, to re-verify a citation.
    #[serde(default)]
    pub hash: String,
    pub score: f32,
    /// Passages of this document that match.
    pub matching_passages: u64,
    pub passages: Vec<PassageHit>,
}

/// The response (`provisio search --json`, `/api/search`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SearchResponse {
    pub query: String,
    pub total_documents: usize,
    pub total_passages: u64,
    pub took_ms: f64,
    /// The matches came from the server's cache of recent searches (the index has not
    /// changed since); `took_ms` is then the time to show this page.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub cached: bool,
    /// English phrases of the query expanded to Chinese provision terms.
    #[serde(default)]
    pub expanded: BTreeMap<String, Vec<String>>,
    /// Document counts per facet value, when asked for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub facets: Option<crate::facets::Facets>,
    pub documents: Vec<DocumentHit>,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Group {
    best: Score,
    count: u32,
    /// The best passages: score (descending), then ordinal in the document (ascending), so
    /// that the choice and order do not depend on which segment a passage landed in. Inline
    /// for the usual three: no allocation per matching document.
    top: smallvec::SmallVec<[(Score, u32, DocAddress); 3]>,
    /// Provisions of the matching passages (when facets are counted): segment-local term
    /// ordinals while collecting, ids of the merged dictionary after.
    provisions: crate::facets::Bits,
}

impl Group {
    /// Count a matching passage (`ordinal`: its place in the document, or anything in the same
    /// order).
    fn add(&mut self, score: Score, ordinal: u32, addr: DocAddress, keep: usize) {
        self.count += 1;
        if self.count == 1 || score > self.best {
            self.best = score;
        }
        let before = |s: Score, o: u32| score > s || (score == s && ordinal < o);
        if self.top.len() < keep || self.top.last().is_some_and(|&(s, o, _)| before(s, o)) {
            // Make room first: the inline top never spills to the heap.
            self.top.truncate(keep - 1);
            let at = self.top.partition_point(|&(s, o, _)| !before(s, o));
            self.top.insert(at, (score, ordinal, addr));
        }
    }

    fn merge(&mut self, other: Group, keep: usize) {
        let count = self.count + other.count;
        for (s, o, a) in other.top {
            self.add(s, o, a, keep);
        }
        self.best = self.best.max(other.best);
        self.count = count;
        self.provisions.union(&other.provisions);
    }
}

/// Every matching document, once (its key and its group of matching passages), and the
/// provision values the groups' bits refer to.
pub(crate) struct Groups {
    pub(crate) groups: Vec<(u64, Group)>,
    dictionary: crate::facets::Dictionary,
}

impl Groups {
    /// Facet counts of the matching documents (collected with `facets`).
    pub(crate) fn facets(&self, searcher: &Searcher) -> Result<crate::facets::Facets> {
        let documents = self
            .groups
            .iter()
            .filter_map(|(_, g)| g.top.first().map(|(_, _, addr)| (*addr, &g.provisions)));
        crate::facets::count(searcher, documents, &self.dictionary)
    }
}

/// Collect every passage matching `query` into one group per document, keeping the `keep`
/// best passages of each; with `facets`, also the provisions of the matching passages.
pub(crate) fn collect_groups(
    searcher: &Searcher,
    query: &dyn tantivy::query::Query,
    keep: usize,
    facets: bool,
) -> Result<Groups> {
    let keep = keep.max(1);
    Ok(searcher.search(query, &GroupCollector { keep, facets })?)
}

/// Collects every matching passage into per-document groups (exact counts) in one pass. A
/// document's passages are written one after the other, so within a segment they mostly form
/// one run: a group is a run of passages with the same `doc_key`, and runs of the same document
/// (split between indexing threads, or by a segment flush) are joined by key when the
/// segments' groups are merged.
struct GroupCollector {
    keep: usize,
    facets: bool,
}

struct GroupSegmentCollector {
    segment: SegmentOrdinal,
    table: crate::tables::Cursor,
    ordinals: Column<u64>,
    keep: usize,
    facets: bool,
    /// The groups of this segment, with the run each was made for.
    groups: Vec<(u64, Group)>,
    last_run: usize,
}

/// A segment's groups, and the provision values of the segment's ordinals.
type GroupFruit = (Vec<(u64, Group)>, Vec<String>);

impl Collector for GroupCollector {
    type Fruit = Groups;
    type Child = GroupSegmentCollector;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<GroupSegmentCollector> {
        Ok(GroupSegmentCollector {
            segment,
            table: {
                let table = crate::tables::table(reader)?;
                if self.facets {
                    table.load_facets(reader)?;
                }
                crate::tables::Cursor::new(table)
            },
            ordinals: reader.fast_fields().u64("ordinal")?,
            keep: self.keep,
            facets: self.facets,
            groups: Vec::new(),
            last_run: usize::MAX,
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, mut fruits: Vec<GroupFruit>) -> tantivy::Result<Groups> {
        let mut dictionary = crate::facets::Dictionary::default();
        // Where each document's group is, to join the runs of a document.
        let total: usize = fruits.iter().map(|(g, _)| g.len()).sum();
        let mut at: rustc_hash::FxHashMap<u64, usize> =
            rustc_hash::FxHashMap::with_capacity_and_hasher(total, Default::default());
        // The largest segment's groups stay where they are; the others join them.
        let largest = (0..fruits.len()).max_by_key(|&i| fruits[i].0.len());
        let (mut all, names) = match largest {
            Some(i) => fruits.swap_remove(i),
            None => Default::default(),
        };
        all.reserve(total - all.len());
        // Its provision values are the first in the dictionary: its ordinals are the ids.
        dictionary.ids_of(names);
        let mut emptied = false;
        for i in 0..all.len() {
            match at.entry(all[i].0) {
                std::collections::hash_map::Entry::Occupied(e) => {
                    // Two runs of one document in this segment: join them, leave an empty
                    // group behind.
                    let group = std::mem::take(&mut all[i].1);
                    all[*e.get()].1.merge(group, self.keep);
                    emptied = true;
                }
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(i);
                }
            }
        }
        for (groups, names) in fruits {
            let ids = dictionary.ids_of(names);
            let same = ids.iter().enumerate().all(|(i, &id)| i == id);
            for (key, mut group) in groups {
                if self.facets && !same {
                    group.provisions = crate::facets::Dictionary::remap(&ids, &group.provisions);
                }
                match at.entry(key) {
                    std::collections::hash_map::Entry::Occupied(e) => {
                        all[*e.get()].1.merge(group, self.keep)
                    }
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(all.len());
                        all.push((key, group));
                    }
                }
            }
        }
        if emptied {
            all.retain(|(_, g)| g.count > 0);
        }
        Ok(Groups {
            groups: all,
            dictionary,
        })
    }
}

impl SegmentCollector for GroupSegmentCollector {
    type Fruit = GroupFruit;

    fn collect(&mut self, doc: DocId, score: Score) {
        let run = self.table.run(doc);
        if run != self.last_run {
            self.last_run = run;
            self.groups
                .push((self.table.table().key(run), Group::default()));
        }
        let group = &mut self.groups.last_mut().expect("a group per run").1;
        // Within a run, passage order is reading order: the passage stands in for its
        // ordinal until harvest.
        group.add(score, doc, DocAddress::new(self.segment, doc), self.keep);
        if self.facets {
            self.table.add_tags(doc, &mut group.provisions);
        }
    }

    fn harvest(mut self) -> GroupFruit {
        for (_, group) in &mut self.groups {
            for (_, ordinal, addr) in &mut group.top {
                let stored = self.ordinals.first(addr.doc_id).unwrap_or(0);
                *ordinal = u32::try_from(stored).unwrap_or(u32::MAX);
            }
        }
        let names = if self.facets && !self.groups.is_empty() {
            self.table.table().provision_names().to_vec()
        } else {
            Vec::new()
        };
        (self.groups, names)
    }
}

/// Everything a query matches, before a page of it is shown: the documents with their
/// groups of matching passages (unordered), the facet counts when asked for, and what the page
/// needs to mark matches. It depends only on the request's query, `expand`, taxonomy,
/// `passages_per_doc` and `facets`, and on the index content searched: the server keeps
/// recent ones per content, so that paging and going back do not search again.
#[derive(Debug)]
pub struct Matches {
    groups: Vec<(u64, Group)>,
    total_passages: u64,
    facets: Option<crate::facets::Facets>,
    expanded: BTreeMap<String, Vec<String>>,
    patterns: Vec<HighlightPattern>,
    filter_only: bool,
    took_ms: f64,
}

impl Matches {
    /// Matching documents.
    pub fn documents(&self) -> usize {
        self.groups.len()
    }
}

fn ms_since(started: Instant) -> f64 {
    (started.elapsed().as_secs_f64() * 1e6).round() / 1e3
}

/// Find every passage matching the request's query (its `limit` and `offset` do not matter).
pub fn find(searcher: &Searcher, fields: &Fields, req: &SearchRequest) -> Result<Matches> {
    let started = Instant::now();
    let taxonomy = req.taxonomy.as_deref().unwrap_or(Taxonomy::builtin());
    let (parsed, expanded) = parse_with(&req.query, req.expand.then_some(taxonomy))?;
    let query = parsed.to_query(fields)?;
    let keep = req.passages_per_doc.max(1);
    let groups = collect_groups(searcher, query.as_ref(), keep, req.facets)?;
    let facets = if req.facets {
        Some(groups.facets(searcher)?)
    } else {
        None
    };
    let groups = groups.groups;
    Ok(Matches {
        total_passages: groups.iter().map(|(_, g)| u64::from(g.count)).sum(),
        groups,
        facets,
        expanded,
        patterns: parsed.highlight_patterns(),
        filter_only: parsed.is_filter_only(),
        took_ms: ms_since(started),
    })
}

/// The page of `matches` the request asks for (`limit` documents from `offset`, best first),
/// with their stored fields and highlighted passages. `cached`: the matches were found for an
/// earlier request (`took_ms` is then this page's time alone).
pub fn page(
    searcher: &Searcher,
    fields: &Fields,
    req: &SearchRequest,
    matches: &Matches,
    cached: bool,
) -> Result<SearchResponse> {
    let started = Instant::now();
    let groups = &matches.groups;
    let order = |a: &u32, b: &u32| {
        let (a, b) = (&groups[*a as usize], &groups[*b as usize]);
        b.1.best
            .total_cmp(&a.1.best)
            .then(b.1.count.cmp(&a.1.count))
            .then(a.0.cmp(&b.0))
    };
    // Only the page shown needs ordering: select it, then sort it.
    let mut ranked: Vec<u32> = (0..groups.len() as u32).collect();
    let shown = req.offset.saturating_add(req.limit).min(ranked.len());
    if shown > 0 && shown < ranked.len() {
        ranked.select_nth_unstable_by(shown - 1, order);
        ranked.truncate(shown);
    }
    ranked.sort_by(order);
    let mut documents = Vec::new();
    for at in ranked.into_iter().skip(req.offset).take(req.limit) {
        let group = &groups[at as usize].1;
        let mut hit: Option<DocumentHit> = None;
        let mut passages = Vec::new();
        let mut top = group.top.clone();
        if matches.filter_only {
            // No text to rank by: show passages in reading order.
            top.sort_by_key(|&(_, ordinal, _)| ordinal);
        }
        for (score, _, addr) in top {
            let doc: TantivyDocument = searcher.doc(addr)?;
            if hit.is_none() {
                let date = text_of(&doc, fields.date);
                let docno = text_of(&doc, fields.docno);
                let doctype = text_of(&doc, fields.doctype);
                hit = Some(DocumentHit {
                    id: text_of(&doc, fields.doc_id),
                    path: text_of(&doc, fields.path),
                    title: text_of(&doc, fields.title),
                    format: text_of(&doc, fields.format),
                    language: text_of(&doc, fields.lang),
                    date: (!date.is_empty()).then_some(date),
                    docno: (!docno.is_empty()).then_some(docno),
                    issuers: stored_texts(&doc, fields.issuer),
                    doctype: (!doctype.is_empty()).then_some(doctype),
                    regions: stored_texts(&doc, fields.region),
                    hash: text_of(&doc, fields.hash),
                    score: group.best,
                    matching_passages: u64::from(group.count),
                    passages: Vec::new(),
                });
            }
            let text = text_of(&doc, fields.text);
            let highlight = snippet(&text, &matches.patterns);
            passages.push(PassageHit {
                page: u64_of(&doc, fields.page),
                label: text_of(&doc, fields.label),
                ordinal: u64_of(&doc, fields.ordinal),
                provisions: stored_texts(&doc, fields.provision),
                ocr: u64_of(&doc, fields.ocr) == 1,
                text,
                highlight,
                score,
            });
        }
        if let Some(mut h) = hit {
            h.passages = passages;
            documents.push(h);
        }
    }
    Ok(SearchResponse {
        query: req.query.clone(),
        total_documents: groups.len(),
        total_passages: matches.total_passages,
        took_ms: if cached {
            ms_since(started)
        } else {
            ((matches.took_ms + ms_since(started)) * 1e3).round() / 1e3
        },
        cached,
        expanded: matches.expanded.clone(),
        facets: matches.facets.clone(),
        documents,
    })
}

/// Run a search: [`find`], then the requested [`page`].
pub fn search(searcher: &Searcher, fields: &Fields, req: &SearchRequest) -> Result<SearchResponse> {
    page(searcher, fields, req, &find(searcher, fields, req)?, false)
}

/// Byte ranges of `text` matched by the patterns, sorted and merged.
pub fn match_ranges(text: &str, patterns: &[HighlightPattern]) -> Vec<(usize, usize)> {
    if patterns.is_empty() {
        return Vec::new();
    }
    // The distinct terms of all patterns; only tokens equal to one of them are kept (the text
    // is streamed through the tokenizer, nothing is allocated per token). A prefix (the last
    // term of a prefix pattern) has its own index after the terms: its unigram and every
    // bigram starting with it match, and the range is its character alone.
    let mut terms: Vec<&str> = patterns
        .iter()
        .flat_map(|p| p.terms.iter().map(|(_, t)| t.as_str()))
        .collect();
    terms.sort_unstable();
    terms.dedup();
    let mut prefixes: Vec<&str> = patterns
        .iter()
        .filter(|p| p.prefix)
        .filter_map(|p| p.terms.last().map(|(_, t)| t.as_str()))
        .collect();
    prefixes.sort_unstable();
    prefixes.dedup();
    // (position, term index, byte range), in token order.
    let mut found: Vec<(usize, usize, (usize, usize))> = Vec::new();
    let mut stream = crate::analysis::tokenizer::ProvisioTokenStream::new(text);
    while tantivy::tokenizer::TokenStream::advance(&mut stream) {
        let t = tantivy::tokenizer::TokenStream::token(&stream);
        if let Ok(i) = terms.binary_search(&t.text.as_str()) {
            found.push((t.position, i, (t.offset_from, t.offset_to)));
        }
        for (j, p) in prefixes.iter().enumerate() {
            if t.text.starts_with(p) {
                let first = text[t.offset_from..]
                    .chars()
                    .next()
                    .map_or(0, char::len_utf8);
                found.push((
                    t.position,
                    terms.len() + j,
                    (t.offset_from, t.offset_from + first),
                ));
            }
        }
    }
    let term_index = |t: &str| terms.binary_search(&t).ok();
    let prefix_index = |t: &str| prefixes.binary_search(&t).ok().map(|j| terms.len() + j);
    let at = |pos: usize, term: usize| {
        // Positions never decrease in `found`: find the first token at `pos`, scan its run.
        let from = found.partition_point(|(p, _, _)| *p < pos);
        found[from..]
            .iter()
            .take_while(|(p, _, _)| *p == pos)
            .find(|(_, i, _)| *i == term)
            .map(|(_, _, r)| *r)
    };
    let mut ranges = Vec::new();
    for pat in patterns {
        let last = pat.terms.len().saturating_sub(1);
        let wanted: Option<Vec<(usize, usize)>> = pat
            .terms
            .iter()
            .enumerate()
            .map(|(k, (rel, t))| {
                let index = if pat.prefix && k == last {
                    prefix_index(t)
                } else {
                    term_index(t)
                };
                index.map(|i| (*rel, i))
            })
            .collect();
        let Some(wanted) = wanted else { continue };
        if pat.loose {
            for (_, i, r) in &found {
                if wanted.iter().any(|(_, w)| w == i) {
                    ranges.push(*r);
                }
            }
            continue;
        }
        let Some(&(first_rel, first)) = wanted.iter().min_by_key(|(rel, _)| *rel) else {
            continue;
        };
        for &(pos, i, _) in &found {
            if i != first || pos < first_rel {
                continue;
            }
            let start = pos - first_rel;
            let mut span: Option<(usize, usize)> = None;
            let all = wanted.iter().all(|&(rel, term)| {
                at(start + rel, term)
                    .map(|(a, b)| span = Some(span.map_or((a, b), |(x, y)| (x.min(a), y.max(b)))))
                    .is_some()
            });
            if let (true, Some(s)) = (all, span) {
                ranges.push(s);
            }
        }
    }
    ranges.sort_unstable();
    ranges.dedup();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (a, b) in ranges {
        match merged.last_mut() {
            Some(last) if a <= last.1 => last.1 = last.1.max(b),
            _ => merged.push((a, b)),
        }
    }
    merged
}

/// Escape text for HTML (also safe inside attribute values). Document text is untrusted, so
/// it is also made inert for display: bidirectional overrides and isolates (which can make
/// `evil.exe` + U+202E + `fdp.txt` read as a PDF) are dropped, and control characters other than line
/// breaks and tabs become U+FFFD. (Exports keep the text exactly.)
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' => {}
            '\n' | '\r' | '\t' => out.push(c),
            c if c.is_control() => out.push('\u{FFFD}'),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// An HTML-escaped window of `text` around its first match, matches wrapped in `<mark>`.
pub fn snippet(text: &str, patterns: &[HighlightPattern]) -> String {
    let ranges = match_ranges(text, patterns);
    let total = text.chars().count();
    let (from, to) = if total <= SNIPPET_CHARS {
        (0, text.len())
    } else {
        let first = ranges.first().map_or(0, |r| r.0);
        let first_char = text[..first].chars().count();
        let start_char = first_char.saturating_sub(SNIPPET_CHARS / 4);
        let start_char = start_char.min(total.saturating_sub(SNIPPET_CHARS));
        let byte_at = |n: usize| text.char_indices().nth(n).map_or(text.len(), |(i, _)| i);
        (byte_at(start_char), byte_at(start_char + SNIPPET_CHARS))
    };
    let window: Vec<(usize, usize)> = ranges
        .iter()
        .map(|&(a, b)| (a.max(from) - from, b.min(to).saturating_sub(from)))
        .filter(|(a, b)| a < b)
        .collect();
    let mut out = String::new();
    if from > 0 {
        out.push('…');
    }
    out.push_str(&mark_ranges(&text[from..to], &window));
    if to < text.len() {
        out.push('…');
    }
    out
}

/// The whole of `text`, HTML-escaped, with the byte `ranges` (sorted, disjoint) wrapped in
/// `<mark>`. Ranges that overlap, fall outside the text or split a character are skipped.
pub fn mark_ranges(text: &str, ranges: &[(usize, usize)]) -> String {
    let mut out = String::with_capacity(text.len() + ranges.len() * 13);
    let mut cursor = 0;
    for &(a, b) in ranges {
        if a < cursor
            || b > text.len()
            || a >= b
            || !text.is_char_boundary(a)
            || !text.is_char_boundary(b)
        {
            continue;
        }
        out.push_str(&escape_html(&text[cursor..a]));
        out.push_str("<mark>");
        out.push_str(&escape_html(&text[a..b]));
        out.push_str("</mark>");
        cursor = b;
    }
    out.push_str(&escape_html(&text[cursor..]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::parse;

    /// The passages a group keeps, and their order, do not depend on the order they come in
    /// (a document's passages may sit in several segments): ties go to the earlier passage.
    #[test]
    fn group_tops_do_not_depend_on_arrival_order() {
        let passages = [(1.0, 5), (1.0, 2), (2.0, 9), (1.0, 1), (0.5, 0)];
        let mut orders = vec![passages.to_vec()];
        orders.push(passages.iter().rev().copied().collect());
        orders.push(vec![
            passages[3],
            passages[0],
            passages[4],
            passages[2],
            passages[1],
        ]);
        let tops: Vec<Vec<(Score, u32)>> = orders
            .iter()
            .map(|order| {
                let mut g = Group::default();
                for (i, &(score, ordinal)) in order.iter().enumerate() {
                    g.add(score, ordinal, DocAddress::new(0, i as u32), 2);
                }
                assert_eq!(g.count, 5);
                assert_eq!(g.best, 2.0);
                g.top.iter().map(|&(s, o, _)| (s, o)).collect()
            })
            .collect();
        for top in &tops {
            assert_eq!(top, &[(2.0, 9), (1.0, 1)]);
        }
    }

    #[test]
    fn snippet_marks_phrase_and_escapes() {
        let q = parse("免费仓储").unwrap();
        let s = snippet(
            "提供<b>免费仓\n储</b>服务，粮食仓储除外",
            &q.highlight_patterns(),
        );
        assert_eq!(
            s,
            "提供&lt;b&gt;<mark>免费仓\n储</mark>&lt;/b&gt;服务，粮食仓储除外"
        );
    }

    #[test]
    fn escaping_makes_bidi_and_control_characters_inert() {
        assert_eq!(
            escape_html("a\u{202E}fdp.exe\u{0}\u{7}<b>\n"),
            "afdp.exe\u{FFFD}\u{FFFD}&lt;b&gt;\n"
        );
    }

    #[test]
    fn snippet_marks_stemmed_words() {
        let q = parse("warehouse").unwrap();
        let s = snippet("Free warehousing & more", &q.highlight_patterns());
        assert_eq!(s, "Free <mark>warehousing</mark> &amp; more");
    }
}
