//! The indexing run: crawl, diff against the manifest, extract in parallel, write with one
//! `IndexWriter`, commit atomically with the manifest generation as payload.

use super::manifest::{DocId, FileEntry, FileStatus, Manifest, Tag};
use super::process::{process, tag, DocRecord, Env, Outcome, Processed, Progress};
use super::schema::{Fields, PassageRecord, SCHEMA_VERSION};
use crate::crawl::{crawl, Candidate};
use crate::enrich::provisions::Taxonomy;
use crate::error::{Error, Result};
use crate::extract;
use crate::extract::isolate::{WorkerConfig, WorkerPool};
use crate::extract::ocr::Ocr;
use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tantivy::{Index, IndexWriter, TantivyDocument, Term};

/// Files bigger than this are skipped with a reason.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 256 * 1024 * 1024;
/// Passages kept from one document; the rest of a larger one is not indexed.
pub const MAX_PASSAGES_PER_DOCUMENT: usize = 100_000;
/// A single extraction taking longer than this is abandoned and reported.
pub const DEFAULT_EXTRACT_TIMEOUT: Duration = Duration::from_secs(60);
/// Commit (with the manifest) at least this often so a killed run keeps its progress.
pub const DEFAULT_CHECKPOINT_FILES: usize = 2000;
const CHECKPOINT_EVERY: Duration = Duration::from_secs(60);

/// What `provisio index` was asked to do.
#[derive(Debug, Clone)]
pub struct IndexOptions {
    pub corpus: PathBuf,
    pub index_dir: PathBuf,
    /// Rebuild from scratch.
    pub full: bool,
    /// Extraction threads; as many tantivy indexing threads, up to 4.
    pub jobs: usize,
    /// Show a progress bar (stderr).
    pub progress: bool,
    pub max_file_size: u64,
    pub extract_timeout: Duration,
    /// The provisions passages are tagged with.
    pub taxonomy: Arc<Taxonomy>,
    /// Re-tag every passage even when the taxonomy did not change.
    pub retag: bool,
    /// Extract PDFs in worker processes (provisio's binary) with a memory limit; `None`
    /// extracts in this process on a watched thread (time limit only).
    pub isolation: Option<WorkerConfig>,
    /// Commit (with the manifest) after this many files, so a killed run keeps its progress.
    pub checkpoint_files: usize,
    /// Follow symbolic links whose target is inside the corpus (others never are).
    pub follow_links: bool,
    /// OCR of scanned pages and images (`Ocr::discover`); results are cached in the index
    /// folder. Files whose scans waited for OCR are read again once it is ready.
    pub ocr: Ocr,
}

impl IndexOptions {
    pub fn new(corpus: impl Into<PathBuf>, index_dir: impl Into<PathBuf>) -> Self {
        IndexOptions {
            corpus: corpus.into(),
            index_dir: index_dir.into(),
            full: false,
            jobs: std::thread::available_parallelism().map_or(2, |n| n.get()),
            progress: false,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            extract_timeout: DEFAULT_EXTRACT_TIMEOUT,
            taxonomy: Taxonomy::builtin_shared(),
            retag: false,
            isolation: None,
            checkpoint_files: DEFAULT_CHECKPOINT_FILES,
            follow_links: false,
            ocr: Ocr::default(),
        }
    }
}

/// A file that could not be indexed.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Failure {
    pub path: String,
    pub reason: String,
}

/// The outcome of a run (also printed as JSON by `index --json`).
#[derive(Debug, Clone, Serialize, Default)]
pub struct IndexSummary {
    pub added: usize,
    pub updated: usize,
    pub removed: usize,
    pub unchanged: usize,
    pub unsupported: usize,
    pub failed: Vec<Failure>,
    /// Documents whose passages were re-tagged (taxonomy changed) without re-extraction.
    pub retagged: usize,
    pub documents: usize,
    pub passages: u64,
    /// Pages read by OCR in this run (cache hits included) and how many came from the cache.
    pub ocr_pages: u64,
    pub ocr_cached: u64,
    /// Indexed or failed files with scanned pages not read because OCR is not available.
    pub ocr_pending: usize,
    /// Why OCR is not available (when files wait for it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ocr_unavailable: Option<String>,
    pub seconds: f64,
}

/// Stable id of a document: derived from its corpus-relative path.
pub fn doc_id_for(rel_path: &str) -> (String, u64) {
    let h = blake3::hash(rel_path.as_bytes());
    let bytes = h.as_bytes();
    let key = u64::from_le_bytes([
        bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7],
    ]);
    (h.to_hex()[..16].to_string(), key)
}

