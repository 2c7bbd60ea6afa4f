//! Text-layer quality and the clean-up of Tesseract's Chinese output.

use crate::extract::pdf::scan::PageScan;

/// Non-blank characters of `text`, and whether most of them are junk (replacement,
/// private-use, control characters, Latin-1 symbols): the mark of a broken font map.
pub fn text_quality(text: &str) -> (usize, bool) {
    let (mut n, mut bad) = (0usize, 0usize);
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        n += 1;
        let junk = c == '\u{FFFD}'
            || c.is_control()
            || ('\u{E000}'..='\u{F8FF}').contains(&c)
            || ('\u{80}'..='\u{BF}').contains(&c);
        bad += usize::from(junk);
    }
    (n, n > 0 && bad * 2 > n)
}

/// Characters from which a clean text layer is taken as it is, whatever the page draws.
const RICH_PAGE_CHARS: usize = 200;

/// Is the text layer junk or thin enough that what the page draws must be looked at?
pub fn is_poor(text: &str) -> bool {
    let (chars, garbage) = text_quality(text);
    garbage || chars < RICH_PAGE_CHARS
}

/// Does a page with this text and this drawing need OCR?
pub fn page_needs_ocr(text: &str, scan: &PageScan) -> bool {
    let (chars, garbage) = text_quality(text);
    if garbage {
        return true;
    }
    if chars >= RICH_PAGE_CHARS {
        return false;
    }
    let mostly_image = scan.image_coverage >= 0.3;
    // Glyphs drawn but no text extracted: a font without a usable Unicode map. (Some text
    // means the map works: a short last page is not a scan.)
    let unmapped = chars == 0 && scan.text_ops >= 1;
    let drawn = scan.image_coverage >= 0.05 || scan.path_ops >= 500;
    mostly_image || unmapped || (chars < 20 && drawn)
}

/// Tesseract's Chinese output separates characters with spaces (`关 于 支 持`) and numbers
/// from characters (`2024 年 3 月`). Remove spaces that touch a CJK character on one side and
/// a CJK character, digit or punctuation on the other; keep those between Latin words.
pub fn clean_ocr_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split('\n') {
        let chars: Vec<char> = line.trim_end().chars().filter(|&c| c != '\u{0C}').collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == ' ' || c == '\u{3000}' {
                let end = chars[i..]
                    .iter()
                    .position(|&c| c != ' ' && c != '\u{3000}')
                    .map_or(chars.len(), |p| i + p);
                let before = out.chars().next_back();
                let after = chars.get(end).copied();
                let joins = match (before, after) {
                    (Some(a), Some(b)) => {
                        (is_cjk(a) && (is_cjk(b) || is_tight(b))) || (is_cjk(b) && is_tight(a))
                    }
                    _ => false,
                };
                if !joins && before.is_some() && after.is_some() {
                    out.push(' ');
                }
                i = end;
                continue;
            }
            out.push(c);
            i += 1;
        }
        out.push('\n');
    }
    let trimmed = out.trim_end().len();
    out.truncate(trimmed);
    out
}

fn is_tight(c: char) -> bool {
    c.is_ascii_digit() || c.is_ascii_punctuation()
}

fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3000}'..='\u{303F}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FF00}'..='\u{FFEF}'
        | '\u{20000}'..='\u{3134F}')
}
