//! Document-level clauses: a query on a field a document has once (title, path, issuers,
//! 发文字号) matches every passage of the documents it finds.
//!
//! Those fields are analyzed on each document's first passage only (see
//! [`crate::index::schema`]). [`DocJoinQuery`] runs its inner query on those head passages when
//! its weight is built (the searcher is known then) and keeps the document keys it matched with
//! their scores. A segment's scorer then walks the segment's runs of passages (from
//! [`crate::tables`]) and matches each run whose key was matched, with its document's score: a
//! document costs one lookup, its passages a range.

use crate::tables::{table, Cursor};
use rustc_hash::FxHashMap;
use std::fmt;
use std::sync::Arc;
use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, TERMINATED};

/// Matches the passages of every document whose head passage matches `inner`.
pub struct DocJoinQuery {
    inner: Box<dyn Query>,
}

impl DocJoinQuery {
    pub fn new(inner: Box<dyn Query>) -> DocJoinQuery {
        DocJoinQuery { inner }
    }
}

impl Clone for DocJoinQuery {
    fn clone(&self) -> Self {
        DocJoinQuery {
            inner: self.inner.box_clone(),
        }
    }
}

impl fmt::Debug for DocJoinQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DocJoin({:?})", self.inner)
    }
}

impl Query for DocJoinQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let searcher = enable_scoring.searcher().ok_or_else(|| {
            TantivyError::InvalidArgument("a document-level clause needs a searcher".into())
        })?;
        let inner = self.inner.weight(enable_scoring)?;
        let mut keys: FxHashMap<u64, Score> = FxHashMap::default();
        for reader in searcher.segment_readers() {
            let mut runs = Cursor::new(table(reader)?);
            let alive = reader.alive_bitset();
            inner.for_each(reader, &mut |doc, score| {
                if alive.is_none_or(|a| a.is_alive(doc)) {
                    let run = runs.run(doc);
                    let best = keys.entry(runs.table().key(run)).or_insert(score);
                    *best = best.max(score);
                }
            })?;
        }
        Ok(Box::new(DocJoinWeight {
            keys: Arc::new(keys),
        }))
    }
}

struct DocJoinWeight {
    keys: Arc<FxHashMap<u64, Score>>,
}

impl Weight for DocJoinWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        if self.keys.is_empty() {
            return Ok(Box::new(EmptyScorer));
        }
        let t = table(reader)?;
        let ranges: Vec<(DocId, DocId, Score)> = t
            .runs(reader.max_doc())
            .filter_map(|(from, to, key)| self.keys.get(&key).map(|s| (from, to, *s * boost)))
            .collect();
        if ranges.is_empty() {
            return Ok(Box::new(EmptyScorer));
        }
        Ok(Box::new(RangeScorer::new(ranges)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        Ok(Explanation::new(
            "its document matched a document-level clause",
            scorer.score(),
        ))
    }
}

/// Passages given as ascending, disjoint ranges `[from, to)`, each with a score.
struct RangeScorer {
    ranges: Vec<(DocId, DocId, Score)>,
    /// The current range, and the current passage in it.
    at: usize,
    doc: DocId,
}

impl RangeScorer {
    fn new(ranges: Vec<(DocId, DocId, Score)>) -> RangeScorer {
        let doc = ranges.first().map_or(TERMINATED, |r| r.0);
        RangeScorer { ranges, at: 0, doc }
    }
}

impl DocSet for RangeScorer {
    fn advance(&mut self) -> DocId {
        if self.doc == TERMINATED {
            return TERMINATED;
        }
        self.doc += 1;
        if self.doc >= self.ranges[self.at].1 {
            self.at += 1;
            self.doc = self.ranges.get(self.at).map_or(TERMINATED, |r| r.0);
        }
        self.doc
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        if target < self.ranges[self.at].1 {
            // Inside the current range: the common case when a clause on the passage text
            // leads.
            self.doc = target;
            return target;
        }
        // The first range that ends after the target: gallop, then bisect.
        let (mut lo, mut step) = (self.at, 1);
        let hi = loop {
            let probe = lo + step;
            if probe >= self.ranges.len() || self.ranges[probe].1 > target {
                break probe.min(self.ranges.len());
            }
            lo = probe;
            step *= 2;
        };
        self.at = lo + 1 + self.ranges[lo + 1..hi].partition_point(|r| r.1 <= target);
        self.doc = match self.ranges.get(self.at) {
            Some(r) => r.0.max(target),
            None => TERMINATED,
        };
        self.doc
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.ranges[self.at.min(self.ranges.len() - 1)..]
            .iter()
            .map(|r| r.1 - r.0)
            .sum()
    }
}

impl Scorer for RangeScorer {
    fn score(&mut self) -> Score {
        self.ranges.get(self.at).map_or(0.0, |r| r.2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_scorer_walks_and_seeks() {
        let mut s = RangeScorer::new(vec![(2, 4, 1.0), (4, 5, 2.0), (9, 12, 3.0)]);
        assert_eq!(s.size_hint(), 6);
        assert_eq!((s.doc(), s.score()), (2, 1.0));
        assert_eq!(s.advance(), 3);
        assert_eq!((s.advance(), s.score()), (4, 2.0));
        assert_eq!((s.advance(), s.score()), (9, 3.0));
        assert_eq!(s.seek(9), 9);
        assert_eq!(s.seek(11), 11);
        assert_eq!(s.advance(), TERMINATED);
        assert_eq!(s.advance(), TERMINATED);
        let mut s = RangeScorer::new(vec![(2, 4, 1.0), (9, 12, 3.0)]);
        assert_eq!((s.seek(5), s.score()), (9, 3.0));
        assert_eq!(s.seek(12), TERMINATED);
        let mut s = RangeScorer::new(vec![(2, 4, 1.0)]);
        assert_eq!(s.seek(3), 3);
        assert_eq!(s.seek(4), TERMINATED);
        // Long jumps gallop: ranges [10i, 10i + 5).
        let many: Vec<(DocId, DocId, Score)> =
            (0..100).map(|i| (i * 10, i * 10 + 5, i as f32)).collect();
        let mut s = RangeScorer::new(many);
        assert_eq!((s.seek(503), s.score()), (503, 50.0));
        assert_eq!((s.seek(507), s.score()), (510, 51.0));
        assert_eq!(s.seek(511), 511);
        assert_eq!((s.seek(986), s.score()), (990, 99.0));
        assert_eq!(s.seek(995), TERMINATED);
    }
}
