//! Predefined CJK CMaps as data: codespaces, code splitting and decoding per CMap family, and the CMap text that lets pdf-extract read them.
//!
//! pdf-extract 0.12 only understands `Identity-H/V` or an embedded CMap stream as a Type0
//! font's `/Encoding`, and panics on any predefined CMap name (GBK-EUC-H, 90ms-RKSJ-H,
//! UniJIS-UCS2-H, …). `pdf::fonts` replaces such an encoding with [`encoding_cmap`] (the
//! predefined CMap's codespace, every code mapped to itself as CID) and adds a ToUnicode from
//! [`to_unicode_cmap`] for the codes the document uses, decoded with the legacy encoding the
//! CMap stands for ([`Family::decode`]).
//!
//! pdf-extract reads the CMap text with provisio's own `adobe-cmap-parser`
//! (`crates/adobe-cmap-parser`), which takes a code's width from the byte length of its hex
//! string and reads every entry of a block.

use encoding_rs::{Encoding, BIG5, EUC_JP, EUC_KR, GB18030, GBK, SHIFT_JIS, UTF_16BE};
use std::collections::BTreeMap;
use std::fmt::Write;

/// How a predefined CMap's character codes map to Unicode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Family {
    /// A multi-byte legacy encoding decoded as-is (EUC-CN, GBK, Shift_JIS, EUC-JP, Big5, UHC…).
    Legacy(&'static Encoding, &'static [Range]),
    /// ISO-2022 row/cell codes (`H`, `GB-H`, `KSC-H`): set the high bits, then decode as EUC.
    RowCell(&'static Encoding),
    Ucs2,
    Utf16,
    Utf8,
    Utf32,
}

/// One codespace range: codes `lo..=hi` that are `width` bytes long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Range {
    lo: u32,
    hi: u32,
    width: u8,
}

const fn r(lo: u32, hi: u32, width: u8) -> Range {
    Range { lo, hi, width }
}

const EUC_CN: &[Range] = &[r(0x00, 0x80, 1), r(0xA1A1, 0xFEFE, 2)];
const GBK_LIKE: &[Range] = &[r(0x00, 0x80, 1), r(0xFF, 0xFF, 1), r(0x8140, 0xFEFE, 2)];
const GB2K: &[Range] = &[
    r(0x00, 0x80, 1),
    r(0xFF, 0xFF, 1),
    r(0x8140, 0xFEFE, 2),
    r(0x8130_8130, 0xFE39_FE39, 4),
];
const RKSJ: &[Range] = &[
    r(0x00, 0x80, 1),
    r(0xA0, 0xDF, 1),
    r(0xFD, 0xFF, 1),
    r(0x8140, 0x9FFC, 2),
    r(0xE040, 0xFCFC, 2),
];
const EUC_JIS: &[Range] = &[
    r(0x00, 0x80, 1),
    r(0x8EA0, 0x8EDF, 2),
    r(0xA1A1, 0xFEFE, 2),
    r(0x8F_A1A1, 0x8F_FEFE, 3),
];
const ROW_CELL: &[Range] = &[r(0x2121, 0x7E7E, 2)];
const UCS2: &[Range] = &[r(0x0000, 0xFFFF, 2)];
// Surrogate pairs are 4-byte codes; lone 2-byte codes exclude the surrogate block.
const UTF16: &[Range] = &[
    r(0x0000, 0xD7FF, 2),
    r(0xE000, 0xFFFF, 2),
    r(0xD800_DC00, 0xDBFF_DFFF, 4),
];
const UTF8: &[Range] = &[
    r(0x00, 0x7F, 1),
    r(0xC280, 0xDFBF, 2),
    r(0xE0_8080, 0xEF_BFBF, 3),
    r(0xF080_8080, 0xF48F_BFBF, 4),
];
const UTF32: &[Range] = &[r(0x0000_0000, 0x0010_FFFF, 4)];

