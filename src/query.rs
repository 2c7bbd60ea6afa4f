//! provisio's query language → tantivy queries, plus the patterns used for highlighting.
//!
//! Syntax: words (all must match), `"exact phrase"`, `-excluded`, `a OR b`, field filters
//! `title:`, `path:`, `lang:`, `format:`, `provision:`, `issuer:`, `docno:`, `region:`, `type:`,
//! `year:`, `date:2023-05`, `date:[2023-01-01 TO 2023-12-31]`, `ocr:true|false` (passages read by
//! OCR from scans), and `*` (everything). Chinese needs no spaces:
//! an unquoted run of up to 4 Han characters, or any run mixing Han with digits, Latin or
//! punctuation (`川商发〔2023〕12号`), is an exact phrase; a longer pure-Han run matches passages
//! holding at least half of its character bigrams, exact occurrences ranked first.

use crate::analysis::{analyze, is_cjk, AnalyzedToken, TokenKind};
use crate::enrich::metadata::normalize_docno;
use crate::enrich::provisions::Taxonomy;
use crate::enrich::region::resolve_region_query;
use crate::error::{Error, Result};
use crate::index::schema::Fields;
use crate::prefix::PrefixPhraseQuery;
use std::collections::BTreeMap;
use std::ops::Bound;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, EmptyQuery, Occur, PhraseQuery, Query, RangeQuery,
    TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

/// Longest query accepted, in characters.
pub const MAX_QUERY_CHARS: usize = 2000;
/// Characters the front end may add to a query (its filters) beyond [`MAX_QUERY_CHARS`].
pub const FILTER_HEADROOM: usize = 64;
/// Unquoted pure-Han runs longer than this are matched loosely (see module docs).
pub const EXACT_HAN_RUN: usize = 4;
/// Share of a long run's bigrams a passage must contain.
pub const LOOSE_MIN_SHARE: f64 = 0.5;

/// Where a text clause searches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Passage text, or the document title.
    Any,
    Title,
    Path,
}

/// One clause of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clause {
    Text {
        text: String,
        quoted: bool,
        scope: Scope,
    },
    Lang(String),
    Format(String),
    /// A provision id (`export_rebate`).
    Provision(String),
    /// An issuing authority: its exact name when quoted, else any name containing the words.
    Issuer {
        name: String,
        exact: bool,
    },
    /// A document number or part of one, brackets normalised.
    Docno(String),
    /// Region facet paths; any of them.
    Region(Vec<String>),
    /// 文种.
    Doctype(String),
    /// Inclusive `yyyymmdd` bounds (documents with a whole date).
    Date(u64, u64),
    /// A year (any document dated in it, to the day or not).
    Year(String),
    /// Passages read by OCR (`true`) or from a text layer (`false`).
    Ocr(bool),
    /// English words that name a provision, expanded to its Chinese terms: matches the words
    /// (all of them) or any of the terms.
    Expanded {
        words: Vec<String>,
        terms: Vec<String>,
    },
    All,
}

/// A parsed query: a conjunction of disjunctions, plus exclusions.
#[derive(Debug, Clone, Default)]
pub struct ParsedQuery {
    pub required: Vec<Vec<Clause>>,
    pub excluded: Vec<Clause>,
}

/// A sequence of tokens to find in a passage for highlighting: `(relative position, term)`.
#[derive(Debug, Clone)]
pub struct HighlightPattern {
    pub terms: Vec<(usize, String)>,
    /// Loose patterns highlight every term on its own.
    pub loose: bool,
    /// The last term is one gram character that matches any token starting with it (see
    /// [`Phrase::prefix`]); only its character is highlighted.
    pub prefix: bool,
}

#[derive(Debug)]
enum Lexeme {
    Item {
        negated: bool,
        field: Option<String>,
        value: String,
        quoted: bool,
    },
    Or,
}

