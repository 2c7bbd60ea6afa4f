//! Per-segment tables that the search collector walks instead of reading fast-field columns for
//! every matching passage.
//!
//! A search visits every matching passage (exact counts, one group per document), often
//! hundreds of thousands. Reading the passage's `doc_key` and `provision` columns for each of
//! them was a fifth of the query time. A segment never changes, so both are read once into
//! small tables: where each run of one document's passages starts (sorted), and, once a search
//! counts facets, each passage's provisions as a bit set (2 bytes a passage with the built-in
//! taxonomy) and each run's document-level facet values (language, format, region, issuer,
//! type, year). The runs also serve [`crate::docjoin`]. Passages arrive in
//! ascending order, so the collector finds a passage's run with a cursor that only moves
//! forward.
//!
//! Tables are kept per segment id (segments are immutable and their ids unique) in one
//! process-wide map: built on first use, or ahead by [`TableWarmer`] when a reader sees a new
//! commit, and dropped by that warmer once no live searcher uses their segment.

use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::{Arc, LazyLock, Mutex, OnceLock};
use tantivy::index::SegmentId;
use tantivy::{DocId, Searcher, SearcherGeneration, SegmentReader};

/// The provision term ordinals of a segment's passages.
#[derive(Debug, Default)]
enum Tags {
    /// The segment has no provision values.
    #[default]
    None,
    /// A bit set per passage (up to 16 values: the built-in taxonomy has 12).
    Narrow(Vec<u16>),
    /// A bit set per passage (up to 64 values).
    Wide(Vec<u64>),
    /// More values: the passages with any, ascending, with their ordinals in
    /// `ords[offsets[i]..offsets[i + 1]]`.
    Sparse {
        tagged: Vec<DocId>,
        offsets: Vec<u32>,
        ords: Vec<u32>,
    },
}

/// What the collector needs of one segment.
#[derive(Debug, Default)]
pub(crate) struct SegmentTable {
    /// First passage of each run of consecutive passages with the same `doc_key` and growing
    /// ordinals, ascending.
    run_starts: Vec<DocId>,
    /// The `doc_key` of each run.
    run_keys: Vec<u64>,
    /// What facet counts need (every passage's provisions, every run's document-level
    /// values), read when a search first counts facets (or when a reader warms up): a one-shot
    /// command-line search without facets need not read them.
    facets: OnceLock<FacetData>,
}

/// The provisions of a segment's passages, and the document-level facet values of its runs.
#[derive(Debug, Default)]
struct FacetData {
    tags: Tags,
    /// The provision value of each segment-local term ordinal.
    names: Vec<String>,
    /// Run `r`'s document-level facet values (index in [`crate::facets::FACET_FIELDS`] << 32 |
    /// segment-local term ordinal) are `run_facets[run_offsets[r]..run_offsets[r + 1]]`: read
    /// once here instead of six column lookups per matching document and search.
    run_offsets: Vec<u32>,
    run_facets: Vec<u64>,
}

/// A fast-field column of every passage, read a block at a time when every passage has a
/// value (the usual case), one value at a time otherwise.
fn read_all(
    column: &tantivy::columnar::Column<u64>,
    max_doc: DocId,
    mut each: impl FnMut(DocId, u64),
) {
    if matches!(column.index, tantivy::columnar::ColumnIndex::Full) {
        let mut block = [0u64; 1024];
        let mut start: DocId = 0;
        while start < max_doc {
            let n = (max_doc - start).min(block.len() as DocId) as usize;
            column.values.get_range(u64::from(start), &mut block[..n]);
            for (i, v) in block[..n].iter().enumerate() {
                each(start + i as DocId, *v);
            }
            start += n as DocId;
        }
    } else {
        for doc in 0..max_doc {
            each(doc, column.first(doc).unwrap_or(0));
        }
    }
}

impl SegmentTable {
    fn build(reader: &SegmentReader) -> tantivy::Result<SegmentTable> {
        let max = reader.max_doc();
        let mut keys = Vec::with_capacity(max as usize);
        read_all(&reader.fast_fields().u64("doc_key")?, max, |_, k| {
            keys.push(k)
        });
        let mut t = SegmentTable::default();
        let mut last_ordinal = 0;
        read_all(
            &reader.fast_fields().u64("ordinal")?,
            max,
            |doc, ordinal| {
                let key = keys[doc as usize];
                // A run also ends where the ordinal does not grow (two runs of one document
                // joined end to end by a merge), so that within a run passage order is reading
                // order.
                if t.run_keys.last() != Some(&key) || (doc > 0 && ordinal <= last_ordinal) {
                    t.run_starts.push(doc);
                    t.run_keys.push(key);
                }
                last_ordinal = ordinal;
            },
        );
        Ok(t)
    }

