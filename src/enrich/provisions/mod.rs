//! The provision taxonomy: kinds of support measure ("provisions") that investigators look for in
//! policy documents, such as export tax rebates, free warehousing or export licences.
//!
//! The taxonomy is a user-editable TOML file (the default, `provisions.toml` at the repository
//! root, is embedded in the binary; the format is documented at the top of that file). This
//! module parses and validates it, tags passages with the provisions they grant or mention, and
//! expands English query phrases into the Chinese terms of the matching provision.
//!
//! Matching rules:
//! - Chinese terms are substrings of the passage, which the caller has already folded
//!   (Simplified, half-width). `within` in a `near` rule counts characters.
//! - English terms match whole words, case-insensitively, after stemming
//!   ([`crate::analysis::stem::stem`]), so `warehouse`/`warehousing` and
//!   `licence`/`license` meet; a multi-word term matches a run of consecutive words. `within`
//!   counts words.
//! - `near` windows never cross a sentence end (。 ! ? ;).
//! - An `exclude` phrase removes every term occurrence it overlaps, so a passage tagged only
//!   through, say, 出口退税 inside 骗取出口退税 is not tagged; `{ near = [...], within = N }`
//!   removes the occurrences within N characters (words) of a phrase in the same sentence.
//! - `query_en` phrases only serve [`Taxonomy::expand_english`]; they never tag.
//!
//! Tagging is built for index time: all terms are compiled once into a first-character index
//! (Chinese) and a stem-sequence index (English), so a passage is scanned once per language.

use crate::analysis::stem::stem;
use once_cell::sync::Lazy;
use serde::Deserialize;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::Path;
use std::sync::Arc;

/// The default taxonomy, embedded at build time.
const BUILTIN_SOURCE: &str = include_str!("../../../provisions.toml");

static BUILTIN: Lazy<Arc<Taxonomy>> = Lazy::new(|| {
    Arc::new(
        Taxonomy::from_toml_named(BUILTIN_SOURCE, "provisions.toml (built in)")
            .unwrap_or_else(|e| panic!("the embedded taxonomy is invalid: {e}")),
    )
});

/// Longest accepted provision id.
const MAX_ID_LEN: usize = 64;
/// Most entries a `near` rule may have (the proximity check is quadratic in occurrences).
const MAX_NEAR_ENTRIES: usize = 8;

/// Why a taxonomy could not be loaded. Every message names the file (or `<string>`) and, for
/// content problems, the provision (by id and 1-based position).
#[derive(Debug, thiserror::Error)]
pub enum TaxonomyError {
    /// The file could not be read.
    #[error("{origin}: cannot read the provision taxonomy: {source}")]
    Io {
        /// The path that was read.
        origin: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The text is not valid TOML, or its tables and keys do not have the expected shape
    /// (unknown key, missing label, a number where a list of terms belongs, ...).
    #[error("{origin}: invalid provision taxonomy: {message}")]
    Syntax {
        /// File name or `<string>`.
        origin: String,
        /// The TOML parser's message, with line and column.
        message: String,
    },
    /// The file has no `[[provision]]` table.
    #[error("{origin}: the taxonomy defines no provisions (expected [[provision]] tables)")]
    NoProvisions {
        /// File name or `<string>`.
        origin: String,
    },
    /// One provision is well-formed TOML but unusable.
    #[error("{origin}: provision {provision}: {problem}")]
    Invalid {
        /// File name or `<string>`.
        origin: String,
        /// The provision's id (quoted) and its 1-based position, e.g. `"free_warehousing" (#4)`.
        provision: String,
        /// What is wrong.
        problem: Problem,
    },
}

/// A content problem in one provision.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Problem {
    /// The id is already used by an earlier provision.
    #[error("duplicate id: provision #{first} already uses it")]
    DuplicateId {
        /// 1-based position of the first provision with this id.
        first: usize,
    },
    /// The id is empty, too long or has characters other than `a-z`, `0-9` and `_`.
    #[error("bad id: ids are 1 to {MAX_ID_LEN} characters of a-z, 0-9 and _")]
    BadId,
    /// `label_en` or `label_zh` is blank.
    #[error("{field} is empty")]
    EmptyLabel {
        /// The key.
        field: &'static str,
    },
    /// No `terms_zh`, `terms_en` or `near` rule: the provision could never be tagged.
    #[error("no terms: give at least one of terms_zh, terms_en or near")]
    NoTerms,
    /// A term is blank.
    #[error("{field} has an empty term")]
    EmptyTerm {
        /// The key (`terms_zh`, `terms_en`, `exclude`, `near`).
        field: &'static str,
    },
    /// An English term has no word characters (only punctuation).
    #[error("{field} term {term:?} has no words")]
    NoWords {
        /// The key.
        field: &'static str,
        /// The term as written.
        term: String,
    },
    /// A `terms_en` or `query_en` term contains Chinese characters.
    #[error("{field} term {term:?} contains Chinese characters; put it in terms_zh")]
    ChineseInEnglish {
        /// The key.
        field: &'static str,
        /// The term as written.
        term: String,
    },
    /// `within = 0`.
    #[error("near rule {rule}: within must be at least 1 (for adjacent words use a term)")]
    WithinZero {
        /// 1-based rule number within the provision.
        rule: usize,
    },
    /// An `exclude = { near = [...], within = 0 }` entry.
    #[error("exclude: within must be at least 1 (to ignore an overlapping phrase, give the phrase alone)")]
    ExcludeWithinZero,
    /// A `near` rule with fewer than 2 or more than 8 entries.
    #[error("near rule {rule}: `all` needs 2 to {MAX_NEAR_ENTRIES} entries, found {found}")]
    NearSize {
        /// 1-based rule number within the provision.
        rule: usize,
        /// How many entries it has.
        found: usize,
    },
    /// A `near` rule mixing Chinese and English terms (distances are counted differently).
    #[error(
        "near rule {rule}: mixes Chinese and English terms; use one language per rule \
         (within counts characters in Chinese, words in English)"
    )]
    NearMixed {
        /// 1-based rule number within the provision.
        rule: usize,
    },
}

