//! Format sniffing and text extraction: `bytes → ExtractedDoc`, pure and panic-isolated.

pub mod docx;
pub mod html;
pub mod isolate;
pub mod ocr;
pub mod pdf;
mod pdf_cmap;
pub mod text;

use serde::{Deserialize, Serialize};
use std::fmt;

/// A document format provisio can read, decided from content (magic bytes, markup).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Pdf,
    Html,
    Docx,
    Text,
    /// A scan or photo (PNG, JPEG, TIFF), read by OCR.
    Image,
}

impl Format {
    /// Every format, in the order filters list them.
    pub const ALL: [Format; 5] = [
        Format::Pdf,
        Format::Html,
        Format::Docx,
        Format::Text,
        Format::Image,
    ];

    /// The format named `name` (`pdf`, `html`, `docx`, `text`, `image`).
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == name)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Pdf => "pdf",
            Format::Html => "html",
            Format::Docx => "docx",
            Format::Text => "text",
            Format::Image => "image",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Text pulled out of one file. `pages[0]` is page 1. Display text is kept as extracted.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ExtractedDoc {
    pub pages: Vec<String>,
    /// Title from metadata or markup (`<title>`, `og:title`, `<h1>`, PDF /Title, docx core title).
    pub title: Option<String>,
    /// Publication date from metadata when the format records one, ISO `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Name of the character encoding the bytes were decoded from (text and HTML).
    pub encoding: Option<String>,
    /// Non-fatal problems worth reporting (e.g. "page 3 of 5 failed: …").
    pub warnings: Vec<String>,
    /// Which pages were read by OCR.
    #[serde(default)]
    pub ocr: OcrInfo,
    /// PDF: what each page with a poor text layer draws (`None` for the others), for the OCR
    /// decision; used where the document was extracted, never sent.
    #[serde(skip)]
    pub page_scans: Vec<Option<pdf::scan::PageScan>>,
}

/// What OCR did for one document.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OcrInfo {
    /// Pages (from 1) whose text came from OCR.
    pub pages: Vec<u32>,
    /// How many of them were taken from the cache.
    pub cached: u32,
    /// Pages needed OCR that was not available: why (the file is read again once it is).
    pub pending: Option<String>,
}

/// Why a file yielded no text. The `Display` text is the reason users see.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum ExtractError {
    #[error("unsupported format")]
    Unsupported,
    #[error("encrypted: password required")]
    Encrypted,
    #[error("malformed: {0}")]
    Malformed(String),
    #[error("no text layer (scanned or image-only)")]
    NoText,
    /// A scan, and OCR cannot run: why (`OCR not available (…)`).
    #[error("no text layer; {0}")]
    NeedsOcr(String),
    #[error("OCR failed: {0}")]
    Ocr(String),
    #[error("no text layer, and OCR found no text on its {0} page(s)")]
    OcrFoundNothing(u32),
    #[error("extractor panicked: {0}")]
    Panic(String),
    #[error("timed out after {0} s")]
    Timeout(u64),
    /// The isolated worker died (memory limit, crash): how, and its last words.
    #[error("extractor worker {0}")]
    Crashed(String),
    #[error("too large: {0}")]
    TooLarge(String),
}

/// Decide the format from the bytes (magic numbers, markup), using the extension only to break
/// ties between HTML and plain text. `None`: not a format provisio reads.
pub fn sniff(bytes: &[u8], extension: Option<&str>) -> Option<Format> {
    let head = &bytes[..bytes.len().min(4096)];
    if head.windows(5).take(1024).any(|w| w == b"%PDF-") {
        return Some(Format::Pdf);
    }
    if head.starts_with(b"PK\x03\x04") {
        // A DOCX has `word/…` parts in its zip directory (the main part is usually
        // `word/document.xml`; the docx extractor finds it through `_rels/.rels`).
        let is_docx = bytes.windows(5).any(|w| w == b"word/");
        return is_docx.then_some(Format::Docx);
    }
    const IMAGE_MAGIC: &[&[u8]] = &[
        b"\x89PNG\r\n\x1a\n",
        b"\xFF\xD8\xFF",
        b"II*\x00",
        b"MM\x00*",
    ];
    if IMAGE_MAGIC.iter().any(|m| head.starts_with(m)) {
        return Some(Format::Image);
    }
    const BINARY_MAGIC: &[&[u8]] = &[
        b"\x89PNG",
        b"GIF8",
        b"\x1F\x8B",
        b"\x7FELF",
        b"\xD0\xCF\x11\xE0",
        b"BZh",
        b"\xFD7zXZ",
        b"Rar!",
        b"7z\xBC\xAF",
        b"RIFF",
        b"OggS",
        b"ID3",
        b"fLaC",
        b"\x00\x00\x00",
    ];
    if BINARY_MAGIC.iter().any(|m| head.starts_with(m)) {
        return None;
    }
    let utf16_bom = head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF");
    if !utf16_bom && !looks_like_text(head) {
        return None;
    }
    if !utf16_bom && looks_like_html(head) {
        return Some(Format::Html);
    }
    if matches!(extension, Some("html" | "htm" | "xhtml" | "shtml")) && head.contains(&b'<') {
        return Some(Format::Html);
    }
    Some(Format::Text)
}

