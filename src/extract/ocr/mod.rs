//! OCR of scanned pages and images with Tesseract; PDF pages are rendered by poppler's
//! `pdftoppm`. Both are separate programs found on `PATH` (or named), run with a deadline,
//! and optional: without them a scan is reported as needing OCR and the run goes on.
//!
//! A PDF page is read by OCR when its text layer is unusable (empty, or mostly replacement
//! and private-use characters from a broken font map) and something is drawn on it: images
//! covering part of the page, or many paths (text turned into outlines). A page with a little
//! text over a full-page image (a scan with a typed page number) is read too; the OCR text
//! replaces the layer's when it has more characters. Results are cached by file content.

mod cache;
mod image;
mod run;
mod text;
mod tools;

use super::pdf::scan::PageScan;
use super::{ExtractError, ExtractedDoc, Format};
use cache::{Cache, Entry};
use std::path::Path;
use std::process::Command;
use std::time::Duration;

pub use cache::prune as prune_cache;
use image::image_extension;
pub use image::{image_pages, image_size};
pub use text::{clean_ocr_text, is_poor, page_needs_ocr, text_quality};
pub use tools::{Ocr, OcrEvent, OcrRequest, OcrTools};

/// Languages read when none are given: Simplified Chinese and English.
pub const DEFAULT_LANGS: &str = "chi_sim+eng";
/// Resolution PDF pages are rendered at.
pub const DEFAULT_DPI: u32 = 300;
/// Longest one page may take (render and recognition).
pub const DEFAULT_PAGE_TIMEOUT: Duration = Duration::from_secs(120);
/// Name of the cache folder inside the index folder.
pub const CACHE_DIR: &str = "provisio-ocr-cache";
/// Longest side of a rendered page, in pixels (a poster-sized page is rendered smaller).
const MAX_SIDE_PX: f32 = 5000.0;

/// Finish extracting a PDF or an image: read by OCR what has no usable text. `first` is the
/// text-layer extraction (ignored for images).
pub fn complete(
    format: Format,
    bytes: &[u8],
    first: Result<ExtractedDoc, ExtractError>,
    ocr: &Ocr,
    on_event: &mut dyn FnMut(OcrEvent),
) -> Result<ExtractedDoc, ExtractError> {
    let resolved;
    let ocr = match ocr {
        Ocr::Wanted(_) if matches!(format, Format::Image | Format::Pdf) => {
            resolved = ocr.clone().resolve();
            &resolved
        }
        other => other,
    };
    match format {
        Format::Image => read_image(bytes, ocr, on_event),
        Format::Pdf => read_scanned_pages(bytes, first, ocr, on_event),
        _ => first,
    }
}

fn read_image(
    bytes: &[u8],
    ocr: &Ocr,
    on_event: &mut dyn FnMut(OcrEvent),
) -> Result<ExtractedDoc, ExtractError> {
    let tools = match ocr {
        Ocr::Ready(t) => t,
        Ocr::Unavailable(why) => return Err(ExtractError::NeedsOcr(why.clone())),
        Ocr::Off | Ocr::Wanted(_) => return Err(ExtractError::Unsupported),
    };
    // Icons, bullets and spacers (web page leftovers) hold no text worth reading.
    if image_size(bytes).is_some_and(|(w, h)| w.min(h) < 16 || u64::from(w) * u64::from(h) < 10_000)
    {
        return Err(ExtractError::Unsupported);
    }
    let hash = blake3::hash(bytes).to_hex().to_string();
    let cache = Cache::new(tools, &hash);
    let mut entry = cache.load();
    let mut doc = ExtractedDoc::default();
    if entry.complete && !entry.pages.is_empty() {
        doc.ocr.cached = entry.pages.len() as u32;
    } else {
        let pages = image_pages(bytes);
        on_event(OcrEvent { pages });
        let dir = scratch_dir()?;
        let path = dir.path().join(format!("image.{}", image_extension(bytes)));
        std::fs::write(&path, bytes)
            .map_err(|e| ExtractError::Malformed(format!("cannot write a scratch file: {e}")))?;
        let timeout = Duration::from_secs(tools.page_timeout_secs.max(1) * u64::from(pages));
        let text = tesseract(tools, &path, None, timeout).map_err(ExtractError::Ocr)?;
        let mut texts: Vec<&str> = text.split('\u{0C}').collect();
        // Tesseract ends every page with a form feed.
        if texts.len() > 1 && texts.last().is_some_and(|t| t.trim().is_empty()) {
            texts.pop();
        }
        entry = Entry {
            pages: (1..)
                .zip(texts)
                .map(|(n, t)| (n, clean_ocr_text(t)))
                .collect(),
            complete: true,
        };
        cache.store(&entry);
    }
    doc.pages = entry.pages.into_values().collect();
    doc.ocr.pages = (1..=doc.pages.len() as u32).collect();
    if doc.pages.iter().all(|p| p.trim().is_empty()) {
        return Err(ExtractError::OcrFoundNothing(doc.pages.len() as u32));
    }
    Ok(doc)
}