/// One `all` entry of a near rule in the file: a term, or a list of alternatives.
enum RawEntry {
    One(String),
    Any(Vec<String>),
}

impl<'de> Deserialize<'de> for RawEntry {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawEntry;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(r#"a term ("免费") or a list of alternatives (["免费", "免收"])"#)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawEntry, E> {
                Ok(RawEntry::One(v.to_string()))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<RawEntry, A::Error> {
                Vec::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))
                    .map(RawEntry::Any)
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNear {
    all: Vec<RawEntry>,
    within: u32,
}

/// An `exclude` entry in the file: a phrase, or `{ near = [...], within = N }`.
enum RawExclude {
    Phrase(String),
    Near(RawExcludeNear),
}

impl<'de> Deserialize<'de> for RawExclude {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawExclude;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(r#"a phrase ("骗取出口退税") or { near = ["举报"], within = 20 }"#)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawExclude, E> {
                Ok(RawExclude::Phrase(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<RawExclude, A::Error> {
                RawExcludeNear::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(RawExclude::Near)
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExcludeNear {
    near: Vec<String>,
    within: u32,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProvision {
    id: String,
    label_en: String,
    label_zh: String,
    #[serde(default)]
    note: Option<String>,
    #[serde(default)]
    terms_zh: Vec<String>,
    #[serde(default)]
    terms_en: Vec<String>,
    #[serde(default)]
    query_en: Vec<String>,
    #[serde(default)]
    near: Vec<RawNear>,
    #[serde(default)]
    exclude: Vec<RawExclude>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    provision: Vec<RawProvision>,
}

/// A proximity rule: one term from each entry of `all`, with at most `within` characters
/// (Chinese) or words (English) between any two of them, in any order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NearRule {
    /// Each entry lists alternatives; one of them must occur.
    pub all: Vec<Vec<String>>,
    /// Largest gap allowed between two of the terms.
    pub within: u32,
}

/// A context in which a provision's term occurrences do not count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Exclude {
    /// Occurrences overlapping this phrase are ignored (出口退税 inside 骗取出口退税).
    Phrase(String),
    /// Occurrences with at most `within` characters (Chinese) or words (English) between them
    /// and one of these phrases are ignored (奖励 a few characters after 举报).
    Near {
        /// Alternatives.
        terms: Vec<String>,
        /// Largest gap.
        within: u32,
    },
}

impl Exclude {
    /// The phrases of this entry.
    pub fn terms(&self) -> &[String] {
        match self {
            Exclude::Phrase(t) => std::slice::from_ref(t),
            Exclude::Near { terms, .. } => terms,
        }
    }

    /// The proximity window, or `None` for an overlapping phrase.
    fn window(&self) -> Option<u32> {
        match self {
            Exclude::Phrase(_) => None,
            Exclude::Near { within, .. } => Some(*within),
        }
    }
}

/// One provision of the taxonomy, as written in the file (terms trimmed).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provision {
    /// Stable identifier, `[a-z0-9_]+`.
    pub id: String,
    /// English label for display.
    pub label_en: String,
    /// Chinese label for display.
    pub label_zh: String,
    /// Optional free-text note for users.
    pub note: Option<String>,
    /// Chinese terms (Simplified), matched as substrings.
    pub terms_zh: Vec<String>,
    /// English terms, matched as stemmed word sequences.
    pub terms_en: Vec<String>,
    /// Extra English phrases that name the provision in a query but are too common to tag
    /// passages ("subsidy", "customs clearance"); used by [`Taxonomy::expand_english`] only.
    pub query_en: Vec<String>,
    /// Proximity rules.
    pub near: Vec<NearRule>,
    /// Contexts that cancel term occurrences.
    pub exclude: Vec<Exclude>,
}

/// An English query phrase that names a provision, with the Chinese terms to search for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expansion {
    /// The words as typed, joined by a space.
    pub phrase: String,
    /// Index of the first word in the query.
    pub start: usize,
    /// Number of query words in the phrase.
    pub len: usize,
    /// The provision id.
    pub provision: String,
    /// The provision's `terms_zh`.
    pub zh_terms: Vec<String>,
}

/// A loaded, validated and compiled taxonomy.
#[derive(Debug)]
pub struct Taxonomy {
    provisions: Vec<Provision>,
    hash: String,
    /// The TOML text it was read from (kept beside the index).
    source: String,
    matcher: Matcher,
    /// For [`Taxonomy::expand_english`]: (provision index, stems) of every `terms_en` and
    /// `query_en` entry.
    en_terms: Vec<(usize, Vec<String>)>,
}

impl Taxonomy {
    /// Parse and validate a taxonomy held in a string (errors name the origin `<string>`).
    pub fn from_toml_str(src: &str) -> Result<Taxonomy, TaxonomyError> {
        Self::from_toml_named(src, "<string>")
    }

    /// Read, parse and validate a taxonomy file.
    pub fn from_path(path: &Path) -> Result<Taxonomy, TaxonomyError> {
        let origin = path.display().to_string();
        let src = std::fs::read_to_string(path).map_err(|source| TaxonomyError::Io {
            origin: origin.clone(),
            source,
        })?;
        Self::from_toml_named(&src, &origin)
    }

    /// Parse and validate `src`; `origin` (a file name) is used in error messages.
    pub fn from_toml_named(src: &str, origin: &str) -> Result<Taxonomy, TaxonomyError> {
        let raw: RawFile = toml::from_str(src).map_err(|e| TaxonomyError::Syntax {
            origin: origin.to_string(),
            message: e.to_string().trim_end().to_string(),
        })?;
        if raw.provision.is_empty() {
            return Err(TaxonomyError::NoProvisions {
                origin: origin.to_string(),
            });
        }
        let mut provisions = Vec::with_capacity(raw.provision.len());
        let mut seen: HashMap<String, usize> = HashMap::new();
        for (i, rp) in raw.provision.into_iter().enumerate() {
            let invalid = |problem: Problem| TaxonomyError::Invalid {
                origin: origin.to_string(),
                provision: format!("{:?} (#{})", rp.id, i + 1),
                problem,
            };
            if let Some(&first) = seen.get(&rp.id) {
                return Err(invalid(Problem::DuplicateId { first }));
            }
            validate(&rp).map_err(invalid)?;
            seen.insert(rp.id.clone(), i + 1);
            provisions.push(Provision {
                id: rp.id,
                label_en: rp.label_en.trim().to_string(),
                label_zh: rp.label_zh.trim().to_string(),
                note: rp.note,
                terms_zh: trimmed(rp.terms_zh),
                terms_en: trimmed(rp.terms_en),
                query_en: trimmed(rp.query_en),
                near: rp
                    .near
                    .into_iter()
                    .map(|n| NearRule {
                        all: n
                            .all
                            .into_iter()
                            .map(|e| match e {
                                RawEntry::One(t) => vec![t.trim().to_string()],
                                RawEntry::Any(ts) => trimmed(ts),
                            })
                            .collect(),
                        within: n.within,
                    })
                    .collect(),
                exclude: rp
                    .exclude
                    .into_iter()
                    .map(|e| match e {
                        RawExclude::Phrase(t) => Exclude::Phrase(t.trim().to_string()),
                        RawExclude::Near(n) => Exclude::Near {
                            terms: trimmed(n.near),
                            within: n.within,
                        },
                    })
                    .collect(),
            });
        }
        let matcher = Matcher::compile(&provisions);
        let en_terms = provisions
            .iter()
            .enumerate()
            .flat_map(|(i, p)| {
                p.terms_en
                    .iter()
                    .chain(&p.query_en)
                    .map(move |t| (i, stems_of(t)))
            })
            .collect();
        Ok(Taxonomy {
            provisions,
            hash: blake3::hash(src.as_bytes()).to_hex().to_string(),
            source: src.to_string(),
            matcher,
            en_terms,
        })
    }

    /// The default taxonomy embedded from `provisions.toml`.
    pub fn builtin() -> &'static Taxonomy {
        &BUILTIN
    }

    /// The default taxonomy, shared.
    pub fn builtin_shared() -> Arc<Taxonomy> {
        BUILTIN.clone()
    }

    /// The TOML text this taxonomy was read from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// BLAKE3 hex digest of the source text: when it changes, stored tags are stale.
    pub fn hash(&self) -> String {
        self.hash.clone()
    }

    /// The provisions in file order.
    pub fn provisions(&self) -> &[Provision] {
        &self.provisions
    }

    /// The provision with this id.
    pub fn get(&self, id: &str) -> Option<&Provision> {
        self.provisions.iter().find(|p| p.id == id)
    }

    /// Ids of the provisions a passage grants or mentions, in taxonomy order. `folded` is the
    /// passage folded to Simplified Chinese and half-width forms; English is lower-cased here.
    pub fn tag(&self, folded: &str) -> Vec<&str> {
        self.matcher
            .evaluate(folded, false)
            .into_iter()
            .map(|(i, _)| self.provisions[i].id.as_str())
            .collect()
    }

    /// Like [`Taxonomy::tag`], with the term or rule that triggered each tag (for debugging a
    /// taxonomy and for "why was this tagged" displays): `(id, reason)`.
    pub fn explain(&self, folded: &str) -> Vec<(&str, String)> {
        self.matcher
            .evaluate(folded, true)
            .into_iter()
            .map(|(i, why)| (self.provisions[i].id.as_str(), why.unwrap_or_default()))
            .collect()
    }

    /// Find English phrases in a query that name a provision (by its `terms_en` and
    /// `query_en`, compared by stems, longest phrase first, left to right) and return each with the provision's Chinese
    /// terms. A phrase matching terms of several provisions yields one expansion per provision,
    /// in taxonomy order. Only whole query words are matched.
    pub fn expand_english(&self, words: &[&str]) -> Vec<Expansion> {
        // Flatten the stems of all words, remembering which word each stem came from (a typed
        // word such as "e-commerce" gives two stems).
        let mut flat: Vec<(String, usize)> = Vec::new();
        let mut first_stem: Vec<Option<usize>> = Vec::with_capacity(words.len());
        for (w, word) in words.iter().enumerate() {
            let stems = stems_of(word);
            first_stem.push((!stems.is_empty()).then_some(flat.len()));
            flat.extend(stems.into_iter().map(|s| (s, w)));
        }
        let mut out = Vec::new();
        let mut w = 0;
        while w < words.len() {
            let Some(fi) = first_stem[w] else {
                w += 1;
                continue;
            };
            // Longest match in words; collect every provision matching with that length.
            let mut best_words = 0;
            let mut best: Vec<usize> = Vec::new();
            for (p, stems) in &self.en_terms {
                let end = fi + stems.len();
                let fits = end <= flat.len()
                    && flat[fi..end].iter().zip(stems).all(|((a, _), b)| a == b)
                    && (end == flat.len() || flat[end].1 != flat[end - 1].1);
                if !fits {
                    continue;
                }
                let n_words = flat[end - 1].1 - w + 1;
                if n_words > best_words {
                    best_words = n_words;
                    best.clear();
                }
                if n_words == best_words && !best.contains(p) {
                    best.push(*p);
                }
            }
            if best_words == 0 {
                w += 1;
                continue;
            }
            best.sort_unstable();
            let phrase = words[w..w + best_words].join(" ");
            for p in best {
                let prov = &self.provisions[p];
                out.push(Expansion {
                    phrase: phrase.clone(),
                    start: w,
                    len: best_words,
                    provision: prov.id.clone(),
                    zh_terms: prov.terms_zh.clone(),
                });
            }
            w += best_words;
        }
        out
    }
}

fn trimmed(v: Vec<String>) -> Vec<String> {
    v.into_iter().map(|t| t.trim().to_string()).collect()
}

/// Check one provision's content (everything but id uniqueness).
fn validate(p: &RawProvision) -> Result<(), Problem> {
    let id_ok = !p.id.is_empty()
        && p.id.len() <= MAX_ID_LEN
        && p.id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    if !id_ok {
        return Err(Problem::BadId);
    }
    for (field, label) in [("label_en", &p.label_en), ("label_zh", &p.label_zh)] {
        if label.trim().is_empty() {
            return Err(Problem::EmptyLabel { field });
        }
    }
    if p.terms_zh.is_empty() && p.terms_en.is_empty() && p.near.is_empty() {
        return Err(Problem::NoTerms);
    }
    for t in &p.terms_zh {
        check_term("terms_zh", t)?;
    }
    for (field, terms) in [("terms_en", &p.terms_en), ("query_en", &p.query_en)] {
        for t in terms {
            check_term(field, t)?;
            if t.chars().any(is_han) {
                return Err(Problem::ChineseInEnglish {
                    field,
                    term: t.clone(),
                });
            }
        }
    }
    for e in &p.exclude {
        match e {
            RawExclude::Phrase(t) => check_term("exclude", t)?,
            RawExclude::Near(n) => {
                if n.within == 0 {
                    return Err(Problem::ExcludeWithinZero);
                }
                if n.near.is_empty() {
                    return Err(Problem::EmptyTerm { field: "exclude" });
                }
                for t in &n.near {
                    check_term("exclude", t)?;
                }
            }
        }
    }
    for (r, rule) in p.near.iter().enumerate() {
        let rule_no = r + 1;
        if rule.within == 0 {
            return Err(Problem::WithinZero { rule: rule_no });
        }
        if !(2..=MAX_NEAR_ENTRIES).contains(&rule.all.len()) {
            return Err(Problem::NearSize {
                rule: rule_no,
                found: rule.all.len(),
            });
        }
        let mut langs = Vec::new();
        for entry in &rule.all {
            let terms = match entry {
                RawEntry::One(t) => std::slice::from_ref(t),
                RawEntry::Any(ts) => ts.as_slice(),
            };
            if terms.is_empty() {
                return Err(Problem::EmptyTerm { field: "near" });
            }
            for t in terms {
                check_term("near", t)?;
                langs.push(Lang::of(t));
            }
        }
        if langs.windows(2).any(|w| w[0] != w[1]) {
            return Err(Problem::NearMixed { rule: rule_no });
        }
    }
    Ok(())
}

/// A term must be non-blank, and an English one must have words.
fn check_term(field: &'static str, t: &str) -> Result<(), Problem> {
    if t.trim().is_empty() {
        return Err(Problem::EmptyTerm { field });
    }
    if Lang::of(t) == Lang::En && stems_of(t).is_empty() {
        return Err(Problem::NoWords {
            field,
            term: t.to_string(),
        });
    }
    Ok(())
}

/// Han ideographs (and the CJK symbols often written with them): such a term is Chinese.
fn is_han(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF | 0x3005..=0x3007 | 0x3021..=0x3029 | 0x3400..=0x4DBF
        | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3FFFF)
}

/// Characters that make up English words: ASCII letters and digits, and other alphabetic
/// characters outside the CJK blocks (é, ü, ...).
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || (!c.is_ascii() && (c as u32) < 0x2E80 && c.is_alphabetic())
}