/// tantivy's indexing memory, shared by its indexing threads.
const INDEX_MEMORY_BUDGET: usize = 100_000_000;

/// Raises the flag when dropped: the writing loop ended, normally or by an error.
struct StopOnDrop<'a>(&'a std::sync::atomic::AtomicBool);

impl Drop for StopOnDrop<'_> {
    fn drop(&mut self) {
        self.0.store(true, Ordering::Relaxed);
    }
}

fn add_passages(
    writer: &IndexWriter,
    f: &Fields,
    c: &Candidate,
    hash: &str,
    rec: &DocRecord,
) -> Result<()> {
    let (doc_id, _) = doc_id_for(&c.rel_path);
    for (i, p) in rec.passages.iter().enumerate() {
        let record = PassageRecord {
            doc_id: doc_id.clone(),
            path: c.rel_path.clone(),
            title: rec.title.clone(),
            format: rec.format.as_str().to_string(),
            lang: rec.lang.to_string(),
            date: rec.date.clone(),
            size: c.size,
            mtime: (c.mtime_ns / 1_000_000_000) as i64,
            hash: hash.to_string(),
            encoding: rec.encoding.clone(),
            pages: rec.pages as u64,
            page: u64::from(p.page),
            label: p.label.clone(),
            ordinal: i as u64,
            text: p.text.clone(),
            docno: rec.facts.docno.clone(),
            issuers: rec.facts.issuers.clone(),
            doctype: rec.facts.doctype.clone(),
            regions: rec.facts.regions.clone(),
            provisions: rec.provisions.get(i).cloned().unwrap_or_default(),
            ocr: rec.ocr_pages.contains(&p.page),
        };
        // One passage at a time: tantivy bounds its queue by batches, so whole-document
        // batches would let a fast producer queue thousands of documents in memory.
        writer.add_document(record.to_document(f))?;
    }
    Ok(())
}

/// Re-tag the stored passages of `doc_ids` with `taxonomy`: each passage is read back from the
/// index and written again with new provision ids; no file is read.
fn retag(
    index: &Index,
    writer: &IndexWriter,
    f: &Fields,
    taxonomy: &Taxonomy,
    doc_ids: &HashSet<String>,
) -> Result<()> {
    if doc_ids.is_empty() {
        return Ok(());
    }
    // The snapshot is taken before the deletes below, so it still holds every old passage.
    let searcher = index.reader()?.searcher();
    for id in doc_ids {
        writer.delete_term(Term::from_field_text(f.doc_id, id));
    }
    for segment in searcher.segment_readers() {
        let store = segment
            .get_store_reader(64)
            .map_err(tantivy::TantivyError::from)?;
        for doc in segment.doc_ids_alive() {
            let stored: TantivyDocument = store.get(doc)?;
            let doc_id = super::schema::stored_text(&stored, f.doc_id);
            if !doc_ids.contains(&doc_id) {
                continue;
            }
            let mut record = PassageRecord::from_document(&stored, f);
            record.provisions = tag(taxonomy, &record.text);
            writer.add_document(record.to_document(f))?;
        }
    }
    Ok(())
}

/// Keep a copy of the taxonomy beside the index, so readers use the one it was tagged with.
fn save_taxonomy(index_dir: &Path, taxonomy: &Taxonomy) -> Result<()> {
    let path = index_dir.join(super::TAXONOMY_FILE);
    let tmp = index_dir.join(format!("{}.tmp", super::TAXONOMY_FILE));
    {
        use std::io::Write as _;
        let mut f = std::fs::File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
        f.write_all(taxonomy.source().as_bytes())
            .and_then(|()| f.sync_all())
            .map_err(|e| Error::io(&tmp, e))?;
    }
    std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))?;
    Ok(())
}