fn read_scanned_pages(
    bytes: &[u8],
    first: Result<ExtractedDoc, ExtractError>,
    ocr: &Ocr,
    on_event: &mut dyn FnMut(OcrEvent),
) -> Result<ExtractedDoc, ExtractError> {
    let mut doc = match first {
        Ok(doc) => doc,
        Err(ExtractError::NoText) => ExtractedDoc::default(),
        Err(e) => return Err(e),
    };
    if !doc.pages.is_empty() && !doc.pages.iter().any(|p| is_poor(p)) {
        return Ok(doc);
    }
    // Pages with a good text layer never need OCR: they stand in as blank scans.
    let scans: Vec<PageScan> = if !doc.pages.is_empty() && doc.page_scans.len() == doc.pages.len() {
        doc.page_scans
            .iter()
            .map(|s| s.unwrap_or_default())
            .collect()
    } else {
        std::panic::catch_unwind(|| super::pdf::scan::scan(bytes))
            .ok()
            .flatten()
            .unwrap_or_default()
    };
    if doc.pages.is_empty() {
        doc.pages = vec![String::new(); scans.len()];
    }
    let wanted: Vec<usize> = (0..doc.pages.len())
        .filter(|&i| page_needs_ocr(&doc.pages[i], &scans.get(i).copied().unwrap_or_default()))
        .collect();
    let no_text = |doc: &ExtractedDoc| doc.pages.iter().all(|p| p.trim().is_empty());
    if wanted.is_empty() {
        return if no_text(&doc) {
            Err(ExtractError::NoText)
        } else {
            Ok(doc)
        };
    }
    let tools = match (ocr, ocr.pdf_unavailable()) {
        (Ocr::Ready(t), None) => t,
        (_, why) => {
            let why = why.unwrap_or_default();
            if no_text(&doc) {
                return Err(ExtractError::NeedsOcr(why));
            }
            doc.warnings.push(format!(
                "{} of {} pages have no text layer; {why}",
                wanted.len(),
                doc.pages.len()
            ));
            doc.ocr.pending = Some(why);
            return Ok(doc);
        }
    };
    let hash = blake3::hash(bytes).to_hex().to_string();
    let cache = Cache::new(tools, &hash);
    let mut entry = cache.load();
    let missing: Vec<usize> = wanted
        .iter()
        .copied()
        .filter(|&i| !entry.pages.contains_key(&(i as u32 + 1)))
        .collect();
    doc.ocr.cached = (wanted.len() - missing.len()) as u32;
    if !missing.is_empty() {
        on_event(OcrEvent {
            pages: missing.len() as u32,
        });
        let dir = scratch_dir()?;
        let pdf = dir.path().join("in.pdf");
        std::fs::write(&pdf, bytes)
            .map_err(|e| ExtractError::Malformed(format!("cannot write a scratch file: {e}")))?;
        let read = read_pages_in_parallel(&missing, |i| {
            let scan = scans.get(i).copied().unwrap_or_default();
            read_pdf_page(tools, &pdf, dir.path(), i as u32 + 1, &scan)
        });
        let mut added = false;
        for (i, result) in read {
            match result {
                Ok(text) => {
                    entry.pages.insert(i as u32 + 1, text);
                    added = true;
                }
                Err(e) => doc
                    .warnings
                    .push(format!("page {}: OCR failed: {e}", i + 1)),
            }
        }
        if added {
            cache.store(&entry);
        }
    }
    for &i in &wanted {
        let Some(text) = entry.pages.get(&(i as u32 + 1)) else {
            continue;
        };
        let (old_chars, garbage) = text_quality(&doc.pages[i]);
        if garbage || text_quality(text).0 > old_chars {
            doc.pages[i] = text.clone();
            doc.ocr.pages.push(i as u32 + 1);
        }
    }
    if no_text(&doc) {
        return Err(ExtractError::OcrFoundNothing(wanted.len() as u32));
    }
    Ok(doc)
}

