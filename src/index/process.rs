//! One file of an indexing run, on an extraction thread: read, hash, compare with the
//! manifest, sniff, extract (in a worker for PDFs and images, with OCR), segment, enrich and
//! tag, into a [`Processed`] the writing loop (`writer.rs`) turns into index operations.

use super::manifest::{FileEntry, FileHash};
use super::writer::{IndexOptions, MAX_PASSAGES_PER_DOCUMENT};
use crate::analysis::fold_str;
use crate::crawl::Candidate;
use crate::enrich::provisions::Taxonomy;
use crate::enrich::{detect_language, document_facts, title_from_text, DocFacts};
use crate::extract::isolate::WorkerPool;
use crate::extract::ocr::{Ocr, OcrEvent};
use crate::extract::{self, ExtractError, Format};
use crate::segment::{segment, Passage};
use indicatif::ProgressBar;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// A processed document ready to be written.
pub(super) struct DocRecord {
    pub(super) title: String,
    pub(super) format: Format,
    pub(super) lang: &'static str,
    pub(super) facts: DocFacts,
    pub(super) date: Option<String>,
    pub(super) encoding: Option<String>,
    pub(super) pages: usize,
    /// Pages whose text came from OCR.
    pub(super) ocr_pages: Vec<u32>,
    pub(super) passages: Vec<Passage>,
    /// Provision ids per passage.
    pub(super) provisions: Vec<Vec<String>>,
}

/// Provision ids of one passage's text.
pub(super) fn tag(taxonomy: &Taxonomy, text: &str) -> Vec<String> {
    taxonomy
        .tag(&fold_str(text))
        .into_iter()
        .map(str::to_string)
        .collect()
}

pub(super) enum Outcome {
    /// Same bytes as last time (only size/mtime changed): keep the entry.
    Same,
    Indexed(Box<DocRecord>),
    Unsupported,
    Failed(String),
    /// The file disappeared after the crawl saw it.
    Vanished,
}

pub(super) struct Processed {
    pub(super) candidate: Candidate,
    pub(super) hash: FileHash,
    pub(super) outcome: Outcome,
    /// Scanned pages were left unread: OCR not available.
    pub(super) ocr_pending: bool,
    /// Pages read by OCR, and of those from the cache.
    pub(super) ocr_pages: u32,
    pub(super) ocr_cached: u32,
}

impl Processed {
    fn new(candidate: Candidate, hash: FileHash, outcome: Outcome) -> Processed {
        Processed {
            candidate,
            hash,
            outcome,
            ocr_pending: false,
            ocr_pages: 0,
            ocr_cached: 0,
        }
    }
}

/// What the extraction threads share: the progress bar and its OCR page count.
pub(super) struct Progress {
    pub(super) bar: ProgressBar,
    pub(super) ocr_pages: AtomicU64,
}

impl Progress {
    pub(super) fn ocr(&self, event: OcrEvent) {
        let n = self
            .ocr_pages
            .fetch_add(u64::from(event.pages), Ordering::Relaxed)
            + u64::from(event.pages);
        self.bar.set_message(format!("OCR: {n} pages"));
    }
}

/// Formats whose extraction may loop, balloon or run external programs: run under a deadline,
/// in a worker process when isolation is on.
fn is_risky(format: Format) -> bool {
    matches!(format, Format::Pdf | Format::Image)
}

fn extract_with_timeout(
    format: Format,
    bytes: Vec<u8>,
    opts: &IndexOptions,
    ocr: &Ocr,
    pool: Option<&WorkerPool>,
    progress: &Progress,
) -> std::result::Result<extract::ExtractedDoc, ExtractError> {
    if !is_risky(format) {
        return extract::extract(format, &bytes);
    }
    if let Some(pool) = pool {
        return pool.extract(format, &bytes, &mut |e| progress.ocr(e));
    }
    // Without worker processes: run it on its own thread and stop waiting after the timeout
    // (plus one page timeout per page read by OCR). The thread cannot be killed; it is
    // abandoned and keeps its core until it ends (OCR programs end at their own deadline).
    enum Msg {
        Ocr(OcrEvent),
        Done(std::result::Result<extract::ExtractedDoc, ExtractError>),
    }
    let (tx, rx) = crossbeam_channel::unbounded();
    let thread_ocr = ocr.clone();
    let spawned = std::thread::Builder::new()
        .name("pdf-extract".into())
        .spawn(move || {
            let events = tx.clone();
            let result = extract::extract_full(format, &bytes, &thread_ocr, &mut |e| {
                let _ = events.send(Msg::Ocr(e));
            });
            let _ = tx.send(Msg::Done(result));
        });
    if spawned.is_err() {
        return Err(ExtractError::Malformed(
            "cannot start extraction thread".into(),
        ));
    }
    let mut deadline = Instant::now() + opts.extract_timeout;
    loop {
        match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(Msg::Ocr(e)) => {
                deadline = deadline.max(Instant::now() + ocr.allowance(e));
                progress.ocr(e);
            }
            Ok(Msg::Done(r)) => return r,
            Err(_) => return Err(ExtractError::Timeout(opts.extract_timeout.as_secs())),
        }
    }
}