fn commit(writer: &mut IndexWriter, manifest: &mut Manifest, index_dir: &Path) -> Result<()> {
    manifest.generation += 1;
    manifest.schema_version = SCHEMA_VERSION;
    // Commit first with the new generation as payload, then publish the manifest. If the
    // process dies in between, the generations disagree and the next run rebuilds.
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&manifest.generation.to_string());
    prepared.commit()?;
    manifest
        .save(index_dir)
        .map_err(|e| Error::io(index_dir, e))?;
    Ok(())
}

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Bring the index in `opts.index_dir` up to date with `opts.corpus`.
pub fn run_index(opts: &IndexOptions) -> Result<IndexSummary> {
    let started = Instant::now();
    if !opts.corpus.is_dir() {
        return Err(Error::Usage(format!(
            "corpus folder {} does not exist",
            opts.corpus.display()
        )));
    }
    std::fs::create_dir_all(&opts.index_dir).map_err(|e| Error::io(&opts.index_dir, e))?;
    let _lock = super::lock(&opts.index_dir)?;
    let (index, fields, created) = super::open_or_create(&opts.index_dir)?;
    let mut manifest = load_consistent_manifest(&index, &opts.index_dir, created);
    let full = opts.full || manifest.files.is_empty();
    // Rebuilding an index that has documents: commit once, at the end (see below).
    let atomic = opts.full && !manifest.files.is_empty();
    let taxonomy_hash = opts.taxonomy.hash();
    let retag_all =
        !full && (opts.retag || manifest.taxonomy_hash.as_deref() != Some(taxonomy_hash.as_str()));

    let (candidates, problems) = crawl(&opts.corpus, Some(&opts.index_dir), opts.follow_links)
        .map_err(|e| Error::io(&opts.corpus, e))?;
    // The OCR programs are looked for (tesseract started twice) only when some file will be
    // read: a changed file, or one that waited for OCR.
    let may_read = full
        || manifest.files.values().any(|e| e.ocr_pending)
        || candidates.iter().any(|c| {
            manifest
                .files
                .get(&c.rel_path)
                .is_none_or(|e| e.size != c.size || e.mtime_ns != c.mtime_ns)
        });
    let ocr_cache = opts.index_dir.join(extract::ocr::CACHE_DIR);
    let ocr = if may_read {
        opts.ocr.clone().resolve()
    } else {
        opts.ocr.clone()
    }
    .with_cache(&ocr_cache);
    // Files that waited for OCR are read again once scanned PDF pages can be read.
    let retry_pending = ocr.reads_pdfs();
    let mut summary = IndexSummary::default();
    // Indexing threads: one tantivy thread was busy all the time on 2 cores while the
    // extraction threads waited for it (2k bench corpus: 3.5 s with one, 2.8 s with two).
    // The memory budget is shared by the threads. One merge at a time: each maps its input
    // segments and buffers on the heap, and the smaller segments of several threads made
    // tantivy's default of four concurrent merges reach 701 MiB at 200k documents.
    let index_threads = opts.jobs.clamp(1, 4);
    let mut writer: IndexWriter = index.writer_with_options(
        tantivy::indexer::IndexWriterOptions::builder()
            .memory_budget_per_thread(INDEX_MEMORY_BUDGET / index_threads)
            .num_worker_threads(index_threads)
            .num_merge_threads(1)
            .build(),
    )?;
    writer.set_merge_policy(Box::new(super::merges::BoundedMerges::default()));
    // A run killed during a commit can leave files no commit refers to, such as a segment's
    // delete file for an opstamp this run will reach again (tantivy then fails with
    // FileAlreadyExists: the crash test caught it). Remove them before writing anything.
    writer.garbage_collect_files().wait()?;
    if full {
        writer.delete_all_documents()?;
        manifest.files.clear();
    }

    // Removed files.
    let present: std::collections::HashSet<&str> =
        candidates.iter().map(|c| c.rel_path.as_str()).collect();
    let removed: Vec<String> = manifest
        .files
        .keys()
        .filter(|p| !present.contains(p.as_str()))
        .cloned()
        .collect();
    for path in &removed {
        if let Some(entry) = manifest.files.remove(path) {
            writer.delete_term(Term::from_field_text(
                fields.doc_id,
                &entry.doc_id.to_string(),
            ));
            if entry.status == FileStatus::Indexed {
                summary.removed += 1;
            }
        }
    }

    // Unchanged by stat: not read again.
    let mut todo = Vec::new();
    for c in candidates {
        match manifest.files.get(&c.rel_path) {
            Some(e)
                if !full
                    && e.size == c.size
                    && e.mtime_ns == c.mtime_ns
                    && !(retry_pending && e.ocr_pending) =>
            {
                match e.status {
                    FileStatus::Indexed => summary.unchanged += 1,
                    FileStatus::Unsupported => summary.unsupported += 1,
                    FileStatus::Failed => summary.failed.push(Failure {
                        path: c.rel_path.clone(),
                        reason: e.reason.clone().unwrap_or_default(),
                    }),
                }
            }
            _ => todo.push(c),
        }
    }

    let bar = if opts.progress && !todo.is_empty() {
        let bar = ProgressBar::new(todo.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} files  {elapsed} (eta {eta}) {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    } else {
        ProgressBar::hidden()
    };

    let jobs = opts.jobs.max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| Error::Usage(format!("cannot start {jobs} threads: {e}")))?;
    let (tx, rx) = crossbeam_channel::bounded::<Processed>(jobs * 2);
    let prev_entries: std::collections::HashMap<String, FileEntry> = todo
        .iter()
        .filter_map(|c| {
            manifest
                .files
                .get(&c.rel_path)
                .map(|e| (c.rel_path.clone(), e.clone()))
        })
        .collect();
    let workers = opts.isolation.clone().map(|config| {
        let config = WorkerConfig {
            ocr: ocr.clone(),
            ..config
        };
        WorkerPool::new(config, opts.extract_timeout)
    });
    let progress = Progress {
        bar,
        ocr_pages: AtomicU64::new(0),
    };
    let mut dirty_files = 0usize;
    // Documents written afresh in this run (already tagged with the current taxonomy).
    let mut rewritten: HashSet<DocId> = HashSet::new();
    let env = Env {
        opts,
        ocr: &ocr,
        pool: workers.as_ref(),
        progress: &progress,
        retry_pending,
    };
    // Set when the writing side stops early (an error): extraction threads then skip the rest.
    let stop = std::sync::atomic::AtomicBool::new(false);
    let result = std::thread::scope(|scope| -> Result<()> {
        let prev_entries = &prev_entries;
        let env = &env;
        let stop = &stop;
        scope.spawn(move || {
            pool.install(|| {
                todo.into_par_iter().for_each_with(tx, |tx, c| {
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    let prev = prev_entries.get(&c.rel_path);
                    if tx.send(process(c, prev, env)).is_err() {
                        stop.store(true, Ordering::Relaxed);
                    }
                });
            });
        });
        // Owned here, so an early return (`?`) drops the receiver and unblocks the senders
        // instead of leaving them waiting on a full channel while the scope waits for them.
        let rx = rx;
        let _stopper = StopOnDrop(stop);
        let mut since_commit = 0usize;
        let mut last_commit = Instant::now();
        for p in rx.iter() {
            progress.bar.inc(1);
            summary.ocr_pages += u64::from(p.ocr_pages);
            summary.ocr_cached += u64::from(p.ocr_cached);
            let (doc_id, doc_key) = doc_id_for(&p.candidate.rel_path);
            let doc = DocId::from_key(doc_key);
            let prev = manifest.files.get(&p.candidate.rel_path).cloned();
            let c = &p.candidate;
            let mut entry = FileEntry {
                size: c.size,
                mtime_ns: c.mtime_ns,
                hash: p.hash,
                doc_id: doc,
                status: FileStatus::Indexed,
                format: None,
                lang: None,
                passages: 0,
                reason: None,
                ocr_pending: p.ocr_pending,
            };
            match &p.outcome {
                Outcome::Same => {
                    if let Some(prev) = prev {
                        entry = FileEntry {
                            size: c.size,
                            mtime_ns: c.mtime_ns,
                            ..prev
                        };
                        match entry.status {
                            FileStatus::Indexed => summary.unchanged += 1,
                            FileStatus::Unsupported => summary.unsupported += 1,
                            FileStatus::Failed => summary.failed.push(Failure {
                                path: c.rel_path.clone(),
                                reason: entry.reason.clone().unwrap_or_default(),
                            }),
                        }
                    }
                }
                Outcome::Indexed(rec) => {
                    rewritten.insert(doc);
                    if !full {
                        // (A full build starts from no documents: nothing to replace.)
                        writer.delete_term(Term::from_field_text(fields.doc_id, &doc_id));
                    }
                    add_passages(&writer, &fields, c, &p.hash.to_string(), rec)?;
                    entry.format = Some(Tag::new(rec.format.as_str()));
                    entry.lang = Some(Tag::new(rec.lang));
                    entry.passages = rec.passages.len() as u64;
                    if prev.is_some_and(|e| e.status == FileStatus::Indexed) {
                        summary.updated += 1;
                    } else {
                        summary.added += 1;
                    }
                }
                Outcome::Unsupported => {
                    writer.delete_term(Term::from_field_text(fields.doc_id, &doc_id));
                    entry.status = FileStatus::Unsupported;
                    summary.unsupported += 1;
                }
                Outcome::Vanished => {
                    writer.delete_term(Term::from_field_text(fields.doc_id, &doc_id));
                    if let Some(old) = manifest.files.remove(&c.rel_path) {
                        if old.status == FileStatus::Indexed {
                            summary.removed += 1;
                        }
                    }
                    dirty_files += 1;
                    continue;
                }
                Outcome::Failed(reason) => {
                    writer.delete_term(Term::from_field_text(fields.doc_id, &doc_id));
                    entry.status = FileStatus::Failed;
                    entry.reason = Some(reason.clone());
                    summary.failed.push(Failure {
                        path: c.rel_path.clone(),
                        reason: reason.clone(),
                    });
                }
            }
            manifest.files.insert(c.rel_path.clone(), entry);
            dirty_files += 1;
            since_commit += 1;
            // A rebuild of an existing index commits once, at the end: searchers never see it
            // half done, and a killed rebuild leaves the previous index as it was. (A first
            // build checkpoints: there is nothing to hide and progress to keep.)
            let due = since_commit >= opts.checkpoint_files.max(1)
                || last_commit.elapsed() >= CHECKPOINT_EVERY;
            if due && !atomic {
                commit(&mut writer, &mut manifest, &opts.index_dir)?;
                since_commit = 0;
                last_commit = Instant::now();
            }
        }
        Ok(())
    });
    progress.bar.finish_and_clear();
    result?;

    for p in problems {
        summary.failed.push(Failure {
            path: p.rel_path,
            reason: p.reason,
        });
    }
    // A changed taxonomy: re-tag every indexed document this run did not write afresh,
    // from its stored passages (files unchanged by stat, or touched but identical).
    if retag_all {
        let ids: HashSet<String> = manifest
            .files
            .values()
            .filter(|e| e.status == FileStatus::Indexed && !rewritten.contains(&e.doc_id))
            .map(|e| e.doc_id.to_string())
            .collect();
        retag(&index, &writer, &fields, &opts.taxonomy, &ids)?;
        summary.retagged = ids.len();
    }
    let manifest_taxonomy_changed =
        manifest.taxonomy_hash.as_deref() != Some(taxonomy_hash.as_str());
    // Only now do the tags match the taxonomy; a checkpoint before this still names the
    // old one, so a run killed half-way re-tags again. The file readers load comes first.
    manifest.taxonomy_hash = Some(taxonomy_hash);
    save_taxonomy(&opts.index_dir, &opts.taxonomy)?;
    manifest.last_indexed = Some(now_rfc3339());
    let changed = full
        || summary.removed > 0
        || dirty_files > 0
        || summary.retagged > 0
        || manifest_taxonomy_changed;
    if changed {
        commit(&mut writer, &mut manifest, &opts.index_dir)?;
    } else {
        // Nothing to commit: the manifest still describes the last commit.
        manifest
            .save(&opts.index_dir)
            .map_err(|e| Error::io(&opts.index_dir, e))?;
    }
    writer.wait_merging_threads()?;
    // OCR results of files no longer in the corpus (or changed) are dropped.
    if ocr_cache.is_dir() {
        let keep: HashSet<String> = manifest
            .files
            .values()
            .map(|e| e.hash.to_string())
            .collect();
        extract::ocr::prune_cache(&ocr_cache, &keep);
    }
    summary.ocr_pending = manifest.files.values().filter(|e| e.ocr_pending).count();
    if summary.ocr_pending > 0 {
        summary.ocr_unavailable = ocr.pdf_unavailable();
    }

    summary.failed.sort_by(|a, b| a.path.cmp(&b.path));
    let indexed = manifest
        .files
        .values()
        .filter(|e| e.status == FileStatus::Indexed);
    summary.documents = indexed.clone().count();
    summary.passages = indexed.map(|e| e.passages).sum();
    summary.seconds = (started.elapsed().as_secs_f64() * 1000.0).round() / 1000.0;
    Ok(summary)
}

/// The manifest, when it describes the last commit of `index`; otherwise an empty one (which
/// makes the run rebuild everything).
fn load_consistent_manifest(index: &Index, index_dir: &Path, created: bool) -> Manifest {
    let fresh = Manifest {
        schema_version: SCHEMA_VERSION,
        ..Manifest::default()
    };
    if created {
        return fresh;
    }
    let payload = index.load_metas().ok().and_then(|m| m.payload);
    match Manifest::load(index_dir) {
        Some(m) if payload.as_deref() == Some(m.generation.to_string().as_str()) => m,
        Some(m) => Manifest {
            generation: m
                .generation
                .max(payload.and_then(|p| p.parse().ok()).unwrap_or(0)),
            ..fresh
        },
        None => fresh,
    }
}