/// Characters that end a sentence or clause: proximity windows do not reach across them.
/// (The English full stop is left out: it also marks abbreviations and decimals.)
fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '!' | '?' | ';' | '！' | '？' | '；')
}

/// Call `f` with each word of `text`, lower-cased, and the number of sentence ends before it.
/// Apostrophes (' and ’) inside a word are kept, so that the stemmer can strip a possessive
/// `'s`; every other character separates words, so `e-commerce` is two words and
/// `zero-mileage` matches `zero mileage`.
fn for_each_word(text: &str, buf: &mut String, mut f: impl FnMut(&str, u32)) {
    buf.clear();
    let mut sentence = 0;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if is_word_char(c) {
            buf.extend(c.to_lowercase());
            continue;
        }
        if (c == '\'' || c == '\u{2019}')
            && !buf.is_empty()
            && chars.peek().is_some_and(|&n| is_word_char(n))
        {
            buf.push('\'');
            continue;
        }
        if !buf.is_empty() {
            f(buf, sentence);
            buf.clear();
        }
        if is_sentence_end(c) {
            sentence += 1;
        }
    }
    if !buf.is_empty() {
        f(buf, sentence);
        buf.clear();
    }
}

/// The stems of the words of `text`.
fn stems_of(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut buf = String::new();
    for_each_word(text, &mut buf, |w, _| out.push(stem(w)));
    out
}

