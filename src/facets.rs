//! Facet counts for a query: how many *documents* (not passages) match per language, format,
//! provision, region, issuer, document type and year, so the search page and the API can
//! offer filters. They come from the search's own pass: provisions are gathered per matching
//! passage while collecting, the document-level facets are read once per matching document.

use crate::error::Result;
use crate::index::schema::Fields;
use crate::query::ParsedQuery;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use tantivy::columnar::StrColumn;
use tantivy::{DocAddress, Searcher};

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
pub(crate) const FACET_FIELDS: [&str; N] = [
    "lang",
    "format",
    "provision",
    "region",
    "issuer",
    "doctype",
    "year",
];
/// Where the provision facet (the only passage-level one) is in [`FACET_FIELDS`].
pub(crate) const PROVISION: usize = 2;

/// A set of small integers (term ordinals): one word inline, more only past 64.
#[derive(Debug, Clone, Default)]
pub(crate) struct Bits {
    lo: u64,
    /// Ordinals from 64 on (a boxed slice: a group per matching document carries one, and
    /// an empty one costs two words, not three).
    hi: Box<[u64]>,
}

impl Bits {
    pub(crate) fn set(&mut self, i: usize) {
        if i < 64 {
            self.lo |= 1 << i;
        } else {
            let (word, bit) = (i / 64 - 1, i % 64);
            if self.hi.len() <= word {
                self.grow(word + 1);
            }
            self.hi[word] |= 1 << bit;
        }
    }

    fn grow(&mut self, words: usize) {
        let mut hi = std::mem::take(&mut self.hi).into_vec();
        hi.resize(words, 0);
        self.hi = hi.into_boxed_slice();
    }

    /// Add ordinals 0–63, given as the bits of `word`.
    pub(crate) fn add_word(&mut self, word: u64) {
        self.lo |= word;
    }

    pub(crate) fn union(&mut self, other: &Bits) {
        self.lo |= other.lo;
        if self.hi.len() < other.hi.len() {
            self.grow(other.hi.len());
        }
        for (a, b) in self.hi.iter_mut().zip(&other.hi) {
            *a |= b;
        }
    }

    pub(crate) fn ones(&self) -> impl Iterator<Item = usize> + '_ {
        std::iter::once(self.lo)
            .chain(self.hi.iter().copied())
            .enumerate()
            .flat_map(|(w, mut word)| {
                std::iter::from_fn(move || {
                    (word != 0).then(|| {
                        let bit = word.trailing_zeros() as usize;
                        word &= word - 1;
                        w * 64 + bit
                    })
                })
            })
    }
}

/// The values of a string column's term ordinals, in ordinal order (empty when its dictionary
/// cannot be read: no provision is then counted rather than the wrong ones).
pub(crate) fn term_names(col: &StrColumn) -> Vec<String> {
    let ords: Vec<u64> = (0..col.num_terms() as u64).collect();
    let mut names = Vec::with_capacity(ords.len());
    let complete = col
        .dictionary()
        .sorted_ords_to_term_cb(&ords, |term| {
            names.push(String::from_utf8_lossy(term).into_owned())
        })
        .unwrap_or(false);
    if !complete {
        names.clear();
    }
    names
}

/// Provision values of all segments, so that segment-local bits can be joined.
#[derive(Default)]
pub(crate) struct Dictionary {
    pub(crate) names: Vec<String>,
    ids: rustc_hash::FxHashMap<String, usize>,
}

impl Dictionary {
    /// For each segment-local ordinal, its id in this dictionary.
    pub(crate) fn ids_of(&mut self, local: Vec<String>) -> Vec<usize> {
        local
            .into_iter()
            .map(|name| {
                let next = self.names.len();
                *self.ids.entry(name.clone()).or_insert_with(|| {
                    self.names.push(name);
                    next
                })
            })
            .collect()
    }

    /// `bits` of segment-local ordinals as dictionary ids (`ids` from [`Dictionary::ids_of`]).
    pub(crate) fn remap(ids: &[usize], bits: &Bits) -> Bits {
        let mut out = Bits::default();
        for ord in bits.ones() {
            if let Some(&id) = ids.get(ord) {
                out.set(id);
            }
        }
        out
    }
}