fn lex(input: &str) -> Result<Vec<Lexeme>> {
    let mut out = Vec::new();
    let chars: Vec<char> = input.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        let mut negated = false;
        if c == '-' || c == '－' {
            negated = true;
            i += 1;
            if i >= chars.len() || chars[i].is_whitespace() {
                return Err(Error::Query(
                    "'-' must be followed by a word or phrase".into(),
                ));
            }
        }
        // Optional `field:` prefix (ASCII letters followed by a colon).
        let mut field = None;
        let mut j = i;
        while j < chars.len() && chars[j].is_ascii_alphabetic() {
            j += 1;
        }
        if j > i && j < chars.len() && (chars[j] == ':' || chars[j] == '：') {
            field = Some(chars[i..j].iter().collect::<String>().to_ascii_lowercase());
            i = j + 1;
        }
        let (value, quoted) = if field.is_some() && i < chars.len() && chars[i] == '[' {
            // A range: `date:[2023-01-01 TO 2023-12-31]` (spaces inside).
            let end = (i..chars.len())
                .find(|&k| chars[k] == ']')
                .ok_or_else(|| Error::Query("unclosed '[' in a range".into()))?;
            let v: String = chars[i..=end].iter().collect();
            i = end + 1;
            (v, false)
        } else if i < chars.len() && matches!(chars[i], '"' | '“' | '”') {
            let start = i + 1;
            let end = (start..chars.len())
                .find(|&k| matches!(chars[k], '"' | '“' | '”'))
                .ok_or_else(|| Error::Query("unclosed quote".into()))?;
            i = end + 1;
            (chars[start..end].iter().collect::<String>(), true)
        } else {
            let start = i;
            while i < chars.len() && !chars[i].is_whitespace() {
                if matches!(chars[i], '"' | '“' | '”') {
                    return Err(Error::Query(
                        "a quote must start a phrase (put a space before it)".into(),
                    ));
                }
                i += 1;
            }
            (chars[start..i].iter().collect::<String>(), false)
        };
        if !negated && field.is_none() && !quoted && value == "OR" {
            out.push(Lexeme::Or);
            continue;
        }
        if value.trim().is_empty() {
            let what = field.map_or("phrase".to_string(), |f| format!("'{f}:'"));
            return Err(Error::Query(format!("empty {what}")));
        }
        out.push(Lexeme::Item {
            negated,
            field,
            value,
            quoted,
        });
    }
    Ok(out)
}

fn clause_for(field: Option<&str>, value: String, quoted: bool) -> Result<Clause> {
    Ok(match field {
        None if !quoted && value == "*" => Clause::All,
        None => Clause::Text {
            text: value,
            quoted,
            scope: Scope::Any,
        },
        Some("title") => Clause::Text {
            text: value,
            quoted,
            scope: Scope::Title,
        },
        Some("path") => Clause::Text {
            text: value,
            quoted: true,
            scope: Scope::Path,
        },
        Some("lang" | "language") => Clause::Lang(value.to_lowercase()),
        Some("format") => {
            let v = value.to_lowercase();
            let v = match v.as_str() {
                "txt" | "md" | "markdown" => "text".to_string(),
                "htm" => "html".to_string(),
                _ => v,
            };
            if crate::extract::Format::from_name(&v).is_none() {
                return Err(Error::Query(format!(
                    "unknown format '{value}' (use pdf, html, docx, text or image)"
                )));
            }
            Clause::Format(v)
        }
        Some("provision") => {
            let id = value.trim().to_lowercase();
            if !id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
                return Err(Error::Query(format!(
                    "'{value}' is not a provision id (ids look like export_rebate; see `provisio stats --provisions`)"
                )));
            }
            Clause::Provision(id)
        }
        Some("issuer") => Clause::Issuer {
            name: crate::analysis::fold_str(value.trim()),
            exact: quoted,
        },
        Some("docno") => Clause::Docno(normalize_docno(&value).unwrap_or(value)),
        Some("region") => {
            let regions = resolve_region_query(value.trim());
            if regions.is_empty() {
                return Err(Error::Query(format!(
                    "unknown region '{value}' (use a province or prefecture-level city: 四川, 成都市, Sichuan)"
                )));
            }
            // A province matches its cities too: their documents carry the province path.
            let mut paths: Vec<String> = regions.iter().map(|r| r.path()).collect();
            paths.sort();
            paths.dedup();
            Clause::Region(paths)
        }
        Some("type" | "doctype") => Clause::Doctype(value.trim().to_string()),
        Some("ocr") => match value.trim().to_lowercase().as_str() {
            "true" | "yes" | "1" => Clause::Ocr(true),
            "false" | "no" | "0" => Clause::Ocr(false),
            _ => {
                return Err(Error::Query(format!(
                    "ocr: takes true or false, not '{value}'"
                )))
            }
        },
        Some("year") => {
            let v = value.trim();
            if v.len() != 4 || date_bounds(v).is_none() {
                return Err(Error::Query(format!("'{value}' is not a year")));
            }
            Clause::Year(v.to_string())
        }
        // A bare year also matches documents dated only to the year.
        Some("date") if value.trim().len() == 4 && date_bounds(value.trim()).is_some() => {
            Clause::Year(value.trim().to_string())
        }
        Some("date") => {
            let (lo, hi) = date_range(value.trim())?;
            Clause::Date(lo, hi)
        }
        Some(other) => {
            return Err(Error::Query(format!(
                "unknown field '{other}:' (fields: title, path, lang, format, provision, issuer, docno, region, type, year, date, ocr)"
            )))
        }
    })
}

