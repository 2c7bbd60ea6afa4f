//! Pages → passages: articles (第X条), numbered items (一、 （一） 1. (1)), otherwise
//! paragraphs, each with its page and a citation label (`第三条`, `二、（一）`, `¶4`).

use once_cell::sync::Lazy;
use regex::Regex;
use serde::{Deserialize, Serialize};

/// Passages aim to stay under this many characters; longer text is split at sentence ends.
pub const MAX_PASSAGE_CHARS: usize = 1000;
/// Paragraphs shorter than this (titles, addressee lines) are merged with the next one.
const MIN_PARAGRAPH_CHARS: usize = 30;
/// Overlap kept when a run without any sentence end must be cut hard.
const HARD_SPLIT_OVERLAP: usize = 40;

/// One searchable unit of a document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Passage {
    /// 1-based page number.
    pub page: u32,
    /// Citation label: `第三条`, `一、（二）`, `1.`, `¶4`.
    pub label: String,
    /// Display text, as extracted (line breaks kept).
    pub text: String,
}

const CN_NUM: &str = "[一二三四五六七八九十百千零〇两]";

static ARTICLE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(r"^第\s*(?:{CN_NUM}+|\d+)\s*(条|章|节)")).expect("article regex")
});
static CN_ITEM: Lazy<Regex> =
    Lazy::new(|| Regex::new(&format!(r"^({CN_NUM}{{1,3}})\s*[、．.]")).expect("item regex"));
static CN_PAREN: Lazy<Regex> =
    Lazy::new(|| Regex::new(&format!(r"^[（(]\s*({CN_NUM}{{1,3}})\s*[）)]")).expect("paren regex"));
static NUM_ITEM: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^(\d{1,2})\s*[.．、]").expect("num item regex"));
static NUM_PAREN: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^[（(]\s*(\d{1,2})\s*[）)]").expect("num paren regex"));
static EN_ARTICLE: Lazy<Regex> =
    Lazy::new(|| Regex::new(r"^(?i)(article|section)\s+(\d{1,3})\b").expect("en article regex"));
static DATE_LINE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(
        r"^(?:\d{{4}}|[〇零一二三四五六七八九]{{4}})\s*年\s*(?:\d{{1,2}}|{CN_NUM}{{1,3}})\s*月\s*(?:\d{{1,2}}|{CN_NUM}{{1,3}})\s*日$"
    ))
    .expect("date regex")
});

/// Chinese numerals a marker may start with.
const CN_NUM_CHARS: &str = "一二三四五六七八九十百千零〇两";

/// Nesting level of a marker: smaller is outer.
fn marker(line: &str) -> Option<(u8, String)> {
    // Most lines start with none of the characters a marker starts with: skip the regexes
    // (captures run the slower engines; this was ~7% of indexing time).
    let first = line.chars().next()?;
    let may_start = first == '第'
        || first.is_ascii_digit()
        || matches!(first, '（' | '(' | 'a' | 'A' | 's' | 'S' | 'ſ')
        || CN_NUM_CHARS.contains(first);
    if !may_start {
        return None;
    }
    if let Some(m) = ARTICLE.captures(line) {
        let level = match &m[1] {
            "章" => 0,
            "节" => 1,
            _ => 2,
        };
        let label: String = m[0].chars().filter(|c| !c.is_whitespace()).collect();
        return Some((level, label));
    }
    if let Some(m) = EN_ARTICLE.captures(line) {
        return Some((2, format!("{} {}", &m[1], &m[2])));
    }
    let next_is_digit = |end: usize| {
        line[end..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    };
    if let Some(m) = CN_ITEM.captures(line) {
        return Some((3, format!("{}、", &m[1])));
    }
    if let Some(m) = CN_PAREN.captures(line) {
        return Some((4, format!("（{}）", &m[1])));
    }
    if let Some(m) = NUM_ITEM.captures(line) {
        // "1.5亿元" is a number, not an item.
        if !next_is_digit(m.get(0).map_or(0, |g| g.end())) {
            return Some((5, format!("{}.", &m[1])));
        }
    }
    if let Some(m) = NUM_PAREN.captures(line) {
        return Some((6, format!("({})", &m[1])));
    }
    None
}

fn is_signature_line(line: &str) -> bool {
    line.chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || "〇零一二三四五六七八九".contains(c))
        && DATE_LINE.is_match(line)
}

