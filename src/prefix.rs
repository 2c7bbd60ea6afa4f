//! Queries that end in a prefix: a text clause whose last term is a single gram character
//! (see [`crate::query`] and the analyzer, which keeps a unigram only where a run ends).

use tantivy::query::{BooleanQuery, EnableScoring, PhrasePrefixQuery, Query, Weight};
use tantivy::{Searcher, TantivyError, Term};

/// A phrase whose last term is a prefix, expanded to every term of the index that starts with
/// it. tantivy's [`PhrasePrefixQuery`] expands to at most a set number of terms (50 by
/// default, and it reserves room for as many as it is allowed); this counts the terms the
/// prefix has in the searcher's segments first and allows exactly those, so a match is never
/// missed.
///
/// A prefix on its own (`税`) would be matched by tantivy as a term range, every passage with
/// the same score; when it has at most [`SCORED_EXPANSIONS`] terms it is their union instead,
/// ranked by BM25 like any other term.
#[derive(Clone, Debug)]
pub(crate) struct PrefixPhraseQuery {
    /// `(offset, term)`, the prefix last, right after the term before it.
    terms: Vec<(usize, Term)>,
}

/// Most terms a prefix on its own is expanded to for scoring (a common character starts
/// thousands of bigrams: those are matched as a range, without scores).
const SCORED_EXPANSIONS: usize = 256;

impl PrefixPhraseQuery {
    /// `terms`: `(offset, term)`, the prefix last, right after the term before it.
    pub(crate) fn new(terms: Vec<(usize, Term)>) -> PrefixPhraseQuery {
        PrefixPhraseQuery { terms }
    }

    /// Calls `each` with every term that starts with the prefix in each segment, in order,
    /// until it returns false.
    fn for_each_expansion(
        &self,
        searcher: &Searcher,
        mut each: impl FnMut(usize, &[u8]) -> bool,
    ) -> tantivy::Result<()> {
        let Some((_, prefix)) = self.terms.last() else {
            return Ok(());
        };
        let bytes = prefix.serialized_value_bytes();
        for (i, segment) in searcher.segment_readers().iter().enumerate() {
            let inverted = segment.inverted_index(prefix.field())?;
            let mut range = inverted.terms().range().ge(bytes);
            if let Some(end) = prefix_end(bytes) {
                range = range.lt(end);
            }
            let mut stream = range.into_stream()?;
            while stream.advance() {
                if !each(i, stream.key()) {
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// The most terms that start with the prefix in any one segment.
    fn expansions(&self, searcher: &Searcher) -> tantivy::Result<u32> {
        let mut counts = vec![0u32; searcher.segment_readers().len()];
        self.for_each_expansion(searcher, |segment, _| {
            counts[segment] = counts[segment].saturating_add(1);
            true
        })?;
        Ok(counts.into_iter().max().unwrap_or(0))
    }

    /// The distinct terms that start with the prefix, unless there are more than `most`.
    fn scored_terms(&self, searcher: &Searcher, most: usize) -> tantivy::Result<Option<Vec<Term>>> {
        let Some((_, prefix)) = self.terms.last() else {
            return Ok(Some(Vec::new()));
        };
        let field = prefix.field();
        let mut seen: std::collections::BTreeSet<Vec<u8>> = Default::default();
        let mut within = true;
        self.for_each_expansion(searcher, |_, key| {
            if !seen.contains(key) {
                seen.insert(key.to_vec());
            }
            within = seen.len() <= most;
            within
        })?;
        Ok(within.then(|| {
            seen.iter()
                .filter_map(|k| std::str::from_utf8(k).ok())
                .map(|k| Term::from_field_text(field, k))
                .collect()
        }))
    }
}

/// The smallest byte string greater than every string starting with `prefix`, if any.
fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

impl Query for PrefixPhraseQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let Some(searcher) = enable_scoring.searcher() else {
            return Err(TantivyError::InvalidArgument(
                "a prefix query needs a searcher".into(),
            ));
        };
        let mut query = PhrasePrefixQuery::new_with_offset(self.terms.clone());
        if self.terms.len() == 1 {
            if let Some(terms) = self.scored_terms(searcher, SCORED_EXPANSIONS)? {
                return BooleanQuery::new_multiterms_query(terms).weight(enable_scoring);
            }
            // A range allocates nothing per allowed term.
            query.set_max_expansions(u32::MAX);
        } else {
            query.set_max_expansions(self.expansions(searcher)?.max(1));
        }
        query.weight(enable_scoring)
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        let n = self.terms.len().saturating_sub(1);
        for (_, term) in &self.terms[..n] {
            visitor(term, true);
        }
    }
}