/// Inclusive `yyyymmdd` bounds of `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (also with `/` or `.`).
fn date_bounds(s: &str) -> Option<(u64, u64)> {
    let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
    let num = |i: usize, len: std::ops::RangeInclusive<usize>| -> Option<u64> {
        let p = parts.get(i)?;
        (len.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
            .then(|| p.parse().ok())
            .flatten()
    };
    let year = num(0, 4..=4)?;
    match parts.len() {
        1 => Some((year * 10_000 + 101, year * 10_000 + 1231)),
        2 => {
            let m = num(1, 1..=2).filter(|m| (1..=12).contains(m))?;
            Some((year * 10_000 + m * 100 + 1, year * 10_000 + m * 100 + 31))
        }
        3 => {
            let m = num(1, 1..=2).filter(|m| (1..=12).contains(m))?;
            let d = num(2, 1..=2).filter(|d| (1..=31).contains(d))?;
            let day = year * 10_000 + m * 100 + d;
            Some((day, day))
        }
        _ => None,
    }
}

/// `2023`, `2023-05`, `2023-05-12` or `[FROM TO TO]` with `*` for an open end.
fn date_range(value: &str) -> Result<(u64, u64)> {
    let bad = || {
        Error::Query(format!(
            "'{value}' is not a date or range (use 2023, 2023-05, 2023-05-12 or [2023-01-01 TO 2023-12-31])"
        ))
    };
    if let Some(inner) = value.strip_prefix('[').and_then(|v| v.strip_suffix(']')) {
        let mut it = inner.split_whitespace();
        let (from, to_kw, to) = (it.next(), it.next(), it.next());
        if it.next().is_some() || !to_kw.is_some_and(|k| k.eq_ignore_ascii_case("to")) {
            return Err(bad());
        }
        let lo = match from.ok_or_else(bad)? {
            "*" => 0,
            v => date_bounds(v).ok_or_else(bad)?.0,
        };
        let hi = match to.ok_or_else(bad)? {
            "*" => u64::MAX,
            v => date_bounds(v).ok_or_else(bad)?.1,
        };
        if lo > hi {
            return Err(Error::Query(format!(
                "'{value}': the range ends before it starts"
            )));
        }
        return Ok((lo, hi));
    }
    date_bounds(value).ok_or_else(bad)
}

/// Parse a query string.
pub fn parse(input: &str) -> Result<ParsedQuery> {
    let input = input.trim();
    if input.is_empty() {
        return Err(Error::Query("empty query".into()));
    }
    // Headroom for the filters the web front end appends (` lang:zh format:pdf`) to a query
    // the user typed at the limit.
    if input.chars().count() > MAX_QUERY_CHARS + FILTER_HEADROOM {
        return Err(Error::Query(format!(
            "query longer than {MAX_QUERY_CHARS} characters"
        )));
    }
    let lexemes = lex(input)?;
    let mut q = ParsedQuery::default();
    let mut pending_or = false;
    for (k, lx) in lexemes.into_iter().enumerate() {
        match lx {
            Lexeme::Or => {
                if k == 0 || pending_or || q.required.is_empty() {
                    return Err(Error::Query("OR needs a term on each side".into()));
                }
                pending_or = true;
            }
            Lexeme::Item {
                negated,
                field,
                value,
                quoted,
            } => {
                let clause = clause_for(field.as_deref(), value, quoted)?;
                if negated {
                    if pending_or {
                        return Err(Error::Query("an excluded term cannot be part of OR".into()));
                    }
                    q.excluded.push(clause);
                } else if pending_or {
                    if let Some(last) = q.required.last_mut() {
                        last.push(clause);
                    }
                    pending_or = false;
                } else {
                    q.required.push(vec![clause]);
                }
            }
        }
    }
    if pending_or {
        return Err(Error::Query("OR needs a term on each side".into()));
    }
    if q.required.is_empty() && q.excluded.is_empty() {
        return Err(Error::Query("empty query".into()));
    }
    Ok(q)
}

/// Parse a query and, when given a taxonomy, expand its English provision words (see
/// [`ParsedQuery::expand`]). Search, facets, matrix and export all go through this, so they
/// agree on what a query means.
pub fn parse_with(
    input: &str,
    expand: Option<&Taxonomy>,
) -> Result<(ParsedQuery, BTreeMap<String, Vec<String>>)> {
    let mut q = parse(input)?;
    let expanded = match expand {
        Some(t) => q.expand(t),
        None => BTreeMap::new(),
    };
    Ok((q, expanded))
}

/// The terms of a text clause, arranged as a phrase (see [`phrase_terms`]).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Phrase {
    /// `(position relative to the first token, term)`, in position order.
    terms: Vec<(usize, String)>,
    /// The last term is a single gram character that ends the text (`税`, `A股`, `iPhone 5`).
    /// In an indexed text that character may be followed by another one, and then its
    /// position holds a bigram, not its unigram (the analyzer keeps unigrams for the last
    /// character of a chain only): it matches every term that starts with it.
    prefix: bool,
}

