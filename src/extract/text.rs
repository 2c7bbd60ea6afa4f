//! Plain-text extraction and the shared byte → `String` decoder (BOM, UTF-8, legacy CJK encodings).

use super::{ExtractError, ExtractedDoc};
use encoding_rs::{Encoding, GB18030, GBK, UTF_16BE, UTF_16LE, UTF_8};

/// Longest title taken from the first line, in characters.
const MAX_TITLE_CHARS: usize = 200;

/// Extracts a plain-text (or Markdown) file: decoded, line endings normalised, split into pages at
/// form feeds.
pub fn extract(bytes: &[u8]) -> Result<ExtractedDoc, ExtractError> {
    let (text, encoding) = decode(bytes);
    let text = normalize_newlines(&text);
    if text.trim().is_empty() {
        return Err(ExtractError::NoText);
    }
    let mut pages: Vec<String> = text.split('\x0C').map(str::to_owned).collect();
    // A trailing form feed (pdftotext style) ends the last page; it does not open a new one.
    if pages.len() > 1 && pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    Ok(ExtractedDoc {
        title: title_from_text(&text),
        pages,
        date: None,
        encoding: Some(encoding.name().to_owned()),
        warnings: Vec::new(),
        ocr: Default::default(),
        page_scans: Vec::new(),
    })
}

/// Decodes bytes of unknown encoding. Order: byte-order mark; BOM-less UTF-16 with ASCII-heavy
/// content (NUL in every other byte); UTF-8 (tolerating a few damaged sequences); statistical detection (chardetng). GBK is decoded as GB18030 (a superset,
/// including four-byte sequences). Never fails: undecodable bytes become U+FFFD.
pub fn decode(bytes: &[u8]) -> (String, &'static Encoding) {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return (decode_as(&bytes[bom_len..], encoding), encoding);
    }
    if let Some(encoding) = utf16_without_bom(bytes) {
        return (decode_as(bytes, encoding), encoding);
    }
    if let Some(text) = decode_mostly_utf8(bytes) {
        return (text, UTF_8);
    }
    let encoding = detect_legacy(bytes);
    (decode_as(bytes, encoding), encoding)
}

/// Decodes `bytes` (BOM already removed) with `encoding`, replacing malformed sequences.
pub(crate) fn decode_as(bytes: &[u8], encoding: &'static Encoding) -> String {
    let (text, _had_errors) = encoding.decode_without_bom_handling(bytes);
    text.into_owned()
}

/// Decodes as UTF-8 when the bytes are UTF-8 apart from a few damaged sequences (at most one
/// U+FFFD per 20 well-formed non-ASCII characters), e.g. a page cut mid-character.
pub(crate) fn decode_mostly_utf8(bytes: &[u8]) -> Option<String> {
    // Count first, without building a string: most legacy-encoded files fail within the
    // first kilobytes (decoding a whole GB18030 file as UTF-8 to count its damage cost ~2%
    // of indexing).
    let (mut bad, mut good) = (0usize, 0usize);
    let mut seen = 0usize;
    for chunk in bytes.utf8_chunks() {
        let valid = chunk.valid();
        good += valid
            .chars()
            .filter(|&c| !c.is_ascii() && c != char::REPLACEMENT_CHARACTER)
            .count();
        bad += valid.matches(char::REPLACEMENT_CHARACTER).count();
        bad += usize::from(!chunk.invalid().is_empty());
        seen += valid.len() + chunk.invalid().len();
        // Even if every remaining byte pair were a good character, too many are bad.
        if bad * 20 > good + (bytes.len() - seen) / 2 {
            return None;
        }
    }
    if bad == 0 {
        return std::str::from_utf8(bytes).ok().map(str::to_owned);
    }
    if bad * 20 > good {
        return None;
    }
    let (text, _) = UTF_8.decode_without_bom_handling(bytes);
    Some(text.into_owned())
}

/// Bytes of legacy-encoded text the detector reads at most, from the first non-ASCII byte on.
const DETECT_SAMPLE: usize = 64 << 10;

/// The detector reads the sample in steps of this size and may stop after any of them (see
/// [`detect_legacy`]).
const DETECT_STEP: usize = 1 << 10;

/// Non-ASCII bytes the detector must have read before it may stop early.
const DETECT_MIN_NON_ASCII: usize = 1 << 10;

