//! Character-level normalisation for search: full-width ASCII, compatibility ideographs,
//! Kangxi/supplement radicals, Traditional → Simplified folding. Display text is never changed;
//! the tokenizer applies [`fold_char`] on the fly and keeps offsets into the original text.

use once_cell::sync::Lazy;
use std::collections::HashMap;
use unicode_normalization::UnicodeNormalization;

/// Traditional → Simplified single-character folding table, built once from zhconv's
/// Traditional→Simplified table (only one-character to one-character entries: folding must be
/// per character so that offsets map back to the display text).
/// Traditional → Simplified, one character to one (zhconv's table). Ideographs of the
/// BMP blocks (U+3400–U+9FFF, nearly every character of real text) look up a dense
/// table; the supplementary planes a hash map. A hash lookup per Han character cost
/// ~5% of indexing.
struct T2sTable {
    bmp: Box<[char]>,
    other: HashMap<char, char>,
}

const BMP_HAN: std::ops::RangeInclusive<u32> = 0x3400..=0x9FFF;

impl T2sTable {
    fn get(&self, c: char) -> char {
        let cp = c as u32;
        if BMP_HAN.contains(&cp) {
            self.bmp[(cp - BMP_HAN.start()) as usize]
        } else {
            self.other.get(&c).copied().unwrap_or(c)
        }
    }
}

static T2S: Lazy<T2sTable> = Lazy::new(|| {
    let mut bmp: Box<[char]> = BMP_HAN
        .map(|cp| char::from_u32(cp).unwrap_or('\u{FFFD}'))
        .collect();
    let mut other = HashMap::new();
    for (from, to) in zhconv::tables::expand_table(zhconv::tables::ZH_HANS_TABLE) {
        let mut f = from.chars();
        let mut t = to.chars();
        if let (Some(a), None, Some(b), None) = (f.next(), f.next(), t.next(), t.next()) {
            if a == b {
                continue;
            }
            let cp = a as u32;
            if BMP_HAN.contains(&cp) {
                bmp[(cp - BMP_HAN.start()) as usize] = b;
            } else {
                other.insert(a, b);
            }
        }
    }
    T2sTable { bmp, other }
});

/// CJK Radicals Supplement (U+2E80–U+2EF3) code points that PDF fonts emit in place of the
/// unified ideograph they look like. Unicode gives most of them no decomposition, so the
/// common ones are listed here (radical → ideograph).
const RADICAL_SUPPLEMENT: &[(char, char)] = &[
    ('\u{2E84}', '乙'),
    ('\u{2E85}', '亻'),
    ('\u{2E86}', '冂'),
    ('\u{2E87}', '几'),
    ('\u{2E88}', '刀'),
    ('\u{2E89}', '刂'),
    ('\u{2E8A}', '卜'),
    ('\u{2E8C}', '小'),
    ('\u{2E8D}', '小'),
    ('\u{2E8E}', '兀'),
    ('\u{2E8F}', '尢'),
    ('\u{2E90}', '尢'),
    ('\u{2E92}', '巳'),
    ('\u{2E93}', '幺'),
    ('\u{2E94}', '彐'),
    ('\u{2E95}', '彐'),
    ('\u{2E96}', '忄'),
    ('\u{2E97}', '心'),
    ('\u{2E98}', '扌'),
    ('\u{2E99}', '攵'),
    ('\u{2E9B}', '旡'),
    ('\u{2E9D}', '月'),
    ('\u{2E9E}', '歹'),
    ('\u{2E9F}', '母'),
    ('\u{2EA0}', '民'),
    ('\u{2EA1}', '氵'),
    ('\u{2EA2}', '氵'),
    ('\u{2EA3}', '灬'),
    ('\u{2EA4}', '爪'),
    ('\u{2EA5}', '爫'),
    ('\u{2EA6}', '丬'),
    ('\u{2EA7}', '牛'),
    ('\u{2EA8}', '犭'),
    ('\u{2EA9}', '王'),
    ('\u{2EAA}', '疋'),
    ('\u{2EAB}', '罒'),
    ('\u{2EAC}', '示'),
    ('\u{2EAD}', '礻'),
    ('\u{2EAE}', '竹'),
    ('\u{2EAF}', '糸'),
    ('\u{2EB0}', '纟'),
    ('\u{2EB6}', '羊'),
    ('\u{2EB7}', '羊'),
    ('\u{2EB9}', '老'),
    ('\u{2EBB}', '聿'),
    ('\u{2EBC}', '肉'),
    ('\u{2EBD}', '臼'),
    ('\u{2EBE}', '艹'),
    ('\u{2EBF}', '艹'),
    ('\u{2EC0}', '艹'),
    ('\u{2EC1}', '虎'),
    ('\u{2EC2}', '衤'),
    ('\u{2EC3}', '西'),
    ('\u{2EC4}', '西'),
    ('\u{2EC5}', '见'),
    ('\u{2EC6}', '角'),
    ('\u{2EC7}', '角'),
    ('\u{2EC8}', '讠'),
    ('\u{2EC9}', '贝'),
    ('\u{2ECA}', '足'),
    ('\u{2ECB}', '车'),
    ('\u{2ECC}', '辶'),
    ('\u{2ECD}', '辶'),
    ('\u{2ECE}', '辶'),
    ('\u{2ECF}', '阝'),
    ('\u{2ED0}', '钅'),
    ('\u{2ED1}', '长'),
    ('\u{2ED2}', '长'),
    ('\u{2ED3}', '长'),
    ('\u{2ED4}', '门'),
    ('\u{2ED5}', '阜'),
    ('\u{2ED6}', '阝'),
    ('\u{2ED7}', '雨'),
    ('\u{2ED8}', '青'),
    ('\u{2ED9}', '韦'),
    ('\u{2EDA}', '页'),
    ('\u{2EDB}', '风'),
    ('\u{2EDC}', '飞'),
    ('\u{2EDD}', '食'),
    ('\u{2EDF}', '食'),
    ('\u{2EE0}', '饣'),
    ('\u{2EE2}', '马'),
    ('\u{2EE3}', '骨'),
    ('\u{2EE4}', '鬼'),
    ('\u{2EE5}', '鱼'),
    ('\u{2EE6}', '鸟'),
    ('\u{2EE7}', '卤'),
    ('\u{2EE8}', '麦'),
    ('\u{2EE9}', '黄'),
    ('\u{2EEA}', '黾'),
    ('\u{2EEB}', '斉'),
    ('\u{2EEC}', '齐'),
    ('\u{2EED}', '歯'),
    ('\u{2EEE}', '齿'),
    ('\u{2EEF}', '竜'),
    ('\u{2EF0}', '龙'),
    ('\u{2EF1}', '龜'),
    ('\u{2EF2}', '亀'),
    ('\u{2EF3}', '龟'),
];

