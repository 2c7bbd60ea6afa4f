//! A light, predictable English stemmer for policy vocabulary: strips plural, `-ed`, `-ing`
//! and a final `e`, so that `warehouse`, `warehouses` and `warehousing` meet (Porter2 sends
//! them to different stems), and folds `-ise/-ize` and `licence/license`.

fn is_vowel(c: u8) -> bool {
    matches!(c, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
}

fn has_vowel(s: &str) -> bool {
    s.bytes().any(is_vowel)
}

/// Remove one of a doubled final consonant (`shipp` → `ship`), keeping `ll`, `ss`, `zz`.
fn undouble(s: &mut String) {
    let b = s.as_bytes();
    if b.len() >= 2 {
        let (x, y) = (b[b.len() - 2], b[b.len() - 1]);
        if x == y && !is_vowel(y) && !matches!(y, b'l' | b's' | b'z') {
            s.pop();
        }
    }
}

/// Stem one lower-case word. Non-ASCII words are returned unchanged.
pub fn stem(word: &str) -> String {
    if !word.is_ascii() || word.len() <= 3 {
        return word.to_string();
    }
    let mut w = word.trim_end_matches("'s").to_string();
    let strip = |w: &mut String, n: usize| w.truncate(w.len() - n);
    if w.ends_with("ies") && w.len() > 4 {
        strip(&mut w, 3);
        w.push('y');
    } else if ["sses", "xes", "ches", "shes", "zes"]
        .iter()
        .any(|s| w.ends_with(s))
    {
        strip(&mut w, 2);
    } else if w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        strip(&mut w, 1);
    }
    if w.ends_with("ing") && w.len() >= 6 && has_vowel(&w[..w.len() - 3]) {
        strip(&mut w, 3);
        undouble(&mut w);
    } else if w.ends_with("ied") && w.len() > 4 {
        strip(&mut w, 3);
        w.push('y');
    } else if w.ends_with("ed") && w.len() >= 5 && has_vowel(&w[..w.len() - 2]) {
        strip(&mut w, 2);
        undouble(&mut w);
    }
    if w.ends_with('e') && w.len() > 4 {
        strip(&mut w, 1);
    }
    if w.ends_with("licenc") {
        strip(&mut w, 1);
        w.push('s');
    }
    if w.ends_with("is") && w.len() > 5 {
        strip(&mut w, 1);
        w.push('z');
    }
    w
}

#[cfg(test)]
mod tests {
    use super::stem;

    fn same(words: &[&str]) {
        let first = stem(words[0]);
        for w in words {
            assert_eq!(stem(w), first, "{w} vs {}", words[0]);
        }
    }

    #[test]
    fn inflections_meet() {
        same(&["warehouse", "warehouses", "warehousing", "warehoused"]);
        same(&["rebate", "rebates", "rebating"]);
        same(&[
            "license",
            "licenses",
            "licensing",
            "licence",
            "licences",
            "licensed",
        ]);
        same(&["export", "exports", "exported", "exporting"]);
        same(&["subsidy", "subsidies"]);
        same(&["subsidize", "subsidise", "subsidized", "subsidising"]);
        same(&["ship", "ships", "shipping", "shipped"]);
        same(&["trade", "trades", "trading", "traded"]);
        same(&["car", "cars"]);
    }

    #[test]
    fn short_and_foreign_words_unchanged() {
        assert_eq!(stem("bus"), "bus");
        assert_eq!(stem("thing"), "thing");
        assert_eq!(stem("café"), "café");
    }
}