/// Guesses a legacy (non-UTF) encoding with chardetng, mapping GBK to GB18030. Large inputs
/// are judged by a sample starting at their first non-ASCII byte (ASCII says nothing about
/// the encoding; feeding all of a large file cost ~7% of indexing a GB18030-heavy corpus).
///
/// chardetng reads ~5 MB/s, so even the sample was 6% of indexing the bench corpus (whose
/// legacy files are mostly under 16 KiB). It is fed 1 KiB at a time, and detection stops
/// once two guesses in a row agree after at least 1 KiB of non-ASCII bytes: a clear case
/// costs 2 KiB, an unclear one (few non-ASCII bytes, guesses that change) still reads the
/// whole sample. On the bench's 4,501 legacy files and 1,500 texts written in GB18030, Big5,
/// Shift_JIS, EUC-JP and EUC-KR, every guess is the one the whole sample gives, at a third of
/// the time.
pub(crate) fn detect_legacy(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new();
    let start = bytes.iter().position(|b| !b.is_ascii()).unwrap_or(0);
    let end = bytes.len().min(start.saturating_add(DETECT_SAMPLE));
    let mut at = start;
    let mut non_ascii = 0;
    let mut previous = None;
    loop {
        let step_end = end.min(at + DETECT_STEP);
        let step = &bytes[at..step_end];
        non_ascii += step.iter().filter(|b| !b.is_ascii()).count();
        detector.feed(step, step_end == bytes.len());
        at = step_end;
        let guess = detector.guess(None, false);
        if at == end || (previous == Some(guess) && non_ascii >= DETECT_MIN_NON_ASCII) {
            return prefer_gb18030(guess);
        }
        previous = Some(guess);
    }
}

