//! PDF text extraction: load with lopdf, defuse what makes pdf-extract panic, extract every page with panic isolation (repairing and retrying a failed page), read Info metadata.
//!
//! pdf-extract 0.12 panics on many real files and `extract_text_by_pages` silently stops at
//! the first failing page. We load the `Document` once, fix what we can up front (`fixup`,
//! `fonts`), run one whole-document pass, and take every page that pass did not finish one
//! at a time: a page that panics is repaired once (missing resources filled in) and retried;
//! if it still fails it keeps the text that came out before the panic, plus a warning.

use super::{ExtractError, ExtractedDoc};
use fixup::{is_form, lookup_ref, owner_dict, owner_dict_mut, resource_dict, MAX_FORM_DEPTH};
use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use std::collections::HashSet;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

mod fixup;
mod fonts;
mod load;
mod output;
pub mod scan;
#[cfg(test)]
mod tests;

/// Pages not started within this much time are skipped (with a warning).
const TIME_BUDGET: Duration = Duration::from_secs(90);

/// Extracts the text of every page, plus title and date from the Info dictionary.
pub fn extract(bytes: &[u8]) -> Result<ExtractedDoc, ExtractError> {
    let mut doc = guarded(|| load::load(bytes)).map_err(ExtractError::Panic)??;
    let (title, date) = guarded(|| metadata(&doc)).unwrap_or_default();
    // lopdf numbers pages by walking the tree; a cyclic tree repeats pages, so keep each once
    // (with lopdf's number, which pdf-extract expects) and number them ourselves.
    let mut seen = HashSet::new();
    let pages: Vec<(u32, ObjectId)> = guarded(|| doc.get_pages())
        .map_err(ExtractError::Panic)?
        .into_iter()
        .filter(|&(_, id)| seen.insert(id))
        .collect();
    if pages.is_empty() {
        return Err(ExtractError::Malformed("no pages found".into()));
    }
    let mut warnings = fixup::prepare(&mut doc, &pages);
    let deadline = Instant::now() + TIME_BUDGET;
    // Fast path: the whole document in one pdf-extract pass (it walks the page tree once,
    // `output_doc_page` walks it for every page). Pages it did not finish, because of a panic,
    // an error or the deadline, go through the careful one-page-at-a-time path below.
    let mut paged = output::PagedOutput::new(deadline);
    let pass = catch_unwind(AssertUnwindSafe(|| {
        pdf_extract::output_doc(&doc, &mut paged)
    }));
    let (mut done, interrupted) = paged.into_pages();
    // The page the pass stopped in, with its text so far and why (saves re-running it).
    let mut interrupted = interrupted.and_then(|(number, text)| match pass {
        Ok(Ok(())) => None,
        Ok(Err(e)) => Some((number, text, PageFailure::Error(e.to_string()))),
        Err(payload) => Some((
            number,
            text,
            PageFailure::Panic(panic_message(payload.as_ref())),
        )),
    });
    let total = pages.len();
    let mut texts = Vec::with_capacity(total);
    let mut failures = Vec::new();
    let mut timed_out = false;
    for (index, &(lopdf_number, page_id)) in pages.iter().enumerate() {
        let number = index + 1;
        if let Some(text) = done.remove(&lopdf_number) {
            texts.push(text);
            continue;
        }
        if Instant::now() > deadline {
            let budget = TIME_BUDGET.as_secs();
            warnings.push(format!(
                "pages {number}-{total} of {total} skipped: time budget of {budget} s used up"
            ));
            texts.resize(total, String::new());
            timed_out = true;
            break;
        }
        let (mut text, mut outcome) = match interrupted.take() {
            Some((n, text, failure)) if n == lopdf_number => (text, Err(failure)),
            other => {
                interrupted = other;
                extract_page(&doc, lopdf_number)
            }
        };
        if outcome.is_err() && guarded(|| repair_page(&mut doc, page_id)).unwrap_or(false) {
            let (retry_text, retry) = extract_page(&doc, lopdf_number);
            if retry.is_ok() || retry_text.len() >= text.len() {
                (text, outcome) = (retry_text, retry);
            }
        }
        if let Err(failure) = outcome {
            let kept = if text.trim().is_empty() {
                ""
            } else {
                " (text before the failure kept)"
            };
            warnings.push(format!(
                "page {number} of {total} failed{kept}: {}",
                failure.message()
            ));
            failures.push(failure);
        }
        texts.push(text);
    }
    if texts.iter().all(|t| t.trim().is_empty()) {
        // Every page failed: report why; some pages merely empty: it is a scan.
        let all_failed = failures.len() == total;
        return Err(match failures.into_iter().next() {
            Some(first) if all_failed => first.into_error(),
            _ if timed_out => ExtractError::Timeout(TIME_BUDGET.as_secs()),
            _ => ExtractError::NoText,
        });
    }
    // What the pages with a poor text layer draw, for the OCR decision, while the document
    // is loaded (loading it again for that doubled the time of PDFs with a short page).
    let page_scans = pages
        .iter()
        .zip(&texts)
        .map(|(&(_, id), text)| {
            crate::extract::ocr::is_poor(text)
                .then(|| guarded(|| scan::scan_page(&doc, id)).ok())
                .flatten()
        })
        .collect();
    Ok(ExtractedDoc {
        pages: texts,
        title,
        date,
        encoding: None,
        warnings,
        ocr: Default::default(),
        page_scans,
    })
}