impl Family {
    /// The family of a predefined CMap name, or `None` when we cannot decode it.
    pub(super) fn of(name: &str) -> Option<Family> {
        let base = name
            .strip_suffix("-H")
            .or_else(|| name.strip_suffix("-V"))
            .unwrap_or(if name == "H" || name == "V" { "" } else { name });
        if base.starts_with("Uni") {
            return [
                ("UCS2", Family::Ucs2),
                ("UTF16", Family::Utf16),
                ("UTF8", Family::Utf8),
                ("UTF32", Family::Utf32),
            ]
            .into_iter()
            .find(|(tag, _)| base.contains(tag))
            .map(|(_, family)| family);
        }
        let legacy = |enc, ranges| Some(Family::Legacy(enc, ranges));
        match base {
            "GB-EUC" | "GBpc-EUC" => legacy(GBK, EUC_CN),
            "GBK-EUC" | "GBKp-EUC" => legacy(GBK, GBK_LIKE),
            "GBK2K" => legacy(GB18030, GB2K),
            "KSC-EUC" | "KSCpc-EUC" => legacy(EUC_KR, EUC_CN),
            "KSCms-UHC" | "KSCms-UHC-HW" => legacy(EUC_KR, GBK_LIKE),
            "EUC" => legacy(EUC_JP, EUC_JIS),
            "" => Some(Family::RowCell(EUC_JP)),
            "GB" => Some(Family::RowCell(GBK)),
            "KSC" => Some(Family::RowCell(EUC_KR)),
            _ if base.ends_with("-RKSJ") => legacy(SHIFT_JIS, RKSJ),
            _ if base.ends_with("B5") => legacy(BIG5, GBK_LIKE),
            _ => None,
        }
    }

    /// The encoding a CJK font named `name` implies when a simple (single-byte) font of that
    /// name shows multi-byte text: a GBK (or Shift_JIS) name such as 宋体, or a well-known
    /// CJK font name. `None` for other names.
    pub(super) fn of_font_name(name: &[u8]) -> Option<Family> {
        let family = |enc, ranges| Some(Family::Legacy(enc, ranges));
        if !name.is_ascii() {
            let sjis = decode_with(SHIFT_JIS, name).unwrap_or_default();
            if sjis.contains("ＭＳ") || sjis.chars().any(|c| ('\u{30A0}'..='\u{30FF}').contains(&c))
            {
                return family(SHIFT_JIS, RKSJ);
            }
            let gbk = decode_with(GBK, name)?;
            return gbk
                .chars()
                .any(is_cjk)
                .then_some(Family::Legacy(GBK, GBK_LIKE));
        }
        // Specific names only: "Gothic" alone is also a Latin font (Century Gothic).
        let name: String = String::from_utf8_lossy(name)
            .to_ascii_lowercase()
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect();
        let has = |tokens: &[&str]| tokens.iter().any(|t| name.contains(t));
        if has(&["mingliu", "dfkai", "biaukai"]) {
            family(BIG5, GBK_LIKE)
        } else if has(&[
            "simsun", "simhei", "kaiti", "fangsong", "stsong", "stheiti", "gb2312", "yahei",
        ]) {
            family(GBK, GBK_LIKE)
        } else if has(&["msmincho", "msgothic", "mspmincho", "mspgothic", "heisei"]) {
            family(SHIFT_JIS, RKSJ)
        } else if has(&["batang", "gulim", "dotum", "gungsuh", "malgun"]) {
            family(EUC_KR, GBK_LIKE)
        } else {
            None
        }
    }

    pub(super) fn ranges(self) -> &'static [Range] {
        match self {
            Family::Legacy(_, ranges) => ranges,
            Family::RowCell(_) => ROW_CELL,
            Family::Ucs2 => UCS2,
            Family::Utf16 => UTF16,
            Family::Utf8 => UTF8,
            Family::Utf32 => UTF32,
        }
    }

    /// Unicode text for one code, or `None` for undecodable or control codes.
    pub(super) fn decode(self, code: u32, width: u8) -> Option<String> {
        let all = code.to_be_bytes();
        let bytes = &all[4usize.saturating_sub(usize::from(width))..];
        let text = match self {
            Family::Legacy(enc, _) => decode_with(enc, bytes)?,
            Family::RowCell(enc) => {
                let high: Vec<u8> = bytes.iter().map(|b| b | 0x80).collect();
                decode_with(enc, &high)?
            }
            Family::Ucs2 | Family::Utf16 => decode_with(UTF_16BE, bytes)?,
            Family::Utf8 => std::str::from_utf8(bytes).ok()?.to_owned(),
            Family::Utf32 => char::from_u32(code)?.to_string(),
        };
        let clean = !text.is_empty() && text.chars().all(|c| c >= ' ' && c != '\u{FFFD}');
        clean.then_some(text)
    }
}