    /// The key of run `run`.
    pub(crate) fn key(&self, run: usize) -> u64 {
        self.run_keys[run]
    }

    /// Every run as `[from, to)` with its key (`max_doc`: the segment's, where the last ends).
    pub(crate) fn runs(&self, max_doc: DocId) -> impl Iterator<Item = (DocId, DocId, u64)> + '_ {
        let ends = self.run_starts.iter().skip(1).copied().chain([max_doc]);
        self.run_starts
            .iter()
            .zip(ends)
            .zip(&self.run_keys)
            .map(|((&from, to), &key)| (from, to, key))
    }

    /// The provision value of each segment-local term ordinal (empty until the provisions
    /// were read).
    pub(crate) fn provision_names(&self) -> &[String] {
        self.facets.get().map_or(&[], |p| &p.names)
    }

    /// Read the provisions of the segment's passages and the facet values of its runs, unless
    /// already read.
    pub(crate) fn load_facets(&self, reader: &SegmentReader) -> tantivy::Result<()> {
        if self.facets.get().is_none() {
            let p = FacetData::read(reader, &self.run_starts)?;
            self.facets.get_or_init(|| p);
        }
        Ok(())
    }

    /// The run passage `doc` belongs to.
    pub(crate) fn run_of(&self, doc: DocId) -> usize {
        self.run_starts
            .partition_point(|&s| s <= doc)
            .saturating_sub(1)
    }

    /// The document-level facet values of run `run` as (facet index, term ordinal): none
    /// until [`SegmentTable::load_facets`] has read them.
    pub(crate) fn run_facets(&self, run: usize) -> impl Iterator<Item = (usize, u64)> + '_ {
        let values = self.facets.get().map_or(&[][..], |p| {
            match (p.run_offsets.get(run), p.run_offsets.get(run + 1)) {
                (Some(&from), Some(&to)) => &p.run_facets[from as usize..to as usize],
                _ => &[],
            }
        });
        values
            .iter()
            .map(|&v| ((v >> 32) as usize, v & 0xFFFF_FFFF))
    }
}

impl FacetData {
    fn read(reader: &SegmentReader, run_starts: &[DocId]) -> tantivy::Result<FacetData> {
        let (run_offsets, run_facets) = read_run_facets(reader, run_starts)?;
        let Some(col) = reader.fast_fields().str("provision")? else {
            return Ok(FacetData {
                run_offsets,
                run_facets,
                ..FacetData::default()
            });
        };
        let max = reader.max_doc();
        // A passage's ordinals as bits (used only when there are at most 64 values).
        let mask = |doc: DocId| col.term_ords(doc).fold(0u64, |m, o| m | 1 << o);
        let tags = match col.num_terms() {
            0 => Tags::None,
            1..=16 => Tags::Narrow((0..max).map(|doc| mask(doc) as u16).collect()),
            17..=64 => Tags::Wide((0..max).map(mask).collect()),
            _ => {
                let (mut tagged, mut offsets, mut ords) = (Vec::new(), vec![0u32], Vec::new());
                for doc in 0..max {
                    let before = ords.len();
                    ords.extend(col.term_ords(doc).map(|o| o as u32));
                    if ords.len() > before {
                        tagged.push(doc);
                        offsets.push(ords.len() as u32);
                    }
                }
                Tags::Sparse {
                    tagged,
                    offsets,
                    ords,
                }
            }
        };
        Ok(FacetData {
            tags,
            names: crate::facets::term_names(&col),
            run_offsets,
            run_facets,
        })
    }
}

/// The document-level facet values of each run, from its first passage (a document's
/// passages all carry the same), as offsets and packed values (see [`FacetData`]).
fn read_run_facets(
    reader: &SegmentReader,
    run_starts: &[DocId],
) -> tantivy::Result<(Vec<u32>, Vec<u64>)> {
    let mut columns = Vec::new();
    for (i, name) in crate::facets::FACET_FIELDS.iter().enumerate() {
        if i != crate::facets::PROVISION {
            if let Some(col) = reader.fast_fields().str(name)? {
                columns.push((i as u64, col));
            }
        }
    }
    let mut offsets = Vec::with_capacity(run_starts.len() + 1);
    let mut values = Vec::with_capacity(run_starts.len() * columns.len());
    offsets.push(0);
    for &doc in run_starts {
        for (i, col) in &columns {
            values.extend(col.term_ords(doc).map(|o| i << 32 | (o & 0xFFFF_FFFF)));
        }
        offsets.push(u32::try_from(values.len()).unwrap_or(u32::MAX));
    }
    Ok((offsets, values))
}