/// Incremental builder that turns lines into passages.
struct Builder {
    out: Vec<Passage>,
    stack: Vec<(u8, String)>,
    paragraph_no: u32,
    /// Current passage: page, label, text, whether it started at a marker.
    cur: Option<(u32, String, String, bool)>,
}

impl Builder {
    fn label(&self) -> Option<String> {
        let inner: String = self
            .stack
            .iter()
            .filter(|(l, _)| *l >= 2)
            .map(|(_, s)| s.as_str())
            .collect();
        if !inner.is_empty() {
            Some(inner)
        } else {
            self.stack.last().map(|(_, s)| s.clone())
        }
    }

    fn flush(&mut self) {
        if let Some((page, label, text, _)) = self.cur.take() {
            let text = text.trim().to_string();
            if text.is_empty() {
                return;
            }
            for piece in split_long(&text) {
                self.out.push(Passage {
                    page,
                    label: label.clone(),
                    text: piece,
                });
            }
        }
    }

    fn start(&mut self, page: u32, marked: bool) {
        self.flush();
        let label = if marked {
            self.label().unwrap_or_default()
        } else {
            self.paragraph_no += 1;
            format!("¶{}", self.paragraph_no)
        };
        self.cur = Some((page, label, String::new(), marked));
    }

    fn push_line(&mut self, line: &str) {
        if let Some((_, _, text, _)) = self.cur.as_mut() {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(line);
        }
    }

    fn cur_chars(&self) -> usize {
        self.cur.as_ref().map_or(0, |c| c.2.chars().count())
    }
}

/// Split pages into passages. `pages[0]` is page 1.
pub fn segment(pages: &[String]) -> Vec<Passage> {
    let mut b = Builder {
        out: Vec::new(),
        stack: Vec::new(),
        paragraph_no: 0,
        cur: None,
    };
    for (i, page_text) in pages.iter().enumerate() {
        let page = u32::try_from(i + 1).unwrap_or(u32::MAX);
        // A passage never spans pages: citations name one page.
        // Flush what the previous page left open (it keeps its own page); a marked passage
        // continues on this page under the same label.
        if let Some((_, label, _, marked)) = b.cur.clone() {
            b.flush();
            if marked {
                b.cur = Some((page, label, String::new(), true));
            }
        }
        let mut blank_before = true;
        for raw in page_text.lines() {
            let line = raw.trim_matches(|c: char| c.is_whitespace());
            if line.is_empty() {
                blank_before = true;
                // An unmarked paragraph ends at a blank line unless it is still tiny.
                if let Some((_, _, text, false)) = &b.cur {
                    if text.chars().count() >= MIN_PARAGRAPH_CHARS {
                        b.flush();
                    }
                }
                continue;
            }
            if let Some((level, label)) = marker(line) {
                while b.stack.last().is_some_and(|(l, _)| *l >= level) {
                    b.stack.pop();
                }
                b.stack.push((level, label));
                b.start(page, true);
            } else if is_signature_line(line) {
                // Dates and signature blocks close the numbered structure.
                b.stack.clear();
                b.start(page, false);
            } else {
                let marked = b.cur.as_ref().is_some_and(|c| c.3);
                // Count only after a blank line: counting the open passage on every line is
                // quadratic in a long run of lines without blank ones (fuzz/regressions/segment).
                let too_long =
                    blank_before && b.cur_chars() + line.chars().count() > MAX_PASSAGE_CHARS;
                if b.cur.is_none() || too_long {
                    b.start(page, marked && b.label().is_some());
                }
            }
            blank_before = false;
            b.push_line(line);
        }
    }
    b.flush();
    // A trailing marked passage that is empty (heading only) is dropped by flush; keep order.
    b.out
}