/// Tokens of a text clause arranged as a phrase, positions relative to the first: words,
/// punctuation breaks, unigrams not covered by a bigram (single gram characters), and of
/// each chain of bigrams (consecutive positions) the first, every other one after it, and the
/// last. Those still cover every character at its place: 出口退税 is 出口@0 退税@2,
/// 零公里二手车 is 零公@0 里二@2 手车@4. The index puts a break token where punctuation breaks
/// a chain (see the analyzer), so two bigrams two positions apart always sit in one unbroken
/// run of text. Fewer terms: a third to two fifths less position data to read for each
/// candidate passage.
///
/// A single gram character before a word or a break is a unigram in the index too (it ends
/// its chain there as well); one at the very end of the text may not be, so it becomes a
/// prefix ([`Phrase::prefix`]).
fn phrase_terms(tokens: &[AnalyzedToken]) -> Phrase {
    use std::collections::HashSet;
    let bigrams: HashSet<usize> = tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Bigram)
        .map(|t| t.position)
        .collect();
    let covered: HashSet<usize> = bigrams.iter().flat_map(|&p| [p, p + 1]).collect();
    // Tokens come in position order. A bigram is skipped when the one before it is kept and
    // another follows it.
    let mut kept: HashSet<usize> = HashSet::new();
    for p in tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Bigram)
        .map(|t| t.position)
    {
        let after_kept = p > 0 && kept.contains(&(p - 1));
        if !after_kept || !bigrams.contains(&(p + 1)) {
            kept.insert(p);
        }
    }
    let base = tokens.first().map_or(0, |t| t.position);
    let prefix = tokens
        .last()
        .is_some_and(|t| t.kind == TokenKind::Unigram && !covered.contains(&t.position));
    let terms = tokens
        .iter()
        .filter(|t| match t.kind {
            TokenKind::Word | TokenKind::Break => true,
            TokenKind::Bigram => kept.contains(&t.position),
            TokenKind::Unigram => !covered.contains(&t.position),
        })
        .map(|t| (t.position - base, t.text.clone()))
        .collect();
    Phrase { terms, prefix }
}

fn is_loose(text: &str, quoted: bool) -> bool {
    if quoted {
        return false;
    }
    let han = text.chars().filter(|&c| is_cjk(c)).count();
    han > EXACT_HAN_RUN && text.chars().all(is_cjk)
}

fn term_query(field: Field, text: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(
        Term::from_field_text(field, text),
        IndexRecordOption::WithFreqs,
    ))
}

