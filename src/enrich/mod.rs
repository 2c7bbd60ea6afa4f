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

/// A title from the first meaningful line of the text, cut to 120 characters.
pub fn title_from_text(text: &str) -> Option<String> {
    text.lines()
        .map(|l| l.trim().trim_start_matches('#').trim())
        .find(|l| l.chars().filter(|c| c.is_alphanumeric()).count() >= 2)
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