/// True for characters that are written without spaces and indexed one by one
/// (Han ideographs, radicals, kana, hangul syllables).
pub fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF      // CJK radicals supplement, Kangxi radicals
        | 0x3005..=0x3007    // 々 〆 〇
        | 0x3021..=0x3029    // Hangzhou numerals
        | 0x3040..=0x30FF    // Hiragana, Katakana
        | 0x3400..=0x4DBF    // Extension A
        | 0x4E00..=0x9FFF    // Unified ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // Compatibility ideographs
        | 0x20000..=0x3FFFF  // Extensions B–H
    )
}

/// Map one character to its search form. Returns the character itself when nothing applies.
/// Latin letters are not lower-cased here (the tokenizer does it per word).
pub fn fold_char(c: char) -> char {
    let cp = c as u32;
    match cp {
        // Full-width ASCII → ASCII; ideographic space → space.
        0xFF01..=0xFF5E => char::from_u32(cp - 0xFEE0).unwrap_or(c),
        0x3000 => ' ',
        // Kangxi radicals and compatibility ideographs have canonical/compatibility
        // decompositions to unified ideographs.
        0x2F00..=0x2FD5 | 0xF900..=0xFAFF | 0x2F800..=0x2FA1F => {
            let mut it = std::iter::once(c).nfkc();
            match (it.next(), it.next()) {
                (Some(d), None) => fold_han(d),
                _ => c,
            }
        }
        0x2E80..=0x2EF3 => RADICAL_SUPPLEMENT
            .iter()
            .find(|(r, _)| *r == c)
            .map(|&(_, u)| fold_han(u))
            .unwrap_or(c),
        0x3400..=0x9FFF | 0x20000..=0x3FFFF => fold_han(c),
        _ => c,
    }
}

fn fold_han(c: char) -> char {
    T2S.get(c)
}

/// Fold a whole string character by character (for queries and facet values).
pub fn fold_str(s: &str) -> String {
    s.chars().map(fold_char).collect()
}

/// Force the folding table to load (so the first query does not pay for it).
pub fn warm_up() {
    Lazy::force(&T2S);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn full_width_ascii_folds() {
        assert_eq!(fold_str("ＡＢＣ１２３"), "ABC123");
    }

    #[test]
    fn kangxi_radical_folds_to_ideograph() {
        // U+2F00 KANGXI RADICAL ONE → 一, U+2F08 → 人
        assert_eq!(fold_char('\u{2F00}'), '一');
        assert_eq!(fold_char('\u{2F08}'), '人');
        assert_eq!(fold_char('\u{2EC5}'), '见');
    }

    #[test]
    fn traditional_folds_to_simplified() {
        assert_eq!(fold_str("出口退稅"), "出口退税");
        assert_eq!(fold_str("補貼海外倉"), "补贴海外仓");
        assert_eq!(fold_str("零公里二手車"), "零公里二手车");
        // Simplified text is unchanged.
        assert_eq!(fold_str("免费仓储"), "免费仓储");
    }
}