fn decode_with(enc: &'static Encoding, bytes: &[u8]) -> Option<String> {
    enc.decode_without_bom_handling_and_without_replacement(bytes)
        .map(|s| s.into_owned())
}

/// Splits a shown string into `(code, width)` pairs exactly as pdf-extract 0.12's
/// `PdfCIDFont::next_char` does with our codespace: grow the code a byte at a time and take
/// the first width whose numeric range contains it; stop at the first unmatched code.
pub(super) fn split_codes(bytes: &[u8], ranges: &[Range]) -> Vec<(u32, u8)> {
    let mut out = Vec::new();
    let mut it = bytes.iter();
    'codes: while let Some(&first) = it.next() {
        let mut code = u32::from(first);
        for width in 1..=4u8 {
            if ranges
                .iter()
                .any(|r| r.width == width && (r.lo..=r.hi).contains(&code))
            {
                out.push((code, width));
                continue 'codes;
            }
            match it.next() {
                Some(&b) if width < 4 => code = (code << 8) | u32::from(b),
                _ => break 'codes,
            }
        }
    }
    out
}

/// Hex for a code of `width` bytes.
fn code_hex(code: u32, width: u8) -> String {
    format!("<{:0w$X}>", code, w = usize::from(width) * 2)
}

fn cmap_header(out: &mut String, name: &str, cmap_type: u8) {
    out.push_str("/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n");
    out.push_str("/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n");
    let _ = writeln!(out, "/CMapName /{name} def\n/CMapType {cmap_type} def");
}

const CMAP_TRAILER: &str = "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";

/// An embedded `/Encoding` CMap: the codespace of `family`, every code mapped to itself as CID.
pub(super) fn encoding_cmap(family: Family) -> Vec<u8> {
    let ranges = family.ranges();
    let mut out = String::new();
    cmap_header(&mut out, "Provisio-Identity", 1);
    // The codespace, then each range of it as CIDs from 0 (every code its own CID).
    for (block, suffix) in [("codespacerange", ""), ("cidrange", " 0")] {
        let _ = writeln!(out, "{} begin{block}", ranges.len());
        for r in ranges {
            let (lo, hi) = (code_hex(r.lo, r.width), code_hex(r.hi, r.width));
            let _ = writeln!(out, "{lo} {hi}{suffix}");
        }
        let _ = writeln!(out, "end{block}");
    }
    out.push_str(CMAP_TRAILER);
    out.into_bytes()
}

/// A `/ToUnicode` CMap with one `bfchar` entry per code.
pub(super) fn to_unicode_cmap(map: &BTreeMap<(u32, u8), String>) -> Vec<u8> {
    let mut out = String::new();
    cmap_header(&mut out, "Provisio-UCS", 2);
    let entries: Vec<_> = map.iter().collect();
    for chunk in entries.chunks(100) {
        let _ = writeln!(out, "{} beginbfchar", chunk.len());
        for ((code, width), text) in chunk {
            let hex = format!("{:0w$X}", code, w = usize::from(*width) * 2);
            let utf16: String = text.encode_utf16().map(|u| format!("{u:04X}")).collect();
            let _ = writeln!(out, "<{hex}> <{utf16}>");
        }
        out.push_str("endbfchar\n");
    }
    out.push_str(CMAP_TRAILER);
    out.into_bytes()
}

/// Han ideographs, kana and Hangul syllables.
pub(super) fn is_cjk(c: char) -> bool {
    matches!(c, '\u{3040}'..='\u{30FF}' | '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7AF}')
}

/// A glyph name of the `uniXXXX[XXXX…]` or `uXXXX[XX]` forms as text (suffixes after a dot
/// ignored), e.g. `uni4E2D` → "中".
pub(super) fn glyph_name_text(name: &[u8]) -> Option<String> {
    let name = std::str::from_utf8(name).ok()?.split('.').next()?;
    let hex_ok = |h: &str| !h.is_empty() && h.bytes().all(|b| b.is_ascii_hexdigit());
    if let Some(hex) = name
        .strip_prefix("uni")
        .filter(|h| hex_ok(h) && h.len() % 4 == 0)
    {
        let units = (0..hex.len())
            .step_by(4)
            .map(|i| u16::from_str_radix(hex.get(i..i + 4)?, 16).ok())
            .collect::<Option<Vec<u16>>>()?;
        return String::from_utf16(&units).ok();
    }
    let hex = name
        .strip_prefix('u')
        .filter(|h| hex_ok(h) && (4..=6).contains(&h.len()))?;
    char::from_u32(u32::from_str_radix(hex, 16).ok()?).map(String::from)
}

