//! CMap reading for pdf-extract, written for provisio and patched in place of the crates.io
//! `adobe-cmap-parser` 0.4 (see the root `Cargo.toml`). Same entry points and types, different
//! insides:
//!
//! - **Speed.** pdf-extract rebuilds every font on every page, so a document's `/ToUnicode`
//!   CMaps are read once per page that uses them. The crates.io version parses with `pom`
//!   combinators that format an error message for each alternative they reject; on the
//!   benchmark's PDFs that was ~44% of all extraction CPU. This one is a single pass over
//!   the bytes with no backtracking and one allocation per string.
//! - **Tolerance.** It never fails and never panics. The operand counts before `begin…`
//!   operators are often wrong in real files, so entries are read up to the matching `end…`
//!   instead; malformed entries are skipped (a stray operand does not shift the ones after
//!   it), odd-length hex strings padded with 0 (as the PDF spec says), each range clipped to
//!   65,536 codes and all of a CMap's ranges to 2²⁰. Destinations that pdf-extract would panic
//!   on (odd byte counts, invalid UTF-16) are not returned.
//! - **Correct byte mappings.** A codespace range's width is the byte length of its bounds,
//!   and every entry of a `begincidrange` block is read (the crates.io version halves the
//!   width and mis-steps after the first entry); `begincidchar` entries are read too. CID
//!   offsets are reported as 0, for pdf-extract's sake (see [`get_byte_mapping`]).

use std::collections::HashMap;

/// Codes `start..=end` that are `width` bytes long.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeRange {
    pub width: u32,
    pub start: u32,
    pub end: u32,
}

/// Codes `src_code_lo..=src_code_hi` map to CIDs from `dst_CID_lo` on (pdf-extract spells it).
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(non_snake_case)]
pub struct CIDRange {
    pub src_code_lo: u32,
    pub src_code_hi: u32,
    pub dst_CID_lo: u32,
}

/// What an encoding CMap says: how to split bytes into codes, and codes into CIDs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ByteMapping {
    pub codespace: Vec<CodeRange>,
    pub cid: Vec<CIDRange>,
}

/// Most codes one range entry may expand to (a hostile `<00000000> <FFFFFFFF>` would
/// otherwise ask for four billion map entries).
const MAX_RANGE: u32 = 0x1_0000;
/// Most codes all the ranges of one CMap may expand to together (pdf-extract reads a font's
/// CMap on every page that uses it, so a stream of many full ranges costs that much per page).
const MAX_EXPANDED: usize = 1 << 20;
/// Most codespace and CID ranges kept from one CMap (pdf-extract scans them all for every
/// character; real CMaps have a handful of codespaces and a few thousand CID ranges at most).
const MAX_CODESPACES: usize = 256;
const MAX_CID_RANGES: usize = 1 << 16;