/// Why one page yielded no (or partial) text.
enum PageFailure {
    Panic(String),
    Error(String),
}

impl PageFailure {
    fn message(&self) -> &str {
        match self {
            PageFailure::Panic(m) | PageFailure::Error(m) => m,
        }
    }

    fn into_error(self) -> ExtractError {
        match self {
            PageFailure::Panic(m) => ExtractError::Panic(m),
            PageFailure::Error(m) => ExtractError::Malformed(m),
        }
    }
}

/// Runs pdf-extract on one page. The text written before a panic is returned too.
fn extract_page(doc: &Document, number: u32) -> (String, Result<(), PageFailure>) {
    let mut output = output::TextOutput::default();
    let result = catch_unwind(AssertUnwindSafe(|| {
        pdf_extract::output_doc_page(doc, &mut output, number)
    }));
    let text = output.into_text();
    let outcome = match result {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(PageFailure::Error(e.to_string())),
        Err(payload) => Err(PageFailure::Panic(panic_message(payload.as_ref()))),
    };
    (text, outcome)
}

/// After a page failed: adds stand-ins for the fonts, graphics states, colour spaces and
/// XObjects its content (or its forms') names but its resources lack, each of which makes
/// pdf-extract panic. Returns whether anything was added.
fn repair_page(doc: &mut Document, page_id: ObjectId) -> bool {
    let mut changed = salvage_content(doc, page_id);
    let Ok(content) = doc.get_page_content(page_id) else {
        return changed;
    };
    let mut missing = Vec::new();
    find_missing(doc, page_id, &content, 0, &mut HashSet::new(), &mut missing);
    for (owner, key, name) in missing {
        let filler = match key {
            b"Font" => {
                let mut font = Dictionary::new();
                font.set("Type", Object::Name(b"Font".to_vec()));
                font.set("Subtype", Object::Name(b"Type1".to_vec()));
                font.set("BaseFont", Object::Name(b"Helvetica".to_vec()));
                Object::Dictionary(font)
            }
            b"XObject" => {
                let mut form = Dictionary::new();
                form.set("Subtype", Object::Name(b"Form".to_vec()));
                Object::Reference(doc.add_object(Stream::new(form, Vec::new())))
            }
            b"ColorSpace" => Object::Name(b"DeviceRGB".to_vec()),
            _ => Object::Dictionary(Dictionary::new()),
        };
        let res = indirect_entry(doc, owner, b"Resources");
        let sub = res.and_then(|res| indirect_entry(doc, res, key));
        if let Some(sub) = sub.and_then(|sub| owner_dict_mut(doc, sub)) {
            sub.set(name, filler);
            changed = true;
        }
    }
    changed
}