/// Which matcher a term belongs to: any Han character makes it Chinese (substring match).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lang {
    Zh,
    En,
}

impl Lang {
    fn of(term: &str) -> Lang {
        if term.chars().any(is_han) {
            Lang::Zh
        } else {
            Lang::En
        }
    }
}

/// What an occurrence of a pattern means for one provision.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// A plain term: tags the provision unless excluded.
    Term,
    /// Entry `slot` of near rule `rule`.
    Near { rule: u16, slot: u8 },
    /// An exclude phrase: cancels occurrences it overlaps (`None`) or that are at most this
    /// far from it.
    Exclude(Option<u32>),
}

#[derive(Debug, Clone, Copy)]
struct Use {
    provision: u16,
    role: Role,
}

/// A distinct search string (deduplicated across provisions) and its uses.
#[derive(Debug)]
struct Pattern {
    lang: Lang,
    text: String,
    uses: Vec<Use>,
}

/// Near rule data needed at tagging time.
#[derive(Debug)]
struct CompiledRule {
    lang: Lang,
    slots: usize,
    within: u32,
}

/// An occurrence of a pattern: `[start, end)` in characters (Chinese) or words (English), in
/// the given sentence of the passage.
#[derive(Debug, Clone, Copy)]
struct Hit {
    pattern: u32,
    start: u32,
    end: u32,
    sentence: u32,
}

