//! Document-level enrichment: language and a title when the format gave none. (Official
//! document metadata, regions and provisions come in a later step.)

use crate::analysis::is_cjk;

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