fn phrase_query(field: Field, phrase: &Phrase) -> Option<Box<dyn Query>> {
    let terms: Vec<(usize, Term)> = phrase
        .terms
        .iter()
        .map(|(p, t)| (*p, Term::from_field_text(field, t)))
        .collect();
    match (terms.len(), phrase.prefix) {
        (0, _) => None,
        (n, true) => {
            // tantivy matches the prefix right after the last phrase term, whatever its
            // offset; the term before a lone gram character is always a word or a break at
            // the position before (see `phrase_terms`).
            debug_assert!(n < 2 || terms[n - 1].0 == terms[n - 2].0 + 1);
            Some(Box::new(PrefixPhraseQuery::new(terms)))
        }
        (1, false) => Some(term_query(field, &phrase.terms[0].1)),
        _ => Some(Box::new(PhraseQuery::new_with_offset(terms))),
    }
}

/// The query for one text clause on one field; `None` when the text has nothing searchable.
fn text_query(field: Field, text: &str, quoted: bool) -> Option<Box<dyn Query>> {
    let tokens = analyze(text);
    let phrase = phrase_terms(&tokens);
    if !is_loose(text, quoted) {
        return phrase_query(field, &phrase);
    }
    let mut bigrams: Vec<String> = tokens
        .iter()
        .filter(|t| t.kind == TokenKind::Bigram)
        .map(|t| t.text.clone())
        .collect();
    bigrams.sort();
    bigrams.dedup();
    let min = ((bigrams.len() as f64) * LOOSE_MIN_SHARE).ceil().max(1.0) as usize;
    let loose = BooleanQuery::with_minimum_required_clauses(
        bigrams
            .iter()
            .map(|b| (Occur::Should, term_query(field, b)))
            .collect(),
        min,
    );
    let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, Box::new(loose))];
    if let Some(exact) = phrase_query(field, &phrase) {
        clauses.push((Occur::Should, Box::new(BoostQuery::new(exact, 3.0))));
    }
    Some(Box::new(BooleanQuery::new(clauses)))
}

/// A text clause on a document-level field (indexed on each document's head passage only):
/// it matches every passage of the documents found.
fn document_query(field: Field, text: &str, quoted: bool) -> Option<Box<dyn Query>> {
    let inner = text_query(field, text, quoted)?;
    Some(Box::new(crate::docjoin::DocJoinQuery::new(inner)))
}

fn clause_query(f: &Fields, clause: &Clause) -> Option<Box<dyn Query>> {
    match clause {
        Clause::All => Some(Box::new(AllQuery)),
        Clause::Lang(v) => Some(term_query(f.lang, v)),
        Clause::Format(v) => Some(term_query(f.format, v)),
        Clause::Provision(id) => Some(term_query(f.provision, id)),
        Clause::Doctype(t) => Some(term_query(f.doctype, t)),
        Clause::Year(y) => Some(term_query(f.year, y)),
        Clause::Ocr(yes) => Some(Box::new(TermQuery::new(
            Term::from_field_u64(f.ocr, u64::from(*yes)),
            IndexRecordOption::Basic,
        ))),
        Clause::Issuer { name, exact: true } => Some(term_query(f.issuer, name)),
        Clause::Issuer { name, exact: false } => {
            Some(document_query(f.issuer_text, name, true).unwrap_or_else(|| Box::new(EmptyQuery)))
        }
        Clause::Docno(v) => {
            Some(document_query(f.docno_text, v, true).unwrap_or_else(|| Box::new(EmptyQuery)))
        }
        Clause::Region(paths) => Some(Box::new(BooleanQuery::new(
            paths
                .iter()
                .map(|p| (Occur::Should, term_query(f.region, p)))
                .collect(),
        ))),
        Clause::Date(lo, hi) => Some(Box::new(RangeQuery::new(
            Bound::Included(Term::from_field_u64(f.day, *lo)),
            Bound::Included(Term::from_field_u64(f.day, *hi)),
        ))),
        Clause::Expanded { words, terms } => {
            let mut alts: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            let all_words: Vec<(Occur, Box<dyn Query>)> = words
                .iter()
                .filter_map(|w| {
                    clause_query(
                        f,
                        &Clause::Text {
                            text: w.clone(),
                            quoted: false,
                            scope: Scope::Any,
                        },
                    )
                })
                .map(|q| (Occur::Must, q))
                .collect();
            if !all_words.is_empty() {
                alts.push((Occur::Should, Box::new(BooleanQuery::new(all_words))));
            }
            for t in terms {
                if let Some(q) = clause_query(
                    f,
                    &Clause::Text {
                        text: t.clone(),
                        quoted: true,
                        scope: Scope::Any,
                    },
                ) {
                    alts.push((Occur::Should, q));
                }
            }
            Some(Box::new(BooleanQuery::new(alts)))
        }
        Clause::Text {
            text,
            quoted,
            scope: Scope::Any,
        } => {
            let body = text_query(f.text, text, *quoted)?;
            let title = document_query(f.title_text, text, *quoted)?;
            Some(Box::new(BooleanQuery::new(vec![
                (Occur::Should, body),
                (Occur::Should, Box::new(BoostQuery::new(title, 0.3))),
            ])))
        }
        Clause::Text {
            text,
            quoted,
            scope: Scope::Title,
        } => document_query(f.title_text, text, *quoted),
        Clause::Text {
            text,
            scope: Scope::Path,
            ..
        } => document_query(f.path_text, text, true),
    }
}