/// What tagged a provision: a term occurrence, or one occurrence per entry of a near rule.
#[derive(Debug)]
enum Why {
    Term(Hit),
    Near(Vec<Hit>, u32),
}

/// A hit as seen by one provision that uses its pattern.
#[derive(Debug, Clone, Copy)]
struct Event {
    provision: u16,
    role: Role,
    lang: Lang,
    hit: Hit,
}

impl Hit {
    /// Characters or words between two spans; 0 when they touch or overlap.
    fn gap(&self, other: &Hit) -> u32 {
        other
            .start
            .saturating_sub(self.end)
            .max(self.start.saturating_sub(other.end))
    }

    fn overlaps(&self, other: &Hit) -> bool {
        self.start < other.end && other.start < self.end
    }
}

/// All patterns compiled for one pass over a passage.
#[derive(Debug)]
struct Matcher {
    patterns: Vec<Pattern>,
    /// Near rules per provision.
    rules: Vec<Vec<CompiledRule>>,
    zh: ZhIndex,
    en: EnIndex,
}

/// FNV-1a: a fast hash for the small maps consulted once per word (keys are our own terms,
/// so hash flooding is not a concern).
#[derive(Debug, Clone, Copy)]
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

type FnvMap<K, V> = HashMap<K, V, BuildHasherDefault<Fnv>>;