/// Move `at` forward to the last index whose value is `<= doc` (the values ascend, and
/// `values[at] <= doc` or `at` is the start). Gallops from `at`: the cost grows with the log of
/// the distance moved, not of the table.
fn advance(values: &[DocId], at: &mut usize, doc: DocId) {
    let mut lo = *at; // values[lo] <= doc (or lo is the start)
    let mut step = 1;
    loop {
        let probe = lo + step;
        if probe >= values.len() || values[probe] > doc {
            let hi = probe.min(values.len());
            *at = lo + values[lo + 1..hi].partition_point(|&v| v <= doc);
            return;
        }
        lo = probe;
        step *= 2;
    }
}

/// A forward-only reader of one segment's table, for ascending passages.
pub(crate) struct Cursor {
    table: Arc<SegmentTable>,
    run: usize,
    tag: usize,
}

impl Cursor {
    pub(crate) fn new(table: Arc<SegmentTable>) -> Cursor {
        Cursor {
            table,
            run: 0,
            tag: 0,
        }
    }

    pub(crate) fn table(&self) -> &SegmentTable {
        &self.table
    }

    /// The run (document) passage `doc` belongs to. `doc` must not be below the last one asked.
    pub(crate) fn run(&mut self, doc: DocId) -> usize {
        advance(&self.table.run_starts, &mut self.run, doc);
        self.run
    }

    /// Add the provision term ordinals of passage `doc` to `into` (ascending `doc`, like
    /// [`Cursor::run`]).
    pub(crate) fn add_tags(&mut self, doc: DocId, into: &mut crate::facets::Bits) {
        let Some(facets) = self.table.facets.get() else {
            return;
        };
        match &facets.tags {
            Tags::None => {}
            Tags::Narrow(masks) => into.add_word(u64::from(masks[doc as usize])),
            Tags::Wide(masks) => into.add_word(masks[doc as usize]),
            Tags::Sparse {
                tagged,
                offsets,
                ords,
            } => {
                if tagged.is_empty() {
                    return;
                }
                if tagged[self.tag] < doc {
                    advance(tagged, &mut self.tag, doc);
                    if tagged[self.tag] < doc && self.tag + 1 < tagged.len() {
                        self.tag += 1;
                    }
                }
                if tagged[self.tag] == doc {
                    let range = offsets[self.tag] as usize..offsets[self.tag + 1] as usize;
                    for &o in &ords[range] {
                        into.set(o as usize);
                    }
                }
            }
        }
    }
}

struct Registry {
    tables: FxHashMap<SegmentId, (Arc<SegmentTable>, u64)>,
    tick: u64,
}

/// Tables kept when no warmer tends them (the command line, tests): the most recently used.
const KEEP_UNTENDED: usize = 256;

static REGISTRY: LazyLock<Mutex<Registry>> = LazyLock::new(|| {
    Mutex::new(Registry {
        tables: FxHashMap::default(),
        tick: 0,
    })
});

/// The table of a segment, built now if no search has used the segment yet.
pub(crate) fn table(reader: &SegmentReader) -> tantivy::Result<Arc<SegmentTable>> {
    let id = reader.segment_id();
    {
        let mut r = REGISTRY.lock().unwrap_or_else(|p| p.into_inner());
        r.tick += 1;
        let tick = r.tick;
        if let Some((t, used)) = r.tables.get_mut(&id) {
            *used = tick;
            return Ok(t.clone());
        }
    }
    // Built outside the lock: two searches may build the same table at once, which only
    // costs time.
    let t = Arc::new(SegmentTable::build(reader)?);
    let mut r = REGISTRY.lock().unwrap_or_else(|p| p.into_inner());
    let tick = r.tick;
    r.tables.insert(id, (t.clone(), tick));
    if r.tables.len() > KEEP_UNTENDED {
        let mut used: Vec<u64> = r.tables.values().map(|(_, u)| *u).collect();
        used.sort_unstable();
        let cut = used[used.len() - KEEP_UNTENDED / 2];
        r.tables.retain(|_, (_, u)| *u >= cut);
    }
    Ok(t)
}

