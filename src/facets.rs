//! Facet counts for a query: how many *documents* (not passages) match per language, format,
//! provision, region, issuer, document type and year, read from fast fields while collecting,
//! so the search page and the API can offer filters.

use crate::error::Result;
use crate::index::schema::Fields;
use crate::query::ParsedQuery;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
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

/// Which documents have each value of each facet.
type Fruit = [BTreeMap<String, HashSet<u64>>; N];

struct FacetCollector;

struct FacetSegmentCollector {
    keys: Column<u64>,
    columns: [Option<StrColumn>; N],
    /// Per facet: term ordinal → document keys seen with it.
    seen: [BTreeMap<u64, HashSet<u64>>; N],
    /// The document of the last passage collected: its document-level values are known.
    last_key: Option<u64>,
}

/// Facets whose values are the same on every passage of a document (all but provisions).
const DOC_LEVEL: [bool; N] = [true, true, false, true, true, true, true];

impl Collector for FacetCollector {
    type Fruit = Fruit;
    type Child = FacetSegmentCollector;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<FacetSegmentCollector> {
        let ff = reader.fast_fields();
        let mut columns: [Option<StrColumn>; N] = Default::default();
        for (col, name) in columns.iter_mut().zip(FACET_FIELDS) {
            *col = ff.str(name)?;
        }
        Ok(FacetSegmentCollector {
            keys: ff.u64("doc_key")?,
            columns,
            seen: Default::default(),
            last_key: None,
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Fruit>) -> tantivy::Result<Fruit> {
        let mut all: Fruit = Default::default();
        for fruit in fruits {
            for (into, from) in all.iter_mut().zip(fruit) {
                for (value, keys) in from {
                    into.entry(value).or_default().extend(keys);
                }
            }
        }
        Ok(all)
    }
}

impl SegmentCollector for FacetSegmentCollector {
    type Fruit = Fruit;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let key = self.keys.first(doc).unwrap_or(0);
        // A document's passages are adjacent: its document-level values are counted once.
        let same_doc = self.last_key == Some(key);
        self.last_key = Some(key);
        for ((column, seen), doc_level) in
            self.columns.iter().zip(self.seen.iter_mut()).zip(DOC_LEVEL)
        {
            if same_doc && doc_level {
                continue;
            }
            if let Some(col) = column {
                for ord in col.term_ords(doc) {
                    seen.entry(ord).or_default().insert(key);
                }
            }
        }
    }

    fn harvest(self) -> Fruit {
        let mut out: Fruit = Default::default();
        for ((column, seen), into) in self.columns.iter().zip(self.seen).zip(out.iter_mut()) {
            let Some(col) = column else { continue };
            for (ord, keys) in seen {
                let mut value = String::new();
                if col.ord_to_str(ord, &mut value).unwrap_or(false) {
                    into.entry(value).or_default().extend(keys);
                }
            }
        }
        out
    }
}

fn counts(map: BTreeMap<String, HashSet<u64>>) -> Vec<FacetCount> {
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
    let [language, format, provision, region, issuer, doctype, year] =
        searcher.search(q.as_ref(), &FacetCollector)?;
    Ok(Facets {
        language: counts(language),
        format: counts(format),
        provision: counts(provision),
        region: counts(region),
        issuer: counts(issuer),
        doctype: counts(doctype),
        year: counts(year),
    })
}