/// GBK and GB2312 labels are decoded with the GB18030 decoder: real files labelled GB2312 contain
/// GBK and GB18030 characters.
pub(crate) fn prefer_gb18030(encoding: &'static Encoding) -> &'static Encoding {
    if encoding == GBK {
        GB18030
    } else {
        encoding
    }
}

/// Recognises BOM-less UTF-16 from the NUL bytes of mostly-ASCII text.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    let pairs = sample.len() / 2;
    if pairs < 8 {
        return None;
    }
    let nul_at = |parity: usize| {
        sample
            .iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (nul_at(0), nul_at(1));
    if odd * 10 >= pairs * 4 && even * 20 <= pairs {
        Some(UTF_16LE)
    } else if even * 10 >= pairs * 4 && odd * 20 <= pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Converts CRLF and lone CR line endings to LF and drops a leading U+FEFF.
fn normalize_newlines(text: &str) -> String {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    if !text.contains('\r') {
        return text.to_owned();
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// First non-empty line, Markdown heading marks removed, inner whitespace collapsed.
fn title_from_text(text: &str) -> Option<String> {
    text.lines()
        .map(|line| line.trim().trim_start_matches('#').trim())
        .find(|line| !line.is_empty())
        .map(|line| {
            let collapsed = line.split_whitespace().collect::<Vec<_>>().join(" ");
            collapsed.chars().take(MAX_TITLE_CHARS).collect()
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::BIG5;

    fn utf16le_with_bom(s: &str) -> Vec<u8> {
        let mut out = vec![0xFF, 0xFE];
        for unit in s.encode_utf16() {
            out.extend_from_slice(&unit.to_le_bytes());
        }
        out
    }

    #[test]
    fn utf8_with_bom_and_crlf() {
        let bytes = b"\xEF\xBB\xBF# Title here\r\nline two\rline three\r\n";
        let doc = extract(bytes).expect("text");
        assert_eq!(doc.pages, vec!["# Title here\nline two\nline three\n"]);
        assert_eq!(doc.title.as_deref(), Some("Title here"));
        assert_eq!(doc.encoding.as_deref(), Some("UTF-8"));
    }

    #[test]
    fn utf16le_bom() {
        let bytes = utf16le_with_bom("关于出口退税的通知\r\n第一条　内容");
        let doc = extract(&bytes).expect("text");
        assert_eq!(doc.encoding.as_deref(), Some("UTF-16LE"));
        assert_eq!(doc.title.as_deref(), Some("关于出口退税的通知"));
        assert_eq!(doc.pages[0], "关于出口退税的通知\n第一条　内容");
    }

    #[test]
    fn utf16be_bom_and_bomless_utf16le() {
        let mut be = vec![0xFE, 0xFF];
        for unit in "Export licence notice".encode_utf16() {
            be.extend_from_slice(&unit.to_be_bytes());
        }
        assert_eq!(decode(&be), ("Export licence notice".to_owned(), UTF_16BE));
        let le: Vec<u8> = utf16le_with_bom("Free warehousing rules apply")[2..].to_vec();
        assert_eq!(
            decode(&le),
            ("Free warehousing rules apply".to_owned(), UTF_16LE)
        );
    }

    #[test]
    fn gb18030_four_byte_characters() {
        let text = "关于㐀字与𠀀字的出口退税政策说明，财政部国家税务总局发布实施办法。";
        let (bytes, _, unmappable) = GB18030.encode(text);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&bytes).is_err());
        let (decoded, encoding) = decode(&bytes);
        assert_eq!(encoding, GB18030);
        assert_eq!(decoded, text);
    }

    #[test]
    fn big5_traditional() {
        let text = "財政部關於出口退稅政策的通知，自發布之日起施行。各地稅務機關應當認真執行。";
        let (bytes, _, unmappable) = BIG5.encode(text);
        assert!(!unmappable);
        let doc = extract(&bytes).expect("text");
        assert_eq!(doc.encoding.as_deref(), Some("Big5"));
        assert!(doc.pages[0].contains("出口退稅"));
    }

    #[test]
    fn damaged_utf8_stays_utf8() {
        let mut bytes = "关于出口许可证管理的通知，各地商务主管部门应当遵照执行。"
            .as_bytes()
            .to_vec();
        bytes.extend_from_slice(&[0xE5, 0x87]); // cut mid-character
        let (text, encoding) = decode(&bytes);
        assert_eq!(encoding, UTF_8);
        assert!(text.starts_with("关于出口许可证管理的通知"));
    }

    #[test]
    fn gbk_without_declaration_is_detected() {
        let text =
            "国务院关于促进外贸稳定增长的若干意见。各省、自治区、直辖市人民政府，国务院各部委。";
        let (bytes, _, _) = GBK.encode(text);
        assert_eq!(decode(&bytes), (text.to_owned(), GB18030));
    }

    #[test]
    fn detection_reads_past_a_latin_opening() {
        // A few Latin-1 bytes in kilobytes of English, then Chinese in GBK: two early guesses
        // agree on a Latin encoding, but with so few non-ASCII bytes read detection goes on.
        let mut bytes = Vec::new();
        for _ in 0..40 {
            bytes.extend_from_slice(
                b"Notice on export tax rebates, d\xE9tails on page one, as listed. ",
            );
            bytes.extend_from_slice(b"The rest of this line is plain ASCII text of the header.\n");
        }
        let chinese =
            "各地商务主管部门应当落实出口退税政策，支持企业建设海外仓，对符合条件的企业给予补贴。";
        let mut text = String::new();
        for _ in 0..60 {
            text.push_str(chinese);
        }
        let (gbk, _, _) = GBK.encode(&text);
        bytes.extend_from_slice(&gbk);
        assert!(bytes.len() > 8 * DETECT_STEP);
        let (decoded, encoding) = decode(&bytes);
        assert_eq!(encoding, GB18030);
        assert!(decoded.ends_with(chinese));
    }

    #[test]
    fn form_feeds_split_pages() {
        let doc = extract(b"page one\x0Cpage two\x0C").expect("text");
        assert_eq!(doc.pages, vec!["page one", "page two"]);
        let doc = extract(b"one\x0C\x0Cthree").expect("text");
        assert_eq!(doc.pages.len(), 3);
    }

    #[test]
    fn empty_and_whitespace_are_no_text() {
        assert_eq!(extract(b"").unwrap_err(), ExtractError::NoText);
        assert_eq!(extract(b" \r\n\t\x0C ").unwrap_err(), ExtractError::NoText);
        assert_eq!(extract(b"\xEF\xBB\xBF").unwrap_err(), ExtractError::NoText);
    }

    #[test]
    fn bad_bytes_never_fail() {
        let bytes: Vec<u8> = (0..=255u8).cycle().take(5000).collect();
        let (text, _) = decode(&bytes);
        assert!(!text.is_empty());
    }

    #[test]
    fn title_is_bounded_and_collapsed() {
        let long = format!("  ##   {}   tail\nbody", "字".repeat(300));
        let doc = extract(long.as_bytes()).expect("text");
        let title = doc.title.expect("title");
        assert_eq!(title.chars().count(), MAX_TITLE_CHARS);
        let doc = extract(b"\n\n  Federal Register   /  Vol. 90 \nx").expect("text");
        assert_eq!(doc.title.as_deref(), Some("Federal Register / Vol. 90"));
    }
}
