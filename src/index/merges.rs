//! The merge policy of indexing runs: tantivy's log-structured policy, with every merge
//! limited in size.
//!
//! A merge maps its input segments and reads them whole, so its size is what an indexing run
//! holds in memory at its peak (mapped segment files plus merge buffers). With tantivy's
//! default (merges of up to 10M documents), a 200,000-document corpus (2.5M passages) peaked
//! at 1,035 MiB, 700 MiB of it in the final merges. Here no merge takes in more than
//! [`MAX_MERGE_DOCS`] passages, and segments past half of it are not merged again (unless
//! deletes have emptied them): a large index ends up as several segments of that size, which
//! costs searches little.

use tantivy::index::SegmentMeta;
use tantivy::indexer::{LogMergePolicy, MergeCandidate, MergePolicy};

/// Most passages (deleted ones included) one merge reads: about 140 MB of index at the
/// ~550 bytes a passage takes.
pub const MAX_MERGE_DOCS: u32 = 250_000;

/// A segment with this share of deleted passages is merged (alone if need be) to drop them:
/// incremental runs delete the old passages of every changed file.
const DELETED_RATIO: f32 = 0.3;

#[derive(Debug)]
pub struct BoundedMerges {
    inner: LogMergePolicy,
    max_docs: u32,
}

impl BoundedMerges {
    pub fn new(max_docs: u32) -> Self {
        let mut inner = LogMergePolicy::default();
        // (Live documents: a large segment that lost many to deletes is merged again.)
        inner.set_max_docs_before_merge((max_docs / 2) as usize);
        inner.set_del_docs_ratio_before_merge(DELETED_RATIO);
        BoundedMerges { inner, max_docs }
    }
}

impl Default for BoundedMerges {
    fn default() -> Self {
        BoundedMerges::new(MAX_MERGE_DOCS)
    }
}

impl MergePolicy for BoundedMerges {
    fn compute_merge_candidates(&self, segments: &[SegmentMeta]) -> Vec<MergeCandidate> {
        let meta = |id| segments.iter().find(|s| s.id() == id);
        let size = |id| meta(id).map_or(0, |s| s.max_doc());
        let mostly_deleted = |id| {
            meta(id).is_some_and(|s| {
                s.num_deleted_docs() as f32 >= DELETED_RATIO * s.max_doc().max(1) as f32
            })
        };
        let mut out = Vec::new();
        for MergeCandidate(ids) in self.inner.compute_merge_candidates(segments) {
            // Largest first, packed into merges of at most `max_docs`.
            let mut ids: Vec<_> = ids.into_iter().map(|id| (size(id), id)).collect();
            ids.sort_by_key(|(n, _)| std::cmp::Reverse(*n));
            let mut packs: Vec<(u32, Vec<_>)> = Vec::new();
            for (n, id) in ids {
                match packs
                    .iter_mut()
                    .find(|(total, _)| total + n <= self.max_docs)
                {
                    Some((total, pack)) => {
                        *total += n;
                        pack.push(id);
                    }
                    None => packs.push((n, vec![id])),
                }
            }
            out.extend(
                packs
                    .into_iter()
                    .filter(|(_, pack)| pack.len() > 1 || mostly_deleted(pack[0]))
                    .map(|(_, pack)| MergeCandidate(pack)),
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::index::SegmentId;
    use tantivy::schema::{Schema, INDEXED};
    use tantivy::{doc, Index, IndexWriter};

    fn metas(sizes: &[u32]) -> Vec<SegmentMeta> {
        let index = Index::create_in_ram(Schema::builder().build());
        sizes
            .iter()
            .map(|&n| index.new_segment_meta(SegmentId::generate_random(), n))
            .collect()
    }

    #[test]
    fn merges_never_exceed_the_limit() {
        let policy = BoundedMerges::new(100_000);
        // Ten segments of 30k: the log policy would merge all ten (300k) at once.
        let segments = metas(&[30_000; 10]);
        let candidates = policy.compute_merge_candidates(&segments);
        assert!(!candidates.is_empty());
        for MergeCandidate(ids) in &candidates {
            let total: u32 = ids
                .iter()
                .map(|id| segments.iter().find(|s| s.id() == *id).unwrap().max_doc())
                .sum();
            assert!(ids.len() >= 2 && total <= 100_000, "{total}");
        }
        // Segments past half the limit are left alone...
        assert!(policy
            .compute_merge_candidates(&metas(&[60_000; 10]))
            .is_empty());
        // ... until deletes have taken a good share of one: it is merged alone, to drop them.
        let worn = metas(&[90_000, 60_000]);
        let worn = vec![
            worn[0].clone().with_delete_meta(40_000, 1),
            worn[1].clone().with_delete_meta(1_000, 1),
        ];
        let candidates = policy.compute_merge_candidates(&worn);
        assert_eq!(candidates.len(), 1);
        assert_eq!(candidates[0].0, vec![worn[0].id()]);
    }

    #[test]
    fn an_index_writer_accepts_it() {
        let mut schema = Schema::builder();
        let n = schema.add_u64_field("n", INDEXED);
        let index = Index::create_in_ram(schema.build());
        let mut writer: IndexWriter = index.writer_with_num_threads(1, 15_000_000).unwrap();
        writer.set_merge_policy(Box::new(BoundedMerges::new(50)));
        for round in 0..12u64 {
            for k in 0..10u64 {
                writer.add_document(doc!(n => round * 10 + k)).unwrap();
            }
            writer.commit().unwrap();
        }
        writer.wait_merging_threads().unwrap();
        let searcher = index.reader().unwrap().searcher();
        assert_eq!(searcher.num_docs(), 120);
        // 12 segments of 10 merged into segments of at most 50 documents.
        assert!(searcher.segment_readers().len() < 12);
        assert!(searcher.segment_readers().iter().all(|s| s.max_doc() <= 50));
    }
}