impl ParsedQuery {
    /// Build the tantivy query. Errors when nothing in it can be searched.
    pub fn to_query(&self, f: &Fields) -> Result<Box<dyn Query>> {
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for group in &self.required {
            let mut alts: Vec<Box<dyn Query>> =
                group.iter().filter_map(|c| clause_query(f, c)).collect();
            match alts.len() {
                0 => {}
                1 => clauses.push((Occur::Must, alts.remove(0))),
                _ => clauses.push((
                    Occur::Must,
                    Box::new(BooleanQuery::new(
                        alts.into_iter().map(|q| (Occur::Should, q)).collect(),
                    )),
                )),
            }
        }
        if clauses.is_empty() && self.required.iter().flatten().next().is_some() {
            return Err(Error::Query(
                "the query has no searchable characters (only punctuation?)".into(),
            ));
        }
        for c in &self.excluded {
            if let Some(q) = clause_query(f, c) {
                clauses.push((Occur::MustNot, q));
            }
        }
        if clauses.iter().all(|(o, _)| *o == Occur::MustNot) {
            clauses.push((Occur::Must, Box::new(AllQuery)));
        }
        Ok(Box::new(BooleanQuery::new(clauses)))
    }

    /// What to highlight in passage text.
    pub fn highlight_patterns(&self) -> Vec<HighlightPattern> {
        let expanded: Vec<Clause> = self
            .required
            .iter()
            .flatten()
            .filter_map(|c| match c {
                Clause::Expanded { words, terms } => Some(
                    words
                        .iter()
                        .map(|w| (w, false))
                        .chain(terms.iter().map(|t| (t, true)))
                        .map(|(t, quoted)| Clause::Text {
                            text: t.clone(),
                            quoted,
                            scope: Scope::Any,
                        })
                        .collect::<Vec<_>>(),
                ),
                _ => None,
            })
            .flatten()
            .collect();
        self.required
            .iter()
            .flatten()
            .chain(expanded.iter())
            .filter_map(|c| match c {
                Clause::Text {
                    text,
                    quoted,
                    scope: Scope::Any,
                } => {
                    let tokens = analyze(text);
                    let loose = is_loose(text, *quoted);
                    let phrase = if loose {
                        Phrase {
                            terms: tokens
                                .iter()
                                .filter(|t| t.kind == TokenKind::Bigram)
                                .map(|t| (0, t.text.clone()))
                                .collect(),
                            prefix: false,
                        }
                    } else {
                        phrase_terms(&tokens)
                    };
                    (!phrase.terms.is_empty()).then_some(HighlightPattern {
                        terms: phrase.terms,
                        loose,
                        prefix: phrase.prefix,
                    })
                }
                _ => None,
            })
            .collect()
    }

    /// True when the query has no text clause (only filters or `*`).
    pub fn is_filter_only(&self) -> bool {
        !self
            .required
            .iter()
            .flatten()
            .any(|c| matches!(c, Clause::Text { .. } | Clause::Expanded { .. }))
    }