/// A Chinese pattern in a first-character group.
#[derive(Debug)]
struct ZhEntry {
    pattern: u32,
    /// Length in characters.
    chars: u32,
    /// The pattern's first 16 bytes (zero-padded) and a mask of the bytes it has: most
    /// candidates are accepted or rejected with one 128-bit comparison.
    head: u128,
    mask: u128,
    /// Bytes after the first 16 (usually none).
    tail: Box<[u8]>,
}

/// Load up to 16 bytes little-endian, zero-padded.
fn head16(bytes: &[u8]) -> u128 {
    let mut buf = [0u8; 16];
    let n = bytes.len().min(16);
    buf[..n].copy_from_slice(&bytes[..n]);
    u128::from_le_bytes(buf)
}

/// Chinese patterns grouped by first character. A bitmap of the Basic Multilingual Plane
/// (8 KiB, stays in cache) rejects most characters of a passage with one bit test; a direct
/// table then gives the group (0 = none).
#[derive(Debug, Default)]
struct ZhIndex {
    bits: Vec<u64>,
    bmp: Vec<u16>,
    astral: FnvMap<char, u16>,
    /// Group `k - 1` for table value `k`.
    groups: Vec<Vec<ZhEntry>>,
}

impl ZhIndex {
    fn group(&self, c: char) -> Option<&[ZhEntry]> {
        let n = c as usize;
        let k = if n < 0x10000 {
            if self
                .bits
                .get(n / 64)
                .is_none_or(|w| w & (1 << (n % 64)) == 0)
            {
                return None;
            }
            self.bmp[n]
        } else {
            self.astral.get(&c).copied().unwrap_or(0)
        };
        (k != 0).then(|| self.groups[usize::from(k - 1)].as_slice())
    }

    fn add(&mut self, pattern: u32, text: &str) {
        let Some(first) = text.chars().next() else {
            return;
        };
        if self.bmp.is_empty() {
            self.bmp = vec![0; 0x10000];
            self.bits = vec![0; 0x10000 / 64];
        }
        let n = first as usize;
        let slot = match self.bmp.get_mut(n) {
            Some(slot) => {
                self.bits[n / 64] |= 1 << (n % 64);
                slot
            }
            None => self.astral.entry(first).or_insert(0),
        };
        if *slot == 0 {
            self.groups.push(Vec::new());
            // More than 65,535 distinct first characters is not a realistic taxonomy.
            *slot = u16::try_from(self.groups.len()).unwrap_or(u16::MAX);
        }
        let bytes = text.as_bytes();
        let n = bytes.len().min(16);
        self.groups[usize::from(*slot - 1)].push(ZhEntry {
            pattern,
            chars: text.chars().count() as u32,
            head: head16(bytes),
            mask: if n == 16 {
                u128::MAX
            } else {
                (1u128 << (8 * n)) - 1
            },
            tail: bytes[n..].into(),
        });
    }
}

/// English patterns as stem-id sequences, indexed by their first stem.
#[derive(Debug, Default)]
struct EnIndex {
    stem_ids: FnvMap<String, u32>,
    /// For each stem id, the patterns starting with it: (pattern, stem ids).
    seqs: Vec<Vec<(u32, Vec<u32>)>>,
    /// Two-letter ASCII prefixes of all stems (bit `a * 128 + b`). The stemmer only rewrites
    /// word endings and keeps at least two letters, so a word whose first two letters are not
    /// here cannot stem to a term and is not stemmed at all (see the `stems_keep_prefix` test).
    prefixes: Vec<u64>,
}