/// lopdf's content parser rejects a whole stream over one bad token, and pdf-extract then
/// panics: keep the longest prefix, cut at whitespace, that parses (binary search; prefixes
/// are close enough to monotonic). Returns whether the page content was replaced.
fn salvage_content(doc: &mut Document, page_id: ObjectId) -> bool {
    let Ok(bytes) = doc.get_page_content(page_id) else {
        return false;
    };
    if Content::decode(&bytes).is_ok() {
        return false;
    }
    let cuts: Vec<usize> = (0..bytes.len())
        .filter(|&i| bytes[i].is_ascii_whitespace())
        .collect();
    // Invariant: the prefix ending at cut `ok - 1` parses (ok == 0: the empty prefix).
    let (mut ok, mut bad) = (0, cuts.len() + 1);
    while bad - ok > 1 {
        let mid = (ok + bad) / 2;
        if Content::decode(&bytes[..cuts[mid - 1]]).is_ok() {
            ok = mid;
        } else {
            bad = mid;
        }
    }
    let Some(&end) = ok.checked_sub(1).and_then(|i| cuts.get(i)) else {
        return false;
    };
    let stream = Stream::new(Dictionary::new(), bytes[..end].to_vec());
    let contents = doc.add_object(stream);
    match doc.get_object_mut(page_id).and_then(Object::as_dict_mut) {
        Ok(page) => {
            page.set("Contents", Object::Reference(contents));
            true
        }
        Err(_) => false,
    }
}

type Missing = (ObjectId, &'static [u8], Vec<u8>);

fn find_missing(
    doc: &Document,
    owner: ObjectId,
    content: &[u8],
    depth: u8,
    seen: &mut HashSet<ObjectId>,
    missing: &mut Vec<Missing>,
) {
    let Ok(content) = Content::decode(content) else {
        return;
    };
    for op in &content.operations {
        let Some(name) = op.operands.first().and_then(|o| o.as_name().ok()) else {
            continue;
        };
        let device = matches!(
            name,
            b"DeviceGray" | b"DeviceRGB" | b"DeviceCMYK" | b"Pattern"
        );
        let key: &'static [u8] = match op.operator.as_str() {
            "Tf" => b"Font",
            "gs" => b"ExtGState",
            "Do" => b"XObject",
            "cs" | "CS" if !device => b"ColorSpace",
            _ => continue,
        };
        let present = resource_dict(doc, owner, key).and_then(|d| d.get_deref(name, doc).ok());
        let Some(found) = present else {
            missing.push((owner, key, name.to_vec()));
            continue;
        };
        if let Object::Stream(form) = found {
            let id = lookup_ref(doc, owner, key, name);
            if let Some(id) =
                id.filter(|&id| is_form(form) && depth < MAX_FORM_DEPTH && seen.insert(id))
            {
                let inner = if form.dict.has(b"Resources") {
                    id
                } else {
                    owner
                };
                if let Ok(bytes) = form.decompressed_content() {
                    find_missing(doc, inner, &bytes, depth + 1, seen, missing);
                }
            }
        }
    }
}

/// Makes `owner[key]` an indirect dictionary (moving a direct one out) and returns its id.
fn indirect_entry(doc: &mut Document, owner: ObjectId, key: &[u8]) -> Option<ObjectId> {
    let current = owner_dict(doc, owner)?.get(key).ok().cloned();
    let id = match current {
        Some(Object::Reference(id)) if owner_dict(doc, id).is_some() => return Some(id),
        Some(Object::Dictionary(d)) => doc.add_object(d),
        _ => doc.add_object(Dictionary::new()),
    };
    owner_dict_mut(doc, owner)?.set(key, Object::Reference(id));
    Some(id)
}

/// Runs `f`, turning a panic into its (shortened) message.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|p| panic_message(p.as_ref()))
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let msg = payload
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| payload.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    // Some pdf-extract panics print whole dictionaries; keep the gist.
    let mut short: String = msg.chars().take(160).collect();
    if short.len() < msg.len() {
        short.push('…');
    }
    short
}