    /// Expand runs of plain English words that name a provision (`export license`) to the
    /// provision's Chinese terms, so an English query reaches Chinese text. Returns what was
    /// expanded, phrase → terms, for the response.
    pub fn expand(&mut self, taxonomy: &Taxonomy) -> BTreeMap<String, Vec<String>> {
        let mut report = BTreeMap::new();
        let mut out: Vec<Vec<Clause>> = Vec::with_capacity(self.required.len());
        let mut k = 0;
        while k < self.required.len() {
            // The longest run of single, unquoted, plain-word clauses starting at k.
            let run_end = (k..self.required.len())
                .find(|&j| plain_word(&self.required[j]).is_none())
                .unwrap_or(self.required.len());
            if run_end == k {
                // An OR group: each plain word in it is expanded on its own.
                let group = self.required[k]
                    .iter()
                    .map(|c| expand_single(c, taxonomy, &mut report))
                    .collect();
                out.push(group);
                k += 1;
                continue;
            }
            let words: Vec<&str> = (k..run_end)
                .filter_map(|j| plain_word(&self.required[j]))
                .collect();
            let spans = merged_expansions(taxonomy, &words);
            if spans.is_empty() {
                out.extend(self.required[k..run_end].iter().cloned());
                k = run_end;
                continue;
            }
            // Words no expansion covers stay required on the English side of every expanded
            // clause of the run, but do not shut out the Chinese side: `vehicle registration`
            // is (vehicle AND registration) OR 注册登记 OR ….
            let covered: std::collections::HashSet<usize> = spans
                .iter()
                .flat_map(|(start, len, _, _)| *start..start + len)
                .collect();
            let leftover: Vec<String> = (0..words.len())
                .filter(|i| !covered.contains(i))
                .map(|i| words[i].to_string())
                .collect();
            for (start, len, phrase, terms) in spans {
                report.insert(phrase, terms.clone());
                let mut english: Vec<String> = leftover.clone();
                english.extend(words[start..start + len].iter().map(|w| w.to_string()));
                out.push(vec![Clause::Expanded {
                    words: english,
                    terms,
                }]);
            }
            k = run_end;
        }
        self.required = out;
        // An excluded provision word excludes its Chinese terms too (`-rebate`).
        self.excluded = std::mem::take(&mut self.excluded)
            .iter()
            .map(|c| expand_single(c, taxonomy, &mut report))
            .collect();
        report
    }
}

/// Expansions of a run of words, non-overlapping, left to right; expansions that start at the
/// same word and cover the same span (several provisions) are merged into one set of terms.
/// Each is `(start, len, phrase, terms)`.
fn merged_expansions(
    taxonomy: &Taxonomy,
    words: &[&str],
) -> Vec<(usize, usize, String, Vec<String>)> {
    let found = taxonomy.expand_english(words);
    let mut out: Vec<(usize, usize, String, Vec<String>)> = Vec::new();
    let mut w = 0;
    while w < words.len() {
        let here: Vec<_> = found.iter().filter(|e| e.start == w && e.len > 0).collect();
        let Some(len) = here.iter().map(|e| e.len).max() else {
            w += 1;
            continue;
        };
        let mut terms: Vec<String> = Vec::new();
        for e in here.iter().filter(|e| e.len == len) {
            for t in &e.zh_terms {
                if !terms.contains(t) {
                    terms.push(t.clone());
                }
            }
        }
        let phrase = here
            .iter()
            .find(|e| e.len == len)
            .map_or_else(String::new, |e| e.phrase.clone());
        out.push((w, len, phrase, terms));
        w += len;
    }
    out
}

/// A single plain word that names a provision on its own, expanded; anything else unchanged.
fn expand_single(
    clause: &Clause,
    taxonomy: &Taxonomy,
    report: &mut BTreeMap<String, Vec<String>>,
) -> Clause {
    let group = std::slice::from_ref(clause);
    let Some(word) = plain_word(group) else {
        return clause.clone();
    };
    match merged_expansions(taxonomy, &[word]).pop() {
        Some((_, _, phrase, terms)) => {
            report.insert(phrase, terms.clone());
            Clause::Expanded {
                words: vec![word.to_string()],
                terms,
            }
        }
        None => clause.clone(),
    }
}