impl EnIndex {
    fn prefix_bit(word: &str) -> Option<usize> {
        let b = word.as_bytes();
        let (x, y) = (*b.first()?, b.get(1).copied().unwrap_or(0));
        (x.is_ascii() && y.is_ascii()).then_some(usize::from(x) * 128 + usize::from(y))
    }

    fn stem_id(&mut self, stem: String) -> u32 {
        if let Some(bit) = Self::prefix_bit(&stem) {
            self.prefixes[bit / 64] |= 1 << (bit % 64);
        }
        let next = self.stem_ids.len() as u32;
        *self.stem_ids.entry(stem).or_insert(next)
    }

    /// The id of the stem of `word`, if that stem occurs in a term.
    fn lookup(&self, word: &str) -> Option<u32> {
        if let Some(bit) = Self::prefix_bit(word) {
            if self.prefixes[bit / 64] & (1 << (bit % 64)) == 0 {
                return None;
            }
        }
        self.stem_ids.get(stem(word).as_str()).copied()
    }
}

impl Matcher {
    fn compile(provisions: &[Provision]) -> Matcher {
        let mut patterns: Vec<Pattern> = Vec::new();
        let mut by_text: HashMap<(bool, String), usize> = HashMap::new();
        let mut add = |text: &str, lang: Lang, u: Use| {
            // English patterns are deduplicated by stems, Chinese ones by text.
            let key = match lang {
                Lang::Zh => (true, text.to_string()),
                Lang::En => (false, stems_of(text).join(" ")),
            };
            let idx = *by_text.entry(key).or_insert_with(|| {
                patterns.push(Pattern {
                    lang,
                    text: text.to_string(),
                    uses: Vec::new(),
                });
                patterns.len() - 1
            });
            patterns[idx].uses.push(u);
        };
        let mut rules = Vec::with_capacity(provisions.len());
        for (pi, p) in provisions.iter().enumerate() {
            let provision = pi as u16;
            for t in &p.terms_zh {
                add(
                    t,
                    Lang::Zh,
                    Use {
                        provision,
                        role: Role::Term,
                    },
                );
            }
            for t in &p.terms_en {
                add(
                    t,
                    Lang::En,
                    Use {
                        provision,
                        role: Role::Term,
                    },
                );
            }
            for e in &p.exclude {
                for t in e.terms() {
                    let role = Role::Exclude(e.window());
                    add(t, Lang::of(t), Use { provision, role });
                }
            }
            let mut compiled = Vec::with_capacity(p.near.len());
            for (ri, rule) in p.near.iter().enumerate() {
                let lang = rule
                    .all
                    .first()
                    .and_then(|e| e.first())
                    .map_or(Lang::Zh, |t| Lang::of(t));
                for (si, entry) in rule.all.iter().enumerate() {
                    for t in entry {
                        let role = Role::Near {
                            rule: ri as u16,
                            slot: si as u8,
                        };
                        add(t, lang, Use { provision, role });
                    }
                }
                compiled.push(CompiledRule {
                    lang,
                    slots: rule.all.len(),
                    within: rule.within,
                });
            }
            rules.push(compiled);
        }

        let mut zh = ZhIndex::default();
        let mut en = EnIndex {
            prefixes: vec![0; 128 * 128 / 64],
            ..EnIndex::default()
        };
        for (i, pat) in patterns.iter().enumerate() {
            match pat.lang {
                Lang::Zh => zh.add(i as u32, &pat.text),
                Lang::En => {
                    let ids: Vec<u32> = stems_of(&pat.text)
                        .into_iter()
                        .map(|s| en.stem_id(s))
                        .collect();
                    if let Some(&first) = ids.first() {
                        let first = first as usize;
                        if en.seqs.len() <= first {
                            en.seqs.resize_with(first + 1, Vec::new);
                        }
                        en.seqs[first].push((i as u32, ids));
                    }
                }
            }
        }
        Matcher {
            patterns,
            rules,
            zh,
            en,
        }
    }

    /// Find every (possibly overlapping) occurrence of every Chinese pattern.
    fn zh_hits(&self, text: &str, hits: &mut Vec<Hit>) {
        let mut sentence = 0;
        for (ci, (bi, c)) in text.char_indices().enumerate() {
            let Some(cands) = self.zh.group(c) else {
                if is_sentence_end(c) {
                    sentence += 1;
                }
                continue;
            };
            let rest = &text.as_bytes()[bi..];
            let head = head16(rest);
            for e in cands {
                if head & e.mask == e.head
                    && (e.tail.is_empty() || rest.get(16..).is_some_and(|r| r.starts_with(&e.tail)))
                {
                    let start = ci as u32;
                    hits.push(Hit {
                        pattern: e.pattern,
                        start,
                        end: start + e.chars,
                        sentence,
                    });
                }
            }
        }
    }