fn metadata(doc: &Document) -> (Option<String>, Option<String>) {
    let Some(info) = doc
        .trailer
        .get_deref(b"Info", doc)
        .ok()
        .and_then(|o| o.as_dict().ok())
    else {
        return (None, None);
    };
    let text = |key: &[u8]| {
        let obj = info.get_deref(key, doc).ok()?;
        obj.as_str().ok().map(decode_text_string)
    };
    let title = text(b"Title").and_then(|t| clean_title(&t));
    let date = text(b"CreationDate")
        .and_then(|d| iso_date(&d))
        .or_else(|| text(b"ModDate").and_then(|d| iso_date(&d)));
    (title, date)
}

/// PDF text strings: UTF-16 with BOM, UTF-8 with BOM, else PDFDocEncoding. Chinese
/// producers often store raw GBK instead, so non-ASCII bytes that are valid UTF-8 or valid
/// GBK with CJK in it are read as such.
fn decode_text_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return encoding_rs::UTF_16BE
            .decode_without_bom_handling(rest)
            .0
            .into_owned();
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return encoding_rs::UTF_16LE
            .decode_without_bom_handling(rest)
            .0
            .into_owned();
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.is_ascii() {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    if let Ok(utf8) = std::str::from_utf8(bytes) {
        return utf8.to_owned();
    }
    let gbk = encoding_rs::GBK.decode_without_bom_handling_and_without_replacement(bytes);
    if let Some(gbk) = gbk.filter(|t| t.chars().any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c))) {
        return gbk.into_owned();
    }
    bytes.iter().map(|&b| pdf_doc_char(b)).collect()
}

/// PDFDocEncoding: Latin-1 except 0x80–0x9F and 0xA0 (PDF 32000-1, Annex D).
fn pdf_doc_char(b: u8) -> char {
    const HIGH: &str = "•†‡…—–ƒ⁄‹›−‰„“”‘’‚™ﬁﬂŁŒŠŸŽıłœšž\u{FFFD}€";
    match b {
        0x80..=0xA0 => HIGH
            .chars()
            .nth(usize::from(b - 0x80))
            .unwrap_or('\u{FFFD}'),
        _ => char::from(b),
    }
}

/// Drops empty and placeholder titles; strips "Microsoft Word - " and file extensions.
fn clean_title(raw: &str) -> Option<String> {
    let title = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut title: String = title
        .chars()
        .filter(|c| !c.is_control() && *c != '\u{FFFD}')
        .collect();
    for app in [
        "Microsoft Word - ",
        "Microsoft PowerPoint - ",
        "Microsoft Excel - ",
    ] {
        if let Some(rest) = title.strip_prefix(app) {
            title = rest.to_string();
        }
    }
    const EXTENSIONS: [&str; 9] = [
        "doc", "docx", "wps", "rtf", "txt", "pdf", "xls", "xlsx", "pptx",
    ];
    if let Some((stem, ext)) = title.rsplit_once('.') {
        if EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()) {
            title = stem.trim().to_string();
        }
    }
    let lower = title.to_lowercase();
    let placeholder = [
        "untitled",
        "untitled document",
        "no title",
        "title",
        "document",
        "无标题",
    ];
    (title.chars().count() >= 2 && !placeholder.contains(&lower.as_str())).then_some(title)
}

/// `D:YYYYMMDDHHmmSS…` (the `D:`, month and day optional) as `YYYY-MM-DD`.
fn iso_date(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let digits: String = raw
        .strip_prefix("D:")
        .unwrap_or(raw)
        .chars()
        .take_while(char::is_ascii_digit)
        .take(8)
        .collect();
    let part = |range: std::ops::Range<usize>, default: u32| {
        digits
            .get(range)
            .map_or(Some(default), |s| s.parse::<u32>().ok())
    };
    let year = digits.get(0..4)?.parse::<u32>().ok()?;
    let (month, day) = (part(4..6, 1)?, part(6..8, 1)?);
    let days_in_month = match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    let valid = (1900..=2100).contains(&year)
        && (1..=12).contains(&month)
        && (1..=days_in_month).contains(&day);
    valid.then(|| format!("{year:04}-{month:02}-{day:02}"))
}