/// Deepest nesting of `[`, `{`, `(` and `<<` in PostScript-like text (CMaps, Type1 font
/// cleartext), skipping escaped characters. The parsers inside pdf-extract recurse once per
/// level and overflow the stack (aborting the process) on absurd nesting.
pub(super) fn nesting_depth(bytes: &[u8]) -> usize {
    let (mut depth, mut max, mut i) = (0usize, 0usize, 0);
    while i < bytes.len() {
        let pair = |c: u8| bytes.get(i + 1) == Some(&c);
        match bytes[i] {
            b'\\' => i += 1,
            b'[' | b'{' | b'(' => depth += 1,
            b']' | b'}' | b')' => depth = depth.saturating_sub(1),
            b'<' if pair(b'<') => (depth, i) = (depth + 1, i + 1),
            b'>' if pair(b'>') => (depth, i) = (depth.saturating_sub(1), i + 1),
            _ => {}
        }
        max = max.max(depth);
        i += 1;
    }
    max
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn families_from_cmap_names() {
        assert_eq!(Family::of("GBK-EUC-H"), Some(Family::Legacy(GBK, GBK_LIKE)));
        assert_eq!(
            Family::of("GBKp-EUC-V"),
            Some(Family::Legacy(GBK, GBK_LIKE))
        );
        assert_eq!(
            Family::of("90msp-RKSJ-H"),
            Some(Family::Legacy(SHIFT_JIS, RKSJ))
        );
        assert_eq!(
            Family::of("ETen-B5-H"),
            Some(Family::Legacy(BIG5, GBK_LIKE))
        );
        assert_eq!(Family::of("UniJIS-UCS2-HW-H"), Some(Family::Ucs2));
        assert_eq!(Family::of("UniGB-UTF16-V"), Some(Family::Utf16));
        assert_eq!(Family::of("H"), Some(Family::RowCell(EUC_JP)));
        assert_eq!(Family::of("CNS-EUC-H"), None);
        let legacy = |name: &[u8]| Family::of_font_name(name);
        assert_eq!(
            legacy(b"\xcb\xce\xcc\xe5"),
            Some(Family::Legacy(GBK, GBK_LIKE))
        ); // 宋体
        assert_eq!(legacy(b"SimSun,Bold"), Some(Family::Legacy(GBK, GBK_LIKE)));
        assert_eq!(legacy(b"MS-PGothic"), Some(Family::Legacy(SHIFT_JIS, RKSJ)));
        assert_eq!(legacy(b"CenturyGothic"), None);
        assert_eq!(legacy(b"Helvetica"), None);
    }

    #[test]
    fn splits_mixed_width_codes() {
        // "A", then 你 (C4E3) in GBK; a lone lead byte at the end is dropped.
        let codes = split_codes(b"A\xC4\xE3\xC4", GBK_LIKE);
        assert_eq!(codes, vec![(0x41, 1), (0xC4E3, 2)]);
        // A GB18030 four-byte code (U+20AC is two-byte; 0x81308130 is U+0080).
        assert_eq!(
            split_codes(b"\x81\x30\x81\x30", GB2K),
            vec![(0x8130_8130, 4)]
        );
        // A UTF-16 surrogate pair stays one code.
        assert_eq!(
            split_codes(b"\xD8\x40\xDC\x0B", UTF16),
            vec![(0xD840_DC0B, 4)]
        );
    }

    #[test]
    fn decodes_codes_per_family() {
        let gbk = Family::of("GBK-EUC-H").unwrap();
        assert_eq!(gbk.decode(0xC4E3, 2).as_deref(), Some("你"));
        assert_eq!(gbk.decode(0x0A, 1), None);
        let sjis = Family::of("90ms-RKSJ-H").unwrap();
        assert_eq!(sjis.decode(0x82A0, 2).as_deref(), Some("あ"));
        assert_eq!(Family::Utf16.decode(0xD840_DC0B, 4).as_deref(), Some("𠀋"));
        assert_eq!(
            Family::of("H").unwrap().decode(0x2422, 2).as_deref(),
            Some("あ")
        );
    }

    #[test]
    fn measures_nesting() {
        assert_eq!(
            nesting_depth(b"1 beginbfrange <00> <01> [<0041> <0042>] endbfrange"),
            1
        );
        assert_eq!(nesting_depth(b"<< /A [ (a\\(b) ] >>"), 3);
        assert_eq!(nesting_depth(&[b'['; 1000]), 1000);
    }

    #[test]
    fn reads_unicode_glyph_names() {
        assert_eq!(glyph_name_text(b"uni4E2D").as_deref(), Some("中"));
        assert_eq!(
            glyph_name_text(b"uni4E2D4E2D.vert").as_deref(),
            Some("中中")
        );
        assert_eq!(glyph_name_text(b"u1F600").as_deref(), Some("😀"));
        assert_eq!(glyph_name_text(b"uniD800"), None);
        assert_eq!(glyph_name_text(b"union"), None);
        assert_eq!(glyph_name_text(b"A"), None);
    }

    #[test]
    fn encoding_cmap_reads_back_as_the_family_codespace() {
        let text = encoding_cmap(Family::of("GBK-EUC-H").unwrap());
        assert!(String::from_utf8_lossy(&text)
            .contains("3 begincodespacerange\n<00> <80>\n<FF> <FF>\n<8140> <FEFE>\n"));
        // What pdf-extract gets from it: each code its own CID, widths as declared.
        let mapping = adobe_cmap_parser::get_byte_mapping(&text).unwrap();
        let ranges: Vec<_> = mapping
            .codespace
            .iter()
            .map(|r| (r.start, r.end, r.width))
            .collect();
        assert_eq!(ranges, [(0, 0x80, 1), (0xFF, 0xFF, 1), (0x8140, 0xFEFE, 2)]);
        let cids: Vec<_> = mapping
            .cid
            .iter()
            .map(|r| (r.src_code_lo, r.src_code_hi, r.dst_CID_lo))
            .collect();
        assert_eq!(cids, [(0, 0x80, 0), (0xFF, 0xFF, 0), (0x8140, 0xFEFE, 0)]);
    }

    #[test]
    fn pdf_extract_reads_cmaps_with_provisio_s_reader() {
        // One adobe-cmap-parser in the build, and it is the path crate: a pdf-extract that
        // asked for another version would silently bring back the slow, panicking parser.
        let lock = include_str!("../../Cargo.lock");
        let entries: Vec<&str> = lock
            .split("[[package]]")
            .filter(|p| p.contains("name = \"adobe-cmap-parser\""))
            .collect();
        assert_eq!(entries.len(), 1, "{entries:?}");
        assert!(!entries[0].contains("source ="), "{}", entries[0]);
        // And it reads what the crates.io parser refused (a wrong count).
        let map = adobe_cmap_parser::get_unicode_map(b"9 beginbfchar <01> <0041> endbfchar");
        assert_eq!(
            map.unwrap().get(&1).map(Vec::as_slice),
            Some(&[0, b'A'][..])
        );
    }

    #[test]
    fn to_unicode_cmap_lists_codes_in_chunks() {
        let mut map = BTreeMap::new();
        map.insert((0xC4E3, 2), "你".to_string());
        map.insert((0x41, 1), "A".to_string());
        map.insert((0xD840_DC0B, 4), "𠀋".to_string());
        let text = String::from_utf8(to_unicode_cmap(&map)).unwrap();
        assert!(text.contains("3 beginbfchar\n<41> <0041>\n<C4E3> <4F60>\n<D840DC0B> <D840DC0B>\n"));
        let many: BTreeMap<_, _> = (0..250u32)
            .map(|c| ((0x4E00 + c, 2), "x".to_string()))
            .collect();
        let text = String::from_utf8(to_unicode_cmap(&many)).unwrap();
        assert_eq!(text.matches("beginbfchar").count(), 3);
        let read = adobe_cmap_parser::get_unicode_map(text.as_bytes()).unwrap();
        assert_eq!(read.len(), 250);
        assert_eq!(read[&0x4E00], [0, b'x']);
    }
}
