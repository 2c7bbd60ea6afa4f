//! Facet counts for a query: how many *documents* (not passages) match per language, format,
//! provision, region, issuer, document type and year, read from fast fields while collecting,
//! so the search page and the API can offer filters.

use crate::error::Result;
use crate::index::schema::Fields;
use crate::query::ParsedQuery;
use rustc_hash::FxHashSet;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

/// One value of a facet with the number of matching documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacetCount {
    pub value: String,
    pub documents: u64,
}

/// Document counts per facet value, largest first. A document counts for a provision when
/// one of its *matching* passages is tagged with it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facets {
    pub language: Vec<FacetCount>,
    pub format: Vec<FacetCount>,
    pub provision: Vec<FacetCount>,
    /// Region paths (`/四川省`, `/四川省/成都市`).
    pub region: Vec<FacetCount>,
    pub issuer: Vec<FacetCount>,
    pub doctype: Vec<FacetCount>,
    pub year: Vec<FacetCount>,
}

const N: usize = 7;
/// Fast fields counted, in the order of [`Facets`]' fields.
const FACET_FIELDS: [&str; N] = [
    "lang",
    "format",
    "provision",
    "region",
    "issuer",
    "doctype",
    "year",
];

/// The documents (keys) having each value of each facet.
pub(crate) type Fruit = [BTreeMap<String, FxHashSet<u64>>; N];

/// Facets whose values are the same on every passage of a document (all but provisions).
const DOC_LEVEL: [bool; N] = [true, true, false, true, true, true, true];

/// Collects, in one segment, the documents having each facet value, read from fast fields as
/// passages are collected. Work is per document rather than per passage where it can be: a
/// document's passages are mostly adjacent, so its document-level values are read at the
/// first of a run, and a value is only inserted when the document differs from the last one
/// inserted for it. Sets (not counts) keep the result exact when a document's passages are
/// not adjacent or span segments.
pub(crate) struct FacetCounter {
    columns: [Option<StrColumn>; N],
    /// Per facet, per term ordinal: the last document key inserted, and all of them.
    seen: [Vec<(u64, FxHashSet<u64>)>; N],
    last_key: Option<u64>,
}

impl FacetCounter {
    pub(crate) fn new(reader: &SegmentReader) -> tantivy::Result<FacetCounter> {
        let ff = reader.fast_fields();
        let mut columns: [Option<StrColumn>; N] = Default::default();
        let mut seen: [Vec<(u64, FxHashSet<u64>)>; N] = Default::default();
        for ((col, slots), name) in columns.iter_mut().zip(seen.iter_mut()).zip(FACET_FIELDS) {
            *col = ff.str(name)?;
            if let Some(c) = col {
                slots.resize_with(c.num_terms(), || (u64::MAX, FxHashSet::default()));
            }
        }
        Ok(FacetCounter {
            columns,
            seen,
            last_key: None,
        })
    }

    /// Count passage `doc` of the document `key`.
    pub(crate) fn add(&mut self, doc: DocId, key: u64) {
        let same_doc = self.last_key == Some(key);
        self.last_key = Some(key);
        for ((column, slots), doc_level) in
            self.columns.iter().zip(self.seen.iter_mut()).zip(DOC_LEVEL)
        {
            if same_doc && doc_level {
                continue;
            }
            let Some(col) = column else { continue };
            for ord in col.term_ords(doc) {
                if let Some((last, keys)) = slots.get_mut(ord as usize) {
                    if *last != key {
                        *last = key;
                        keys.insert(key);
                    }
                }
            }
        }
    }

    pub(crate) fn harvest(self) -> Fruit {
        let mut out: Fruit = Default::default();
        for ((column, slots), into) in self.columns.iter().zip(self.seen).zip(out.iter_mut()) {
            let Some(col) = column else { continue };
            for (ord, (_, keys)) in slots.into_iter().enumerate() {
                if keys.is_empty() {
                    continue;
                }
                let mut value = String::new();
                if col.ord_to_str(ord as u64, &mut value).unwrap_or(false) {
                    into.entry(value).or_default().extend(keys);
                }
            }
        }
        out
    }
}

/// Join the documents of several segments.
pub(crate) fn merge(fruits: impl IntoIterator<Item = Fruit>) -> Fruit {
    let mut all: Fruit = Default::default();
    for fruit in fruits {
        for (into, from) in all.iter_mut().zip(fruit) {
            for (value, keys) in from {
                match into.get_mut(&value) {
                    Some(set) => set.extend(keys),
                    None => {
                        into.insert(value, keys);
                    }
                }
            }
        }
    }
    all
}

struct FacetCollector;

struct FacetSegmentCollector {
    keys: Column<u64>,
    counter: FacetCounter,
}

impl Collector for FacetCollector {
    type Fruit = Fruit;
    type Child = FacetSegmentCollector;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<FacetSegmentCollector> {
        Ok(FacetSegmentCollector {
            keys: reader.fast_fields().u64("doc_key")?,
            counter: FacetCounter::new(reader)?,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Fruit>) -> tantivy::Result<Fruit> {
        Ok(merge(fruits))
    }
}

impl SegmentCollector for FacetSegmentCollector {
    type Fruit = Fruit;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.counter.add(doc, self.keys.first(doc).unwrap_or(0));
    }

    fn harvest(self) -> Fruit {
        self.counter.harvest()
    }
}

fn counts(map: BTreeMap<String, FxHashSet<u64>>) -> Vec<FacetCount> {
    let mut v: Vec<FacetCount> = map
        .into_iter()
        .filter(|(value, _)| !value.is_empty())
        .map(|(value, keys)| FacetCount {
            value,
            documents: keys.len() as u64,
        })
        .collect();
    v.sort_by(|a, b| b.documents.cmp(&a.documents).then(a.value.cmp(&b.value)));
    v
}

/// Document counts per facet among the documents matching `query`.
pub fn facet_counts(searcher: &Searcher, fields: &Fields, query: &ParsedQuery) -> Result<Facets> {
    let q = query.to_query(fields)?;
    Ok(Facets::from_fruit(
        searcher.search(q.as_ref(), &FacetCollector)?,
    ))
}

impl Facets {
    pub(crate) fn from_fruit(fruit: Fruit) -> Facets {
        let [language, format, provision, region, issuer, doctype, year] = fruit;
        Facets {
            language: counts(language),
            format: counts(format),
            provision: counts(provision),
            region: counts(region),
            issuer: counts(issuer),
            doctype: counts(doctype),
            year: counts(year),
        }
    }
}