/// The word of a clause that is one unquoted Latin word searched everywhere.
fn plain_word(group: &[Clause]) -> Option<&str> {
    match group {
        [Clause::Text {
            text,
            quoted: false,
            scope: Scope::Any,
        }] if text.chars().all(|c| c.is_ascii_alphabetic() || c == '-') => Some(text),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn expanded(q: &str) -> (ParsedQuery, BTreeMap<String, Vec<String>>) {
        parse_with(q, Some(Taxonomy::builtin())).unwrap()
    }

    #[test]
    fn expansion_keeps_leftover_words_on_the_english_side() {
        let (q, report) = expanded("vehicle registration");
        assert_eq!(q.required.len(), 1, "{:?}", q.required);
        let Clause::Expanded { words, terms } = &q.required[0][0] else {
            panic!("{:?}", q.required)
        };
        assert!(
            words.contains(&"vehicle".to_string()) && words.contains(&"registration".to_string())
        );
        assert!(!terms.is_empty());
        assert!(!report.is_empty());
    }

    #[test]
    fn expansion_reaches_or_groups_and_exclusions() {
        let (q, report) = expanded("出口 -rebate");
        assert!(
            matches!(q.excluded[0], Clause::Expanded { .. }),
            "{:?}",
            q.excluded
        );
        assert!(report.contains_key("rebate"));
        let (q, _) = expanded("rebate OR 补贴");
        assert!(matches!(q.required[0][0], Clause::Expanded { .. }));
        assert!(matches!(q.required[0][1], Clause::Text { .. }));
        // Quoted words are never expanded.
        let (q, report) = expanded("\"export licence\"");
        assert!(report.is_empty());
        assert!(matches!(
            q.required[0][0],
            Clause::Text { quoted: true, .. }
        ));
    }

    #[test]
    fn parses_syntax() {
        let q = parse(r#"免费仓储 "export rebate" -distractor a OR b lang:zh format:PDF"#).unwrap();
        assert_eq!(q.required.len(), 5);
        assert_eq!(q.required[2].len(), 2);
        assert_eq!(q.excluded.len(), 1);
        assert_eq!(q.required[4][0], Clause::Format("pdf".into()));
    }

    #[test]
    fn malformed_queries_are_errors() {
        for bad in [
            "\"unclosed",
            "OR x",
            "x OR",
            "-",
            "foo:bar",
            "lang:",
            "format:exe",
            "ocr:maybe",
            "  ",
        ] {
            assert!(parse(bad).is_err(), "{bad} should fail");
        }
    }

    #[test]
    fn long_han_runs_are_loose_but_identifiers_exact() {
        assert!(!is_loose("免费仓储", false));
        assert!(is_loose("支持企业建设和使用海外仓的政策", false));
        assert!(!is_loose("支持企业建设和使用海外仓的政策", true));
        assert!(!is_loose("粤商务贸函〔2023〕15号", false));
    }

    #[test]
    fn phrase_terms_cover_every_character() {
        let t = phrase_terms(&analyze("发〔2023〕12号")).terms;
        let texts: Vec<_> = t.iter().map(|(_, s)| s.as_str()).collect();
        assert_eq!(texts, vec!["发", "|", "20", "23", "|", "12", "2号"]);
        let positions: Vec<_> = t.iter().map(|(p, _)| *p).collect();
        assert_eq!(positions, vec![0, 1, 2, 4, 6, 7, 8]);
        let cover = |s: &str| -> Vec<(usize, String)> { phrase_terms(&analyze(s)).terms };
        let pairs = |v: &[(usize, &str)]| -> Vec<(usize, String)> {
            v.iter().map(|&(p, s)| (p, s.to_string())).collect()
        };
        assert_eq!(cover("海外仓"), pairs(&[(0, "海外"), (1, "外仓")]));
        assert_eq!(cover("出口退税"), pairs(&[(0, "出口"), (2, "退税")]));
        assert_eq!(
            cover("反倾销调查"),
            pairs(&[(0, "反倾"), (2, "销调"), (3, "调查")])
        );
        assert_eq!(
            cover("零公里二手车"),
            pairs(&[(0, "零公"), (2, "里二"), (4, "手车")])
        );
        assert_eq!(cover("补贴"), pairs(&[(0, "补贴")]));
        assert_eq!(cover("出口退"), pairs(&[(0, "出口"), (1, "口退")]));
        // Only a single gram character that ends the text is a prefix.
        let prefix = |s: &str| phrase_terms(&analyze(s)).prefix;
        assert!(prefix("税") && prefix("A股") && prefix("出口，税") && prefix("iPhone 5"));
        assert!(!prefix("税，") && !prefix("5G") && !prefix("出口退") && !prefix("export"));
        assert_eq!(cover("A股"), pairs(&[(0, "a"), (1, "股")]));
    }
}
