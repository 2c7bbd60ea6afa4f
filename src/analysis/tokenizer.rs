//! The provisio analyzer: CJK and digits as overlapping bigrams (one token per character),
//! Latin words lower-cased and stemmed. Offsets always point into the original (display) text.
//!
//! Rules (the query side uses the same function, so both sides agree):
//! - a "gram character" is a CJK character or a digit (after [`fold_char`]); consecutive ones
//!   form a chain (whitespace between them is layout, `2023 年`, `外\n贸`, and does not break
//!   it). Each character of a chain gets its own position and one token there: the bigram of
//!   it and the next character, or, for the chain's last character, its unigram. 免费仓储 is
//!   免费@0 费仓@1 仓储@2 储@3. So a text of two or more gram characters is found by its
//!   bigrams, and a single one (`税`, `5`) by every term that starts with it: its unigram where
//!   it ends a chain, a bigram elsewhere (the query side asks for that prefix). Unigrams at
//!   every position as well would double the postings of Chinese text and find nothing more;
//! - a Latin word (a run of letters) is one token at one position, lower-cased and stemmed;
//! - punctuation breaks the bigram chain; where it breaks one (after a gram character) it also
//!   takes a position with the [`BREAK`] token, so that gram characters on either side are never
//!   at adjacent positions. Phrase queries rely on it: they skip every other bigram of a chain
//!   (出口@0 退税@2 for 出口退税), and without the position 出口，退税 would match. A query
//!   that contains the break (`"出口，退税"`) matches the break, not any character in its
//!   place.

use super::normalize::{fold_char, is_cjk};
use super::stem::stem;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Name under which the analyzer is registered in the tantivy index.
pub const TOKENIZER_NAME: &str = "provisio";

/// Longest Latin word kept whole (longer runs are cut; they are never real words).
const MAX_WORD_CHARS: usize = 64;

/// The token where punctuation breaks a chain of gram characters. No text yields it otherwise:
/// punctuation is never a token of its own.
pub const BREAK: &str = "|";

/// What kind of token, for callers that build queries from tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Unigram,
    Bigram,
    Word,
    /// Punctuation after a gram character ([`BREAK`]).
    Break,
}

/// One analyzed token with its kind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalyzedToken {
    pub kind: TokenKind,
    pub text: String,
    pub position: usize,
    pub offset_from: usize,
    pub offset_to: usize,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Gram,
    Letter,
    Space,
    Other,
}

fn classify(folded: char) -> Class {
    if folded.is_ascii_digit() || is_cjk(folded) {
        Class::Gram
    } else if folded.is_alphabetic() {
        Class::Letter
    } else if folded.is_whitespace() || folded == '\u{200B}' || folded == '\u{FEFF}' {
        Class::Space
    } else {
        Class::Other
    }
}

/// Analyze `text` into tokens (see the module docs for the rules). The query side uses this;
/// the index side streams the same tokens through [`ProvisioTokenStream`] without collecting.
pub fn analyze(text: &str) -> Vec<AnalyzedToken> {
    let mut out = Vec::with_capacity(text.len() / 2);
    let mut stream = ProvisioTokenStream::new(text);
    while stream.advance() {
        let t = &stream.token;
        out.push(AnalyzedToken {
            kind: stream.kind,
            text: t.text.clone(),
            position: t.position,
            offset_from: t.offset_from,
            offset_to: t.offset_to,
        });
    }
    out
}

/// The tantivy tokenizer: [`ProvisioTokenStream`] over the text.
#[derive(Clone, Default)]
pub struct ProvisioTokenizer;

/// Tokens produced one at a time into one reused [`Token`] (no allocation per token). Positions
/// never decrease: a chain's last unigram is emitted before the word or break that ends it.
pub struct ProvisioTokenStream<'a> {
    chars: std::iter::Peekable<std::str::CharIndices<'a>>,
    token: Token,
    kind: TokenKind,
    position: usize,
    /// The previous gram character: (folded char, start, end, position), while the chain holds.
    prev_gram: Option<(char, usize, usize, usize)>,
    /// The word or break that ended a chain, emitted after the chain's last unigram:
    /// (kind, start, end, position); a word's text is in `pending_text`.
    pending: Option<(TokenKind, usize, usize, usize)>,
    pending_text: String,
    word: String,
}

impl<'a> ProvisioTokenStream<'a> {
    pub fn new(text: &'a str) -> Self {
        ProvisioTokenStream {
            chars: text.char_indices().peekable(),
            token: Token::default(),
            kind: TokenKind::Unigram,
            position: 0,
            prev_gram: None,
            pending: None,
            pending_text: String::new(),
            word: String::new(),
        }
    }

    fn emit(&mut self, kind: TokenKind, position: usize, from: usize, to: usize) {
        self.kind = kind;
        self.token.position = position;
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.position_length = 1;
    }

    fn emit_unigram(&mut self, f: char, from: usize, to: usize, position: usize) {
        self.token.text.clear();
        self.token.text.push(f);
        self.emit(TokenKind::Unigram, position, from, to);
    }