fn looks_like_text(head: &[u8]) -> bool {
    if head.is_empty() {
        return true;
    }
    let control = head
        .iter()
        .filter(|&&b| b == 0 || (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1B)))
        .count();
    control * 100 <= head.len()
}

fn looks_like_html(head: &[u8]) -> bool {
    let start = head
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(head)
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(0);
    let lower: Vec<u8> = head[start..head.len().min(start + 1024)]
        .iter()
        .map(u8::to_ascii_lowercase)
        .collect();
    let starts = |p: &[u8]| lower.starts_with(p);
    if starts(b"<!doctype html") || starts(b"<html") || starts(b"<head") {
        return true;
    }
    (starts(b"<") || starts(b"\xef\xbb\xbf<"))
        && [
            &b"<html"[..],
            b"<body",
            b"<meta",
            b"<title",
            b"<div",
            b"<p>",
        ]
        .iter()
        .any(|tag| lower.windows(tag.len()).any(|w| w == *tag))
}

thread_local! {
    static EXTRACTING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Install (once) a panic hook that stays silent for panics inside [`extract`] (they are caught
/// and reported as an [`ExtractError::Panic`]) and defers to the default hook otherwise.
pub fn install_quiet_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !EXTRACTING.with(|e| e.get()) {
                default(info);
            }
        }));
    });
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let msg = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string());
    msg.chars().take(300).collect()
}

/// Extract text from `bytes` of a known `format`. Never panics: a panic inside an extractor is
/// caught and returned as [`ExtractError::Panic`].
pub fn extract(format: Format, bytes: &[u8]) -> Result<ExtractedDoc, ExtractError> {
    install_quiet_panic_hook();
    EXTRACTING.with(|e| e.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match format {
        Format::Pdf => pdf::extract(bytes),
        Format::Html => html::extract(bytes),
        Format::Docx => docx::extract(bytes),
        Format::Text => text::extract(bytes),
        // Images have no text layer: only OCR reads them (`extract_full`).
        Format::Image => Err(ExtractError::NoText),
    }));
    EXTRACTING.with(|e| e.set(false));
    match result {
        Ok(r) => r,
        Err(payload) => Err(ExtractError::Panic(panic_message(payload.as_ref()))),
    }
}

/// [`extract`], then OCR of what has no text layer (scanned PDF pages, images) when `ocr` is
/// ready. `on_event` hears of pages about to be read by OCR (the slow part). Never panics.
pub fn extract_full(
    format: Format,
    bytes: &[u8],
    ocr: &ocr::Ocr,
    on_event: &mut dyn FnMut(ocr::OcrEvent),
) -> Result<ExtractedDoc, ExtractError> {
    let first = extract(format, bytes);
    if !matches!(format, Format::Pdf | Format::Image) {
        return first;
    }
    install_quiet_panic_hook();
    EXTRACTING.with(|e| e.set(true));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        ocr::complete(format, bytes, first, ocr, on_event)
    }));
    EXTRACTING.with(|e| e.set(false));
    result.unwrap_or_else(|payload| Err(ExtractError::Panic(panic_message(payload.as_ref()))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_content_not_extension() {
        assert_eq!(sniff(b"%PDF-1.7\n...", Some("txt")), Some(Format::Pdf));
        assert_eq!(
            sniff(b"<!DOCTYPE html><html><body>x</body></html>", Some("txt")),
            Some(Format::Html)
        );
        assert_eq!(
            sniff("普通文本".as_bytes(), Some("pdf")),
            Some(Format::Text)
        );
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\n\0\0", Some("txt")),
            Some(Format::Image)
        );
        assert_eq!(sniff(b"II*\x00\x08\0\0\0", None), Some(Format::Image));
        assert_eq!(sniff(b"GIF89a\x01\0", Some("txt")), None);
        assert_eq!(sniff(b"PK\x03\x04 not a docx", Some("docx")), None);
    }
}