/// What the extraction threads need besides the file.
pub(super) struct Env<'a> {
    pub(super) opts: &'a IndexOptions,
    pub(super) ocr: &'a Ocr,
    pub(super) pool: Option<&'a WorkerPool>,
    pub(super) progress: &'a Progress,
    /// Files that waited for OCR are read again (OCR is now ready).
    pub(super) retry_pending: bool,
}

pub(super) fn process(c: Candidate, prev: Option<&FileEntry>, env: &Env) -> Processed {
    let opts = env.opts;
    let failed = |c: Candidate, hash: FileHash, reason: String| {
        Processed::new(c, hash, Outcome::Failed(reason))
    };
    if c.size > opts.max_file_size {
        let reason = format!("too large: {} bytes (limit {})", c.size, opts.max_file_size);
        return failed(c, FileHash::NONE, reason);
    }
    let bytes = match std::fs::read(&c.abs_path) {
        Ok(b) => b,
        // Deleted between the crawl and now: gone, not failed.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Processed::new(c, FileHash::NONE, Outcome::Vanished)
        }
        Err(e) => return failed(c, FileHash::NONE, format!("cannot read: {e}")),
    };
    let hash = FileHash::of(&bytes);
    let retry = env.retry_pending && prev.is_some_and(|p| p.ocr_pending);
    if !opts.full && !retry && prev.is_some_and(|p| p.hash == hash) {
        return Processed::new(c, hash, Outcome::Same);
    }
    let ext = c
        .abs_path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    let Some(format) = extract::sniff(&bytes, ext.as_deref()) else {
        return Processed::new(c, hash, Outcome::Unsupported);
    };
    if bytes.is_empty() {
        return failed(c, hash, "empty file".into());
    }
    let doc = match extract_with_timeout(format, bytes, opts, env.ocr, env.pool, env.progress) {
        Ok(d) => d,
        Err(ExtractError::Unsupported) => return Processed::new(c, hash, Outcome::Unsupported),
        Err(ExtractError::NoText) if format != Format::Pdf => {
            return failed(c, hash, "no text".into())
        }
        Err(e @ ExtractError::NeedsOcr(_)) => {
            let mut p = failed(c, hash, e.to_string());
            p.ocr_pending = true;
            return p;
        }
        Err(e) => return failed(c, hash, e.to_string()),
    };
    let ocr_pending = doc.ocr.pending.is_some();
    let (ocr_pages, ocr_cached) = (doc.ocr.pages.len() as u32, doc.ocr.cached);
    let mut passages = segment(&doc.pages);
    // A bound on what one file may put in the index (a 256 MiB text file is ~250k passages).
    passages.truncate(MAX_PASSAGES_PER_DOCUMENT);
    if passages.is_empty() {
        let reason = if format == Format::Pdf {
            ExtractError::NoText.to_string()
        } else {
            "no text".to_string()
        };
        return failed(c, hash, reason);
    }
    let sample: String = passages.iter().take(50).map(|p| p.text.as_str()).collect();
    let lang = detect_language(&sample);
    let facts = document_facts(&doc.pages, doc.title.as_deref(), doc.date.as_deref(), lang);
    let title = facts
        .title
        .clone()
        .or(doc.title)
        .filter(|t| !t.trim().is_empty())
        .or_else(|| {
            let first_page = doc.pages.iter().find(|p| !p.trim().is_empty())?;
            let head: String = first_page.chars().take(2000).collect();
            title_from_text(&head)
        })
        .unwrap_or_else(|| c.rel_path.rsplit('/').next().unwrap_or("").to_string());
    let provisions = passages
        .iter()
        .map(|p| tag(&opts.taxonomy, &p.text))
        .collect();
    let record = DocRecord {
        title,
        format,
        lang,
        date: facts.date.clone().or(doc.date),
        facts,
        provisions,
        encoding: doc.encoding,
        pages: doc.pages.len(),
        ocr_pages: doc.ocr.pages,
        passages,
    };
    Processed {
        ocr_pending,
        ocr_pages,
        ocr_cached,
        ..Processed::new(c, hash, Outcome::Indexed(Box::new(record)))
    }
}