/// Read the pages `pages` (indexes) with up to one thread per core, so a long scan does not
/// leave the other cores idle at the end of a run. Results in page order.
fn read_pages_in_parallel(
    pages: &[usize],
    read: impl Fn(usize) -> Result<String, String> + Sync,
) -> Vec<(usize, Result<String, String>)> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(pages.len())
        .max(1);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::with_capacity(pages.len()));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(&i) = pages.get(k) else {
                    break;
                };
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| read(i)))
                    .unwrap_or_else(|_| Err("OCR thread panicked".into()));
                if let Ok(mut r) = results.lock() {
                    r.push((i, result));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by_key(|(i, _)| *i);
    results
}

/// Render page `number` and read it.
fn read_pdf_page(
    tools: &OcrTools,
    pdf: &Path,
    dir: &Path,
    number: u32,
    scan: &PageScan,
) -> Result<String, String> {
    let pdftoppm = tools.pdftoppm.as_deref().ok_or("pdftoppm not found")?;
    let longest = scan.width.max(scan.height).max(1.0);
    let dpi = (tools.dpi as f32)
        .min(MAX_SIDE_PX * 72.0 / longest)
        .max(36.0)
        .round() as u32;
    let timeout = Duration::from_secs(tools.page_timeout_secs.max(1));
    let root = dir.join(format!("page{number}"));
    let page = number.to_string();
    run::run(
        Command::new(pdftoppm)
            .args(["-r", &dpi.to_string(), "-gray", "-singlefile"])
            .args(["-f", &page, "-l", &page])
            .arg(pdf)
            .arg(&root),
        timeout,
    )?;
    let image = root.with_extension("pgm");
    let text = tesseract(tools, &image, Some(dpi), timeout);
    let _ = std::fs::remove_file(&image);
    Ok(clean_ocr_text(&text?))
}

/// Run Tesseract on an image file; its text (UTF-8, pages ended by form feeds).
fn tesseract(
    tools: &OcrTools,
    image: &Path,
    dpi: Option<u32>,
    timeout: Duration,
) -> Result<String, String> {
    let mut cmd = Command::new(&tools.tesseract);
    cmd.arg(image)
        .arg("stdout")
        .args(["-l", &tools.langs, "--psm", "3"])
        // One thread each: the indexer already runs one file per core.
        .env("OMP_THREAD_LIMIT", "1");
    if let Some(dpi) = dpi {
        cmd.args(["--dpi", &dpi.to_string()]);
    }
    let out = run::run(&mut cmd, timeout)?;
    Ok(String::from_utf8_lossy(&out).into_owned())
}

fn scratch_dir() -> Result<tempfile::TempDir, ExtractError> {
    tempfile::Builder::new()
        .prefix("provisio-ocr-")
        .tempdir()
        .map_err(|e| ExtractError::Malformed(format!("cannot make a scratch folder: {e}")))
}

#[cfg(test)]
mod tests;