    /// Emit the pending word or break, or the chain's last unigram with the word or break
    /// made pending. True when something was emitted.
    fn end_chain_then(&mut self, kind: TokenKind, from: usize, to: usize) -> bool {
        let position = self.position;
        self.position += 1;
        match self.prev_gram.take() {
            Some((f, pstart, pend, ppos)) => {
                self.pending = Some((kind, from, to, position));
                self.emit_unigram(f, pstart, pend, ppos);
            }
            None => {
                std::mem::swap(&mut self.token.text, &mut self.pending_text);
                self.emit(kind, position, from, to);
            }
        }
        true
    }
}

impl Tokenizer for ProvisioTokenizer {
    type TokenStream<'a> = ProvisioTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ProvisioTokenStream<'a> {
        ProvisioTokenStream::new(text)
    }
}

impl TokenStream for ProvisioTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if let Some((kind, from, to, position)) = self.pending.take() {
            std::mem::swap(&mut self.token.text, &mut self.pending_text);
            self.emit(kind, position, from, to);
            return true;
        }
        while let Some((start, c)) = self.chars.next() {
            let f = fold_char(c);
            match classify(f) {
                Class::Gram => {
                    let end = start + c.len_utf8();
                    let position = self.position;
                    self.position += 1;
                    let prev = self.prev_gram.replace((f, start, end, position));
                    if let Some((pc, pstart, _, ppos)) = prev {
                        self.token.text.clear();
                        self.token.text.push(pc);
                        self.token.text.push(f);
                        self.emit(TokenKind::Bigram, ppos, pstart, end);
                        return true;
                    }
                }
                Class::Letter => {
                    self.word.clear();
                    let mut end = start + c.len_utf8();
                    let mut n = 1;
                    self.word.extend(f.to_lowercase());
                    while let Some(&(i, nc)) = self.chars.peek() {
                        let nf = fold_char(nc);
                        if classify(nf) != Class::Letter {
                            break;
                        }
                        if n < MAX_WORD_CHARS {
                            self.word.extend(nf.to_lowercase());
                        }
                        n += 1;
                        end = i + nc.len_utf8();
                        self.chars.next();
                    }
                    let stemmed = stem(&self.word);
                    self.pending_text.clear();
                    self.pending_text.push_str(&stemmed);
                    return self.end_chain_then(TokenKind::Word, start, end);
                }
                Class::Space => {}
                Class::Other => {
                    if self.prev_gram.is_some() {
                        self.pending_text.clear();
                        self.pending_text.push_str(BREAK);
                        return self.end_chain_then(TokenKind::Break, start, start + c.len_utf8());
                    }
                }
            }
        }
        // The text ends: a chain still open ends with its last unigram.
        match self.prev_gram.take() {
            Some((f, from, to, position)) => {
                self.emit_unigram(f, from, to, position);
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<(String, usize)> {
        analyze(s)
            .into_iter()
            .map(|t| (t.text, t.position))
            .collect()
    }

    #[test]
    fn han_chain_gets_bigrams_and_a_final_unigram() {
        let t = texts("免费仓储");
        assert_eq!(
            t,
            vec![
                ("免费".into(), 0),
                ("费仓".into(), 1),
                ("仓储".into(), 2),
                ("储".into(), 3),
            ]
        );
        assert_eq!(texts("税"), vec![("税".into(), 0)]);
        // A chain ends before a word: its last unigram comes first, positions in order.
        assert_eq!(
            texts("A股 5G网络"),
            vec![
                ("a".into(), 0),
                ("股5".into(), 1),
                ("5".into(), 2),
                ("g".into(), 3),
                ("网络".into(), 4),
                ("络".into(), 5),
            ]
        );
    }

    #[test]
    fn layout_whitespace_between_han_does_not_break_bigrams() {
        let joined: Vec<_> = texts("外贸企业");
        let broken: Vec<_> = texts("外\n贸 企业");
        assert_eq!(joined, broken);
        assert_eq!(texts("2023 年 5 月"), texts("2023年5月"));
    }

    #[test]
    fn punctuation_after_gram_characters_takes_a_position() {
        assert_eq!(
            texts("出口，退税"),
            vec![
                ("出口".into(), 0),
                ("口".into(), 1),
                (BREAK.into(), 2),
                ("退税".into(), 3),
                ("税".into(), 4),
            ]
        );
        // One break per run of punctuation; none between Latin words.
        assert_eq!(
            texts("出（1）"),
            vec![
                ("出".into(), 0),
                (BREAK.into(), 1),
                ("1".into(), 2),
                (BREAK.into(), 3)
            ]
        );
        assert_eq!(
            texts("free, trade"),
            vec![("free".into(), 0), ("trad".into(), 1)]
        );
    }

    #[test]
    fn latin_words_are_lowercased_and_stemmed() {
        let t = texts("Free WAREHOUSING and warehouses");
        assert_eq!(t[0].0, "free");
        assert_eq!(t[1].0, "warehous");
        assert_eq!(t[3].0, "warehous");
    }

    #[test]
    fn offsets_point_into_display_text() {
        let s = "第三條 出口退稅";
        for t in analyze(s) {
            assert!(s.is_char_boundary(t.offset_from) && s.is_char_boundary(t.offset_to));
        }
        let tok = analyze(s).into_iter().find(|t| t.text == "退税").unwrap();
        assert_eq!(&s[tok.offset_from..tok.offset_to], "退稅");
    }

    #[test]
    fn full_width_and_radicals_fold() {
        assert_eq!(texts("ＡＢＣ１２"), texts("abc12"));
        assert_eq!(texts("\u{2F00}般"), texts("一般"));
    }
}