    /// Find every occurrence of every English pattern (by stems, on word boundaries).
    fn en_hits(&self, text: &str, hits: &mut Vec<Hit>) {
        if self.en.seqs.is_empty() || !text.bytes().any(|b| b.is_ascii_alphabetic()) {
            return;
        }
        let mut ids: Vec<Option<u32>> = Vec::new();
        let mut sentences: Vec<u32> = Vec::new();
        let mut buf = String::new();
        for_each_word(text, &mut buf, |w, sentence| {
            ids.push(self.en.lookup(w));
            sentences.push(sentence);
        });
        for (i, id) in ids.iter().enumerate() {
            let Some(cands) = id.and_then(|id| self.en.seqs.get(id as usize)) else {
                continue;
            };
            for (pattern, seq) in cands {
                let end = i + seq.len();
                if end <= ids.len() && ids[i..end].iter().zip(seq).all(|(a, b)| *a == Some(*b)) {
                    hits.push(Hit {
                        pattern: *pattern,
                        start: i as u32,
                        end: end as u32,
                        sentence: sentences[i],
                    });
                }
            }
        }
    }

    /// The provisions that `text` triggers, in taxonomy order, with the reason when `explain`.
    fn evaluate(&self, text: &str, explain: bool) -> Vec<(usize, Option<String>)> {
        let mut zh = Vec::new();
        let mut en = Vec::new();
        self.zh_hits(text, &mut zh);
        self.en_hits(text, &mut en);
        if zh.is_empty() && en.is_empty() {
            return Vec::new();
        }
        let mut events: Vec<Event> = Vec::new();
        for (lang, hits) in [(Lang::Zh, &zh), (Lang::En, &en)] {
            for &hit in hits {
                for u in &self.patterns[hit.pattern as usize].uses {
                    events.push(Event {
                        provision: u.provision,
                        role: u.role,
                        lang,
                        hit,
                    });
                }
            }
        }
        events.sort_by_key(|e| e.provision);
        let mut out = Vec::new();
        for group in events.chunk_by(|a, b| a.provision == b.provision) {
            let provision = group[0].provision as usize;
            if let Some(why) = self.judge(provision, group) {
                out.push((provision, explain.then(|| self.describe(why))));
            }
        }
        out
    }

    /// Describe why a provision was tagged.
    fn describe(&self, why: Why) -> String {
        let text = |h: &Hit| self.patterns[h.pattern as usize].text.as_str();
        match why {
            Why::Term(h) => text(&h).to_string(),
            Why::Near(hits, within) => {
                let terms: Vec<&str> = hits.iter().map(text).collect();
                format!("{} (within {within})", terms.join(" … "))
            }
        }
    }

    /// Decide one provision from its events: the term occurrence or near-rule occurrences
    /// that tag it, if any.
    fn judge(&self, provision: usize, events: &[Event]) -> Option<Why> {
        let excluded = |ev: &Event| {
            events.iter().any(|x| match x.role {
                Role::Exclude(window) if x.lang == ev.lang => match window {
                    None => x.hit.overlaps(&ev.hit),
                    Some(w) => x.hit.sentence == ev.hit.sentence && x.hit.gap(&ev.hit) <= w,
                },
                _ => false,
            })
        };
        if let Some(t) = events.iter().find(|x| x.role == Role::Term && !excluded(x)) {
            return Some(Why::Term(t.hit));
        }
        for (ri, rule) in self.rules[provision].iter().enumerate() {
            let mut slots: Vec<Vec<Hit>> = vec![Vec::new(); rule.slots];
            for x in events {
                if let Role::Near { rule: r, slot } = x.role {
                    if r as usize == ri && x.lang == rule.lang && !excluded(x) {
                        slots[slot as usize].push(x.hit);
                    }
                }
            }
            if let Some(chosen) = near_match(&slots, rule.within) {
                return Some(Why::Near(chosen, rule.within));
            }
        }
        None
    }
}

/// Pick one occurrence per slot, all in one sentence, so that no two are more than `within`
/// apart (the largest start minus the smallest end is at most `within`).
///
/// Trying each occurrence as the one with the smallest end ("pivot", end `e`) is enough: the
/// other slots then need an occurrence in the pivot's sentence, ending at or after `e` and
/// starting by `e + within`.
fn near_match(slots: &[Vec<Hit>], within: u32) -> Option<Vec<Hit>> {
    if slots.iter().any(Vec::is_empty) {
        return None;
    }
    slots.iter().flatten().find_map(|pivot| {
        let limit = pivot.end.saturating_add(within);
        slots
            .iter()
            .map(|s| {
                s.iter()
                    .find(|h| {
                        h.sentence == pivot.sentence && h.end >= pivot.end && h.start <= limit
                    })
                    .copied()
            })
            .collect()
    })
}

#[cfg(test)]
mod tests;