/// Builds the tables of a reader's new segments when it reloads, before searches need them,
/// and drops those of segments no live searcher has. Keep it alive as long as the reader
/// (readers hold warmers weakly).
#[derive(Default)]
pub struct TableWarmer {
    warmed: Mutex<FxHashSet<SegmentId>>,
}

impl tantivy::Warmer for TableWarmer {
    fn warm(&self, searcher: &Searcher) -> tantivy::Result<()> {
        for reader in searcher.segment_readers() {
            table(reader)?.load_facets(reader)?;
            self.warmed
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(reader.segment_id());
        }
        Ok(())
    }

    fn garbage_collect(&self, live: &[&SearcherGeneration]) {
        let live: FxHashSet<SegmentId> = live
            .iter()
            .flat_map(|g| g.segments().keys().copied())
            .collect();
        let mut warmed = self.warmed.lock().unwrap_or_else(|p| p.into_inner());
        let dead: Vec<SegmentId> = warmed.difference(&live).copied().collect();
        if dead.is_empty() {
            return;
        }
        let mut r = REGISTRY.lock().unwrap_or_else(|p| p.into_inner());
        for id in dead {
            warmed.remove(&id);
            r.tables.remove(&id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advance_finds_the_last_value_not_above() {
        let v = [0, 3, 4, 10, 11, 40];
        let mut at = 0;
        for (doc, want) in [
            (0, 0),
            (2, 0),
            (3, 1),
            (4, 2),
            (9, 2),
            (10, 3),
            (39, 4),
            (40, 5),
            (99, 5),
        ] {
            advance(&v, &mut at, doc);
            assert_eq!(v[at], v[want], "doc {doc}");
        }
        let mut at = 0;
        advance(&v, &mut at, 39);
        assert_eq!(at, 4);
    }

    #[test]
    fn cursor_reads_runs_and_tags_in_passage_order() {
        // Passages 0..32; tagged: 2 → {1}, 6 → {0, 4}, 7 → {2}, 30 → {1}.
        let tagged: [(DocId, &[u32]); 4] = [(2, &[1]), (6, &[0, 4]), (7, &[2]), (30, &[1])];
        let mask = |doc: DocId| {
            tagged
                .iter()
                .filter(|(d, _)| *d == doc)
                .flat_map(|(_, o)| o.iter())
                .fold(0u64, |m, o| m | 1 << o)
        };
        let variants = [
            Tags::Narrow((0..32).map(|d| mask(d) as u16).collect()),
            Tags::Wide((0..32).map(mask).collect()),
            Tags::Sparse {
                tagged: vec![2, 6, 7, 30],
                offsets: vec![0, 1, 3, 4, 5],
                ords: vec![1, 0, 4, 2, 1],
            },
        ];
        for tags in variants {
            let t = SegmentTable {
                run_starts: vec![0, 5, 6, 20],
                run_keys: vec![7, 9, 7, 3],
                facets: OnceLock::from(FacetData {
                    tags,
                    names: Vec::new(),
                    run_offsets: vec![0, 2, 2, 3, 4],
                    run_facets: vec![1, 4 << 32 | 7, 3 << 32 | 2, 6 << 32],
                }),
            };
            let facets: Vec<Vec<(usize, u64)>> = [0, 2, 5, 6, 19, 20, 31]
                .into_iter()
                .map(|d| t.run_facets(t.run_of(d)).collect())
                .collect();
            assert_eq!(
                facets,
                vec![
                    vec![(0, 1), (4, 7)],
                    vec![(0, 1), (4, 7)],
                    vec![],
                    vec![(3, 2)],
                    vec![(3, 2)],
                    vec![(6, 0)],
                    vec![(6, 0)],
                ]
            );
            let mut c = Cursor::new(Arc::new(t));
            let seen: Vec<(u32, u64, Vec<usize>)> = [0, 2, 5, 6, 7, 8, 19, 25, 30, 31]
                .into_iter()
                .map(|d| {
                    let run = c.run(d);
                    let key = c.table().key(run);
                    let mut bits = crate::facets::Bits::default();
                    c.add_tags(d, &mut bits);
                    (d, key, bits.ones().collect())
                })
                .collect();
            assert_eq!(
                seen,
                vec![
                    (0, 7, vec![]),
                    (2, 7, vec![1]),
                    (5, 9, vec![]),
                    (6, 7, vec![0, 4]),
                    (7, 7, vec![2]),
                    (8, 7, vec![]),
                    (19, 7, vec![]),
                    (25, 3, vec![]),
                    (30, 3, vec![1]),
                    (31, 3, vec![]),
                ]
            );
        }
    }
}