/// Codes to Unicode of a `/ToUnicode` CMap (`bfchar` and `bfrange`), each value UTF-16BE.
///
/// Always `Ok`: what cannot be read is left out. The `Result` keeps the signature
/// pdf-extract calls.
pub fn get_unicode_map(input: &[u8]) -> Result<HashMap<u32, Vec<u8>>, &'static str> {
    let mut map = HashMap::new();
    let mut budget = MAX_EXPANDED;
    for_each_block(input, |block, operands| match block {
        b"bfchar" => {
            let pairs = entries(operands, 2, |e| match e {
                [Operand::Bytes(code), Operand::Bytes(text)] => Some((code, text)),
                _ => None,
            });
            for (code, text) in pairs {
                if let (Some(code), Some(text)) = (code_of(code), utf16(text)) {
                    map.insert(code, text);
                }
            }
        }
        b"bfrange" => {
            let ranges = entries(operands, 3, |e| match e {
                [Operand::Bytes(lo), Operand::Bytes(hi), first @ (Operand::Bytes(_) | Operand::Array(_))] => {
                    Some((lo, hi, first))
                }
                _ => None,
            });
            for (lo, hi, first) in ranges {
                let (Some(lo), Some(hi)) = (code_of(lo), code_of(hi)) else {
                    continue;
                };
                if lo > hi || budget == 0 {
                    continue;
                }
                let n = (hi - lo).min(MAX_RANGE - 1).min(budget as u32 - 1);
                budget -= n as usize + 1;
                let hi = lo + n;
                match first {
                    Operand::Bytes(text) => {
                        let Some(text) = utf16(text) else { continue };
                        for (step, code) in (lo..=hi).enumerate() {
                            if let Some(text) = utf16(&advanced(&text, step)) {
                                map.insert(code, text);
                            }
                        }
                    }
                    Operand::Array(texts) => {
                        for (code, text) in (lo..=hi).zip(texts) {
                            if let Some(text) = utf16(text) {
                                map.insert(code, text);
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        _ => {}
    });
    Ok(map)
}

/// Codespace and CID ranges of an encoding CMap (`codespacerange`, `cidrange`, `cidchar`).
///
/// Every range is reported with `dst_CID_lo` 0, whatever CID the CMap gives it: pdf-extract
/// adds `dst_CID_lo` to a code and uses the sum both to look up the font's ToUnicode map, which
/// is keyed by *code*, and its widths, keyed by CID. Reporting 0 keeps the text right (the
/// widths are right too wherever codes are CIDs, as in every identity range). The ranges
/// still say which codes the CMap maps.
///
/// Always `Ok`, like [`get_unicode_map`].
pub fn get_byte_mapping(input: &[u8]) -> Result<ByteMapping, &'static str> {
    let mut mapping = ByteMapping::default();
    let valid_cid = |n: &i64| u32::try_from(*n).is_ok();
    for_each_block(input, |block, operands| match block {
        b"codespacerange" => {
            let pairs = entries(operands, 2, |e| match e {
                [Operand::Bytes(lo), Operand::Bytes(hi)] => Some((lo, hi)),
                _ => None,
            });
            for (lo, hi) in pairs {
                if let (Some(start), Some(end)) = (code_of(lo), code_of(hi)) {
                    if lo.len() == hi.len()
                        && start <= end
                        && mapping.codespace.len() < MAX_CODESPACES
                    {
                        let width = lo.len() as u32;
                        mapping.codespace.push(CodeRange { width, start, end });
                    }
                }
            }
        }
        b"cidrange" => {
            let ranges = entries(operands, 3, |e| match e {
                [Operand::Bytes(lo), Operand::Bytes(hi), Operand::Int(n)] => Some((lo, hi, n)),
                _ => None,
            });
            for (lo, hi, n) in ranges {
                if let (Some(lo), Some(hi), true) = (code_of(lo), code_of(hi), valid_cid(n)) {
                    if lo <= hi && mapping.cid.len() < MAX_CID_RANGES {
                        mapping.cid.push(code_range(lo, hi));
                    }
                }
            }
        }
        b"cidchar" => {
            let pairs = entries(operands, 2, |e| match e {
                [Operand::Bytes(code), Operand::Int(n)] => Some((code, n)),
                _ => None,
            });
            for (code, n) in pairs {
                if let (Some(code), true) = (code_of(code), valid_cid(n)) {
                    if mapping.cid.len() < MAX_CID_RANGES {
                        mapping.cid.push(code_range(code, code));
                    }
                }
            }
        }
        _ => {}
    });
    Ok(mapping)
}

/// The entries of a block: runs of `n` operands that `shape` accepts (and turns into the
/// entry's parts). Where the operands do not fit (one missing, one of the wrong kind), reading
/// moves on by one operand and finds the next entry that does, instead of pairing every later
/// operand wrongly.
fn entries<'a, T>(
    operands: &'a [Operand],
    n: usize,
    shape: impl Fn(&'a [Operand]) -> Option<T> + 'a,
) -> impl Iterator<Item = T> + 'a {
    let mut at = 0;
    std::iter::from_fn(move || {
        while at + n <= operands.len() {
            if let Some(entry) = shape(&operands[at..at + n]) {
                at += n;
                return Some(entry);
            }
            at += 1;
        }
        None
    })
}

/// Calls `read` with each `begin<name> … end<name>` block's name and operands. The operand
/// count written before `begin<name>` is ignored: real files get it wrong.
fn for_each_block(input: &[u8], mut read: impl FnMut(&[u8], &[Operand])) {
    let mut lexer = Lexer::new(input);
    while let Some(token) = lexer.next_token() {
        if let Token::Keyword(word) = token {
            if let Some(name) = word.strip_prefix(b"begin") {
                let mut end = b"end".to_vec();
                end.extend_from_slice(name);
                // Names, reals and brackets never belong to an entry: a stray one is dropped
                // rather than shifting the pairing of the rest of the block.
                let mut operands = lexer.operands(&end);
                operands.retain(|o| !matches!(o, Operand::Other));
                read(name, &operands);
            }
        }
    }
}

/// Codes `src_code_lo..=src_code_hi` as pdf-extract should see them (see
/// [`get_byte_mapping`]).
fn code_range(src_code_lo: u32, src_code_hi: u32) -> CIDRange {
    CIDRange {
        src_code_lo,
        src_code_hi,
        dst_CID_lo: 0,
    }
}

/// A code's value from its bytes (big-endian, 1 to 4 of them).
fn code_of(bytes: &[u8]) -> Option<u32> {
    (1..=4).contains(&bytes.len()).then(|| {
        bytes
            .iter()
            .fold(0u32, |code, &b| (code << 8) | u32::from(b))
    })
}

/// A destination as pdf-extract can take it: whole UTF-16 units (a lone byte is read as the
/// low byte of one unit) that decode without error.
fn utf16(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut bytes = bytes.to_vec();
    if bytes.len() % 2 == 1 {
        bytes.insert(0, 0);
    }
    let units = bytes
        .chunks_exact(2)
        .map(|u| u16::from_be_bytes([u[0], u[1]]));
    char::decode_utf16(units)
        .all(|c| c.is_ok())
        .then_some(bytes)
}

/// The destination of the code `step` places after a `bfrange`'s first: its last UTF-16 unit
/// advanced by `step` (within that unit).
fn advanced(first: &[u8], step: usize) -> Vec<u8> {
    let mut text = first.to_vec();
    let n = text.len();
    if n >= 2 {
        let last = u16::from_be_bytes([text[n - 2], text[n - 1]]).wrapping_add(step as u16);
        text[n - 2..].copy_from_slice(&last.to_be_bytes());
    }
    text
}

#[derive(Debug, PartialEq)]
enum Token<'a> {
    Int(i64),
    /// A hex or literal string, decoded.
    Bytes(Vec<u8>),
    ArrayStart,
    ArrayEnd,
    /// An executable name (`beginbfchar`, `def`, …).
    Keyword(&'a [u8]),
    /// Anything the readers skip: names, reals, dictionary and procedure brackets.
    Other,
}

/// An operand gathered between `begin…` and `end…`.
#[derive(Debug, PartialEq)]
enum Operand {
    Int(i64),
    Bytes(Vec<u8>),
    /// An array of strings (`bfrange` destinations).
    Array(Vec<Vec<u8>>),
    Other,
}

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'\x0C' | b'\0')
}

fn is_delimiter(b: u8) -> bool {
    matches!(
        b,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// PostScript-style tokens of a CMap, one pass, no recursion.
struct Lexer<'a> {
    input: &'a [u8],
    at: usize,
    /// A keyword read past the end of an operand list, to hand out next.
    pending: Option<&'a [u8]>,
}

impl<'a> Lexer<'a> {
    fn new(input: &'a [u8]) -> Self {
        Lexer {
            input,
            at: 0,
            pending: None,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.input.get(self.at).copied()
    }

    fn next_token(&mut self) -> Option<Token<'a>> {
        if let Some(word) = self.pending.take() {
            return Some(Token::Keyword(word));
        }
        loop {
            let b = self.peek()?;
            if is_space(b) {
                self.at += 1;
            } else if b == b'%' {
                while self.peek().is_some_and(|b| b != b'\n' && b != b'\r') {
                    self.at += 1;
                }
            } else {
                break;
            }
        }
        let b = self.peek()?;
        self.at += 1;
        Some(match b {
            b'[' => Token::ArrayStart,
            b']' => Token::ArrayEnd,
            b'<' if self.peek() == Some(b'<') => {
                self.at += 1;
                Token::Other
            }
            b'<' => Token::Bytes(self.hex_string()),
            b'>' => {
                if self.peek() == Some(b'>') {
                    self.at += 1;
                }
                Token::Other
            }
            b'(' => Token::Bytes(self.literal_string()),
            b')' | b'{' | b'}' => Token::Other,
            b'/' => {
                self.regular();
                Token::Other
            }
            _ => {
                self.at -= 1;
                let word = self.regular();
                match parse_int(word) {
                    Some(n) => Token::Int(n),
                    None if word
                        .iter()
                        .all(|b| b.is_ascii_alphabetic() || b"*'\"".contains(b)) =>
                    {
                        Token::Keyword(word)
                    }
                    None => Token::Other,
                }
            }
        })
    }

    /// The run of regular characters from here.
    fn regular(&mut self) -> &'a [u8] {
        let start = self.at;
        while self
            .peek()
            .is_some_and(|b| !is_space(b) && !is_delimiter(b))
        {
            self.at += 1;
        }
        &self.input[start..self.at]
    }

    /// After `<`: hex digits up to `>` (other characters skipped, a trailing odd digit
    /// padded with 0).
    fn hex_string(&mut self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(4);
        let mut high: Option<u8> = None;
        while let Some(b) = self.peek() {
            self.at += 1;
            if b == b'>' {
                break;
            }
            if let Some(v) = hex_value(b) {
                match high.take() {
                    Some(h) => bytes.push((h << 4) | v),
                    None => high = Some(v),
                }
            }
        }
        if let Some(h) = high {
            bytes.push(h << 4);
        }
        bytes
    }

    /// After `(`: the string's bytes, balanced parentheses and escapes as in PDF.
    fn literal_string(&mut self) -> Vec<u8> {
        let mut bytes = Vec::new();
        let mut depth = 0usize;
        while let Some(b) = self.peek() {
            self.at += 1;
            match b {
                b'(' => {
                    depth += 1;
                    bytes.push(b);
                }
                b')' if depth == 0 => break,
                b')' => {
                    depth -= 1;
                    bytes.push(b);
                }
                b'\\' => {
                    let Some(e) = self.peek() else { break };
                    self.at += 1;
                    match e {
                        b'n' => bytes.push(b'\n'),
                        b'r' => bytes.push(b'\r'),
                        b't' => bytes.push(b'\t'),
                        b'b' => bytes.push(0x08),
                        b'f' => bytes.push(0x0C),
                        b'0'..=b'7' => {
                            let mut v = u32::from(e - b'0');
                            for _ in 0..2 {
                                match self.peek() {
                                    Some(d @ b'0'..=b'7') => {
                                        v = v * 8 + u32::from(d - b'0');
                                        self.at += 1;
                                    }
                                    _ => break,
                                }
                            }
                            bytes.push(v as u8);
                        }
                        b'\r' => {
                            if self.peek() == Some(b'\n') {
                                self.at += 1;
                            }
                        }
                        b'\n' => {}
                        other => bytes.push(other),
                    }
                }
                _ => bytes.push(b),
            }
        }
        bytes
    }

    /// Operands up to the keyword `end` (consumed) or any other keyword (left for the
    /// caller: a block that was never closed).
    fn operands(&mut self, end: &[u8]) -> Vec<Operand> {
        let mut out = Vec::new();
        while let Some(token) = self.next_token() {
            match token {
                Token::Keyword(word) => {
                    if word != end {
                        self.pending = Some(word);
                    }
                    break;
                }
                Token::Int(n) => out.push(Operand::Int(n)),
                Token::Bytes(b) => out.push(Operand::Bytes(b)),
                Token::ArrayStart => out.push(self.array()),
                Token::ArrayEnd | Token::Other => out.push(Operand::Other),
            }
        }
        out
    }

    /// After `[`: an array of strings; anything else inside makes it unusable.
    fn array(&mut self) -> Operand {
        let mut items = Vec::new();
        let mut usable = true;
        let mut depth = 0usize;
        while let Some(token) = self.next_token() {
            match token {
                Token::ArrayEnd if depth == 0 => break,
                Token::ArrayEnd => depth -= 1,
                Token::ArrayStart => {
                    depth += 1;
                    usable = false;
                }
                Token::Bytes(b) if depth == 0 => items.push(b),
                Token::Keyword(word) => {
                    // A keyword never belongs in a destination array: the array was not
                    // closed. Leave the keyword for the caller.
                    self.pending = Some(word);
                    usable = false;
                    break;
                }
                _ => usable = false,
            }
        }
        if usable {
            Operand::Array(items)
        } else {
            Operand::Other
        }
    }
}

/// An integer token (`12`, `-3`, `+7`), if the word is one.
fn parse_int(word: &[u8]) -> Option<i64> {
    let digits = word
        .strip_prefix(b"-")
        .or_else(|| word.strip_prefix(b"+"))
        .unwrap_or(word);
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    std::str::from_utf8(word).ok()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CAIRO_STYLE: &[u8] = b"%!PS-Adobe-3.0 Resource-CMap
/CIDInit /ProcSet findresource begin
12 dict begin
begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def
/CMapType 2 def
1 begincodespacerange
<0000> <ffff>
endcodespacerange
3 beginbfchar
<0001> <51fa>
<0002> <53e3>
<0003> <D840DC0B>
endbfchar
2 beginbfrange
<0010> <0012> <9000>
<0020> <0021> [<0066006C> <0041>]
endbfrange
endcmap
CMapName currentdict /CMap defineresource pop
end
end
";

    fn text(map: &HashMap<u32, Vec<u8>>, code: u32) -> Option<String> {
        let units: Vec<u16> = map
            .get(&code)?
            .chunks_exact(2)
            .map(|u| u16::from_be_bytes([u[0], u[1]]))
            .collect();
        String::from_utf16(&units).ok()
    }

    #[test]
    fn reads_bfchar_and_both_bfrange_forms() {
        let map = get_unicode_map(CAIRO_STYLE).unwrap();
        assert_eq!(text(&map, 1).as_deref(), Some("出"));
        assert_eq!(text(&map, 2).as_deref(), Some("口"));
        assert_eq!(text(&map, 3).as_deref(), Some("𠀋"));
        assert_eq!(text(&map, 0x10).as_deref(), Some("退"));
        assert_eq!(text(&map, 0x12).as_deref(), Some("适"));
        assert_eq!(text(&map, 0x20).as_deref(), Some("fl"));
        assert_eq!(text(&map, 0x21).as_deref(), Some("A"));
        assert_eq!(map.len(), 8);
    }

    #[test]
    fn wrong_counts_and_junk_lose_only_the_bad_entries() {
        // The count says 5 but there are 2 entries; a string with an odd number of hex digits;
        // a lone surrogate; a comment in the middle; a block that is never closed.
        let input = b"5 beginbfchar\n<01> <0041> % a comment <02> <0042>\n<03> <004>\nendbfchar\n\
            1 beginbfchar <04> <D800> <05> (\\000C) endbfchar\n\
            1 beginbfrange <10> <11> <0061> endbfrange\n\
            1 beginbfchar <06> <0044>";
        let map = get_unicode_map(input).unwrap();
        assert_eq!(text(&map, 1).as_deref(), Some("A"));
        assert_eq!(map.get(&2), None, "inside the comment");
        assert_eq!(text(&map, 3).as_deref(), Some("@"), "<004> reads as <0040>");
        assert_eq!(map.get(&4), None, "lone surrogate");
        assert_eq!(
            text(&map, 5).as_deref(),
            Some("C"),
            "literal string destination"
        );
        assert_eq!(text(&map, 0x11).as_deref(), Some("b"));
        assert_eq!(
            text(&map, 6).as_deref(),
            Some("D"),
            "unclosed block at the end"
        );
    }

    #[test]
    fn stray_operands_do_not_shift_later_entries() {
        let text_of = |input: &[u8], code| text(&get_unicode_map(input).unwrap(), code);
        // A stray name between a code and its text, a real number between entries.
        let input = b"beginbfchar <01> /junk <0041> 1.5 <02> <0042> endbfchar";
        assert_eq!(text_of(input, 1).as_deref(), Some("A"));
        assert_eq!(text_of(input, 2).as_deref(), Some("B"));
        // A bfrange entry with a number where its text should be is skipped, not paired on.
        let input = b"beginbfrange <10> <11> 7 <20> <21> <0061> endbfrange";
        let map = get_unicode_map(input).unwrap();
        assert_eq!(text(&map, 0x21).as_deref(), Some("b"));
        assert_eq!(map.len(), 2);
    }

    #[test]
    fn expansion_has_a_budget_per_cmap() {
        // 32 full ranges of 3-byte codes would be two million codes.
        let mut input = b"beginbfrange\n".to_vec();
        for hi in 0..32u8 {
            input.extend_from_slice(format!("<{hi:02X}0000> <{hi:02X}FFFF> <4E00>\n").as_bytes());
        }
        input.extend_from_slice(b"endbfrange");
        let map = get_unicode_map(&input).unwrap();
        assert!(map.len() <= MAX_EXPANDED, "{}", map.len());
        assert!(map.len() > MAX_EXPANDED / 2, "{}", map.len());
    }

    #[test]
    fn hostile_input_is_bounded_and_never_panics() {
        let huge =
            get_unicode_map(b"1 beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange").unwrap();
        // Clipped to MAX_RANGE codes, less those whose text would land on a surrogate.
        assert_eq!(huge.len(), MAX_RANGE as usize - 0x800);
        for input in [
            &b"beginbfchar"[..],
            b"beginbfrange <01> <02> [",
            b"beginbfrange <01> <02> [[[[[[[[<0041>",
            b"((((((((((((((((((((((((((((",
            b"<<<<<<<<<<<<<<<<<<<<<<<<<<<<",
            b"beginbfchar <0102030405> <0041> endbfchar",
            b"1 begincidrange <00> <FF> -4 endcidrange",
            b"\\",
            b"",
        ] {
            let map = get_unicode_map(input).unwrap();
            assert!(map.len() <= 1, "{:?}", String::from_utf8_lossy(input));
            get_byte_mapping(input).unwrap();
        }
    }

    #[test]
    fn byte_mapping_widths_and_every_cid_entry() {
        let input =
            b"3 begincodespacerange\n<00> <80>\n<FF> <FF>\n<8140> <FEFE>\nendcodespacerange\n\
            2 begincidrange\n<00> <80> 0\n<8140> <FEFE> 100\nendcidrange\n\
            1 begincidchar\n<FF> 7\nendcidchar\n";
        let mapping = get_byte_mapping(input).unwrap();
        assert_eq!(
            mapping.codespace,
            vec![
                CodeRange {
                    width: 1,
                    start: 0,
                    end: 0x80
                },
                CodeRange {
                    width: 1,
                    start: 0xFF,
                    end: 0xFF
                },
                CodeRange {
                    width: 2,
                    start: 0x8140,
                    end: 0xFEFE
                },
            ]
        );
        assert_eq!(
            mapping.cid,
            vec![
                // Offsets are reported as 0: see get_byte_mapping.
                code_range(0, 0x80),
                code_range(0x8140, 0xFEFE),
                code_range(0xFF, 0xFF),
            ]
        );
    }

    use proptest::strategy::Strategy;

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            cases: 2000,
            failure_persistence: None,
            ..Default::default()
        })]

        /// Never a panic, whatever the bytes: CMap-like fragments shuffled with junk.
        #[test]
        fn any_input_is_read_without_panicking(parts in proptest::collection::vec(
            proptest::prop_oneof![
                proptest::sample::select(vec![
                    "beginbfchar", "endbfchar", "beginbfrange", "endbfrange",
                    "begincodespacerange", "endcodespacerange", "begincidrange",
                    "endcidrange", "begincidchar", "endcidchar", "[", "]", "<<", ">>",
                    "<", ">", "(", ")", "\\", "%", "\n", " ", "/Name", "-1", "65535",
                    "<0000>", "<FFFF>", "<D800>", "<DC00>", "<00000000>", "<FFFFFFFF>",
                    "<0102030405>", "<4E2D>", "<0>", "<>",
                ]).prop_map(|s| s.as_bytes().to_vec()),
                proptest::collection::vec(proptest::num::u8::ANY, 0..8),
            ],
            0..40,
        )) {
            let input: Vec<u8> = parts.concat();
            let map = get_unicode_map(&input).unwrap();
            for text in map.values() {
                proptest::prop_assert!(text.len() % 2 == 0);
            }
            let mapping = get_byte_mapping(&input).unwrap();
            for r in &mapping.codespace {
                proptest::prop_assert!((1..=4).contains(&r.width) && r.start <= r.end);
            }
        }
    }

    #[test]
    fn lexer_tokens() {
        let mut lexer = Lexer::new(b"/Name 12 -3 1.5 <4e 2D> (a\\(b\\)\\101) [ ] << >> def");
        let mut tokens = Vec::new();
        while let Some(t) = lexer.next_token() {
            tokens.push(t);
        }
        assert_eq!(
            tokens,
            vec![
                Token::Other,
                Token::Int(12),
                Token::Int(-3),
                Token::Other,
                Token::Bytes(vec![0x4E, 0x2D]),
                Token::Bytes(b"a(b)A".to_vec()),
                Token::ArrayStart,
                Token::ArrayEnd,
                Token::Other,
                Token::Other,
                Token::Keyword(b"def"),
            ]
        );
    }
}