/// Split text longer than [`MAX_PASSAGE_CHARS`] at sentence ends; cut hard (with a small
/// overlap, so short phrases across the cut are still found) when there is none.
fn split_long(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= MAX_PASSAGE_CHARS {
        return vec![text.to_string()];
    }
    let mut pieces = Vec::new();
    let mut start = 0;
    while start < chars.len() {
        let remaining = chars.len() - start;
        if remaining <= MAX_PASSAGE_CHARS {
            pieces.push(chars[start..].iter().collect());
            break;
        }
        let window_end = start + MAX_PASSAGE_CHARS;
        // Last sentence end in the second half of the window.
        let cut = (start + MAX_PASSAGE_CHARS / 2..window_end)
            .rev()
            .find(|&i| {
                matches!(chars[i], '。' | '！' | '？' | '；' | '!' | '?' | ';' | '\n')
                    || (chars[i] == '.' && chars.get(i + 1).is_some_and(|c| c.is_whitespace()))
            });
        match cut {
            Some(i) => {
                pieces.push(
                    chars[start..=i]
                        .iter()
                        .collect::<String>()
                        .trim()
                        .to_string(),
                );
                start = i + 1;
            }
            None => {
                pieces.push(chars[start..window_end].iter().collect());
                start = window_end - HARD_SPLIT_OVERLAP;
            }
        }
    }
    pieces.retain(|p: &String| !p.trim().is_empty());
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn articles_items_and_paragraphs_get_labels() {
        let page1 = "苏州市商务局关于支持二手车出口的若干措施\n\n各区商务局：\n\n为支持二手车出口，现将有关事项通知如下，请认真贯彻落实并抓好执行。\n\n第一条 总体要求。坚持市场导向。\n第二条 支持措施。\n（一）对企业给予补贴。\n（二）提供免费仓储服务。\n第三条 本办法自发布之日起施行。\n\n苏州市商务局\n2023年6月8日";
        let ps = segment(&[page1.to_string()]);
        let labels: Vec<_> = ps.iter().map(|p| p.label.as_str()).collect();
        assert!(labels.contains(&"第一条"), "{labels:?}");
        assert!(labels.contains(&"第二条（一）"), "{labels:?}");
        assert!(labels.contains(&"第二条（二）"), "{labels:?}");
        assert!(labels.contains(&"第三条"), "{labels:?}");
        let free = ps.iter().find(|p| p.text.contains("免费仓储")).unwrap();
        assert_eq!(free.label, "第二条（二）");
        let date = ps.iter().find(|p| p.text.contains("2023年6月8日")).unwrap();
        assert!(date.label.starts_with('¶'), "{}", date.label);
    }

    #[test]
    fn pages_are_kept() {
        let ps = segment(&["第一条 甲方。".into(), "第二条 乙方提供免费仓储。".into()]);
        assert_eq!(ps.len(), 2);
        assert_eq!((ps[0].page, ps[0].label.as_str()), (1, "第一条"));
        assert_eq!((ps[1].page, ps[1].label.as_str()), (2, "第二条"));
        // An article running over a page break is cited on both pages under its label.
        let ps = segment(&[
            "第一条 甲方。\n\n第二条 乙方应当".into(),
            "提供免费仓储。\n第三条 其他。".into(),
        ]);
        let cited: Vec<_> = ps.iter().map(|p| (p.page, p.label.as_str())).collect();
        assert_eq!(
            cited,
            vec![(1, "第一条"), (1, "第二条"), (2, "第二条"), (2, "第三条")]
        );
        // A plain paragraph at the end of a page stays on that page.
        let ps = segment(&[
            "一段没有编号的文字，位于第一页末尾。".into(),
            "第二页的文字。".into(),
        ]);
        assert_eq!(ps[0].page, 1);
    }

    #[test]
    fn numbers_are_not_items() {
        assert!(marker("1.5亿元用于补贴").is_none());
        assert_eq!(marker("1. 加快退税").map(|m| m.1), Some("1.".into()));
        assert_eq!(marker("(3) 其他").map(|m| m.1), Some("(3)".into()));
        assert_eq!(marker("二、支持措施").map(|m| m.1), Some("二、".into()));
    }

    #[test]
    fn long_text_is_split_under_the_limit() {
        let sentence = "对符合条件的企业给予出口退税支持。".repeat(200);
        let ps = segment(&[sentence]);
        assert!(ps.len() > 1);
        assert!(ps
            .iter()
            .all(|p| p.text.chars().count() <= MAX_PASSAGE_CHARS));
        let run = "出口".repeat(1500);
        let ps = segment(&[run]);
        assert!(ps
            .iter()
            .all(|p| p.text.chars().count() <= MAX_PASSAGE_CHARS));
    }

    /// fuzz/regressions/segment: lines with no blank line between them (a CSV-like .txt) were
    /// counted again on every line: quadratic, 45 s for this input before the fix.
    #[test]
    fn many_lines_without_blank_lines_are_linear() {
        for text in [
            "x\n".repeat(500_000),
            format!("第一条 总则\n{}", "对企业给予补贴\n".repeat(100_000)),
        ] {
            let ps = segment(&[text]);
            assert!(ps.len() > 100);
            assert!(ps
                .iter()
                .all(|p| p.text.chars().count() <= MAX_PASSAGE_CHARS));
        }
    }
}