/// Facet counts of matching documents, each given once: the address of one of its matching
/// passages (document-level values are the same on all of them) and its provisions (ids in
/// `dictionary`).
pub(crate) fn count<'a>(
    searcher: &Searcher,
    documents: impl Iterator<Item = (DocAddress, &'a Bits)>,
    dictionary: &Dictionary,
) -> Result<Facets> {
    // Per segment: its table, and per document-level facet its column and a count per term
    // ordinal. The values come from the table (read once per segment), the column only
    // names the counted ordinals.
    type Counted = (
        std::sync::Arc<crate::tables::SegmentTable>,
        Vec<(Option<StrColumn>, Vec<u64>)>,
    );
    let mut segments: Vec<Option<Counted>> = vec![None; searcher.segment_readers().len()];
    let mut provisions = vec![0u64; dictionary.names.len()];
    for (addr, bits) in documents {
        for id in bits.ones() {
            if let Some(n) = provisions.get_mut(id) {
                *n += 1;
            }
        }
        let Some(slot) = segments.get_mut(addr.segment_ord as usize) else {
            continue;
        };
        if slot.is_none() {
            let reader = searcher.segment_reader(addr.segment_ord);
            let table = crate::tables::table(reader)?;
            table.load_facets(reader)?;
            let ff = reader.fast_fields();
            let mut facets = Vec::with_capacity(N);
            for (i, name) in FACET_FIELDS.iter().enumerate() {
                let column = if i == PROVISION { None } else { ff.str(name)? };
                let n = column.as_ref().map_or(0, |c| c.num_terms());
                facets.push((column, vec![0u64; n]));
            }
            *slot = Some((table, facets));
        }
        let Some((table, facets)) = slot else {
            continue;
        };
        for (facet, ord) in table.run_facets(table.run_of(addr.doc_id)) {
            if let Some(n) = facets[facet].1.get_mut(ord as usize) {
                *n += 1;
            }
        }
    }
    let mut maps: [BTreeMap<String, u64>; N] = Default::default();
    for (_, facets) in segments.into_iter().flatten() {
        for ((column, counts), map) in facets.into_iter().zip(maps.iter_mut()) {
            let Some(col) = column else { continue };
            let ords: Vec<u64> = (0..counts.len() as u64)
                .filter(|&o| counts[o as usize] > 0)
                .collect();
            let mut n = ords.iter().map(|&o| counts[o as usize]);
            col.dictionary()
                .sorted_ords_to_term_cb(&ords, |term| {
                    let value = String::from_utf8_lossy(term).into_owned();
                    *map.entry(value).or_default() += n.next().unwrap_or(0);
                })
                .map_err(tantivy::TantivyError::from)?;
        }
    }
    for (name, n) in dictionary.names.iter().zip(provisions) {
        if n > 0 {
            *maps[PROVISION].entry(name.clone()).or_default() += n;
        }
    }
    let [language, format, provision, region, issuer, doctype, year] = maps;
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

fn counts(map: BTreeMap<String, u64>) -> Vec<FacetCount> {
    let mut v: Vec<FacetCount> = map
        .into_iter()
        .filter(|(value, _)| !value.is_empty())
        .map(|(value, documents)| FacetCount { value, documents })
        .collect();
    v.sort_by(|a, b| b.documents.cmp(&a.documents).then(a.value.cmp(&b.value)));
    v
}

/// Document counts per facet among the documents matching `query`.
pub fn facet_counts(searcher: &Searcher, fields: &Fields, query: &ParsedQuery) -> Result<Facets> {
    let q = query.to_query(fields)?;
    let groups = crate::search::collect_groups(searcher, q.as_ref(), 1, true)?;
    groups.facets(searcher)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bits_hold_ordinals_past_one_word_and_join() {
        let mut a = Bits::default();
        for i in [0, 5, 63, 64, 130] {
            a.set(i);
        }
        a.set(5);
        assert_eq!(a.ones().collect::<Vec<_>>(), vec![0, 5, 63, 64, 130]);
        let mut b = Bits::default();
        b.set(1);
        b.set(200);
        b.union(&a);
        assert_eq!(
            b.ones().collect::<Vec<_>>(),
            vec![0, 1, 5, 63, 64, 130, 200]
        );
        assert_eq!(Bits::default().ones().count(), 0);
    }

    #[test]
    fn dictionary_joins_the_ordinals_of_segments() {
        let mut d = Dictionary::default();
        let first = d.ids_of(vec!["export_rebate".into(), "free_warehousing".into()]);
        let second = d.ids_of(vec!["fiscal_subsidy".into(), "free_warehousing".into()]);
        assert_eq!(first, vec![0, 1]);
        assert_eq!(second, vec![2, 1]);
        let mut local = Bits::default();
        local.set(0);
        local.set(1);
        let ids: Vec<usize> = Dictionary::remap(&second, &local).ones().collect();
        assert_eq!(ids, vec![1, 2]);
    }
}
