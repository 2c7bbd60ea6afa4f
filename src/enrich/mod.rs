//! Document-level enrichment: language, title, official-document metadata (发文字号, 发文机关,
//! 成文日期, 文种), regions, and (per passage) provisions.

pub mod metadata;
pub mod provisions;
pub mod region;

use crate::analysis::{fold_str, is_cjk};
use region::Region;

/// What enrichment learned about one document.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocFacts {
    pub title: Option<String>,
    pub docno: Option<String>,
    pub issuers: Vec<String>,
    /// `YYYY-MM-DD`.
    pub date: Option<String>,
    pub doctype: Option<String>,
    /// Facet paths with ancestors, most specific region last per branch:
    /// `/四川省`, `/四川省/成都市`.
    pub regions: Vec<String>,
}

/// Characters read from the start and the end of a long document for its metadata.
const HEAD_CHARS: usize = 60_000;
const TAIL_CHARS: usize = 4_000;

/// How many places a text without an issuer may be "about".
const MAX_TEXT_REGIONS: usize = 3;

/// Metadata of a document from its pages (and the title/date its format declared).
pub fn document_facts(
    pages: &[String],
    title_hint: Option<&str>,
    date_hint: Option<&str>,
    lang: &str,
) -> DocFacts {
    // Official metadata sits in the head and the signature block: a long document is read
    // from its first HEAD_CHARS and last TAIL_CHARS characters only.
    let mut text = String::new();
    for p in pages {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(p);
    }
    let chars = text.chars().count();
    if chars > HEAD_CHARS + TAIL_CHARS {
        let head: String = text.chars().take(HEAD_CHARS).collect();
        let tail: String = text.chars().skip(chars - TAIL_CHARS).collect();
        text = format!("{head}\n\n{tail}");
    }
    let folded = fold_str(&text);
    let meta = metadata::extract_meta(&folded, title_hint, date_hint, lang);
    // The lead issuer (listed first, 主办机关) places the document: a provincial notice
    // co-signed by 成都海关 is Sichuan's, not Chengdu's. Later issuers count only when the lead
    // has no region (a national body).
    let mut regions: Vec<Region> = meta
        .issuers
        .iter()
        .map(|i| region::regions_of_issuer(i))
        .find(|r| !r.is_empty())
        .unwrap_or_default();
    if regions.is_empty() {
        if let Some(t) = &meta.title {
            regions = region::regions_in_text(t)
                .into_iter()
                .map(|(r, _)| r)
                .collect();
        }
    }
    if regions.is_empty() && meta.issuers.is_empty() {
        // News and other texts without an issuer: the places the text is mostly about.
        let found = region::regions_in_text(&folded);
        let top = found.first().map_or(0, |(_, n)| *n);
        regions = found
            .into_iter()
            .filter(|(_, n)| *n * 3 >= top && *n >= 2)
            .take(MAX_TEXT_REGIONS)
            .map(|(r, _)| r)
            .collect();
    }
    DocFacts {
        title: meta.title,
        docno: meta.docno,
        issuers: meta.issuers,
        date: meta.date.map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
        doctype: meta.doctype,
        regions: region_paths(&regions),
    }
}

/// Facet paths for regions, each with its province ancestor, deduplicated and sorted.
pub fn region_paths(regions: &[Region]) -> Vec<String> {
    let mut out: Vec<String> = regions
        .iter()
        .flat_map(|r| {
            let province = Region {
                province: r.province,
                city: None,
            }
            .path();
            [Some(province), r.city.is_some().then(|| r.path())]
        })
        .flatten()
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Guess the main language of `text`: `zh`, `ja`, `ko`, `en`, or `und`.
pub fn detect_language(text: &str) -> &'static str {
    let (mut han, mut kana, mut hangul, mut latin) = (0usize, 0usize, 0usize, 0usize);
    for c in text.chars().take(20_000) {
        match c as u32 {
            0x3040..=0x30FF => kana += 1,
            0xAC00..=0xD7AF => hangul += 1,
            _ if is_cjk(c) => han += 1,
            _ if c.is_ascii_alphabetic() => latin += 1,
            _ => {}
        }
    }
    // One Han character carries about as much as a 3–4 letter word.
    let cjk = han + kana + hangul;
    if cjk * 4 >= latin && cjk > 0 {
        if kana * 10 > cjk {
            "ja"
        } else if hangul * 2 > cjk {
            "ko"
        } else {
            "zh"
        }
    } else if latin > 0 {
        "en"
    } else {
        "und"
    }
}

/// Endings of a Chinese official document's title (文种).
const DOC_TYPES: &[&str] = &[
    "通知",
    "意见",
    "办法",
    "实施细则",
    "细则",
    "方案",
    "决定",
    "公告",
    "通告",
    "条例",
    "规定",
    "措施",
    "若干措施",
    "规划",
    "纲要",
    "批复",
    "函",
    "报告",
    "要点",
    "指引",
    "公示",
];

/// A title from the text: the first line of the opening ones that reads like an official
/// title (`…关于…的通知`), else the first meaningful line; cut to 120 characters. A title
/// wrapped over two lines (`…关于推动` / `…的通知`) is joined.
pub fn title_from_text(text: &str) -> Option<String> {
    let lines: Vec<&str> = text
        .lines()
        .map(|l| l.trim().trim_start_matches('#').trim())
        .filter(|l| l.chars().filter(|c| c.is_alphanumeric()).count() >= 2)
        .take(12)
        .collect();
    let is_title_end = |l: &str| DOC_TYPES.iter().any(|t| l.ends_with(t));
    let official = lines.iter().enumerate().find_map(|(i, l)| {
        if !l.contains("关于") || l.chars().count() > 80 {
            return None;
        }
        if is_title_end(l) {
            return Some(l.to_string());
        }
        let next = lines.get(i + 1)?;
        (is_title_end(next) && next.chars().count() < 40).then(|| format!("{l}{next}"))
    });
    official
        .or_else(|| lines.first().map(|l| l.to_string()))
        .map(|l| l.chars().take(120).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages() {
        assert_eq!(detect_language("关于支持二手车出口的通知"), "zh");
        assert_eq!(
            detect_language("Exports of zero-mileage used cars rose"),
            "en"
        );
        assert_eq!(detect_language("中古車の輸出について"), "ja");
        assert_eq!(detect_language("12345"), "und");
        // A Chinese notice quoting a few English words stays Chinese.
        assert_eq!(
            detect_language("通过阿里巴巴国际站（Alibaba.com）开展出口业务"),
            "zh"
        );
    }
}
