//! The provisio analyzer: CJK and digits as unigrams + bigrams sharing a position, Latin words
//! lower-cased and stemmed. Offsets always point into the original (display) text.
//!
//! Rules (the query side uses the same function, so both sides agree):
//! - a "gram character" is a CJK character or a digit (after [`fold_char`]); each gets its own
//!   position and a unigram token; when the next gram character follows with only whitespace in
//!   between, a bigram token (this + next) is emitted at the same position. Whitespace between
//!   gram characters is layout (`2023 年`, `外\n贸`) and does not break the chain;
//! - a Latin word (a run of letters) is one token at one position, lower-cased and stemmed;
//! - punctuation takes no position and breaks the bigram chain.

use super::normalize::{fold_char, is_cjk};
use super::stem::stem;
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};

/// Name under which the analyzer is registered in the tantivy index.
pub const TOKENIZER_NAME: &str = "provisio";

/// Longest Latin word kept whole (longer runs are cut; they are never real words).
const MAX_WORD_CHARS: usize = 64;

/// What kind of token, for callers that build queries from tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Unigram,
    Bigram,
    Word,
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

/// Analyze `text` into tokens (see the module docs for the rules).
pub fn analyze(text: &str) -> Vec<AnalyzedToken> {
    let mut out = Vec::with_capacity(text.len() / 2);
    let mut position = 0usize;
    // The previous gram character: (folded char, byte offset, position), while the chain holds.
    let mut prev_gram: Option<(char, usize, usize)> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((start, c)) = chars.next() {
        let f = fold_char(c);
        match classify(f) {
            Class::Gram => {
                let end = start + c.len_utf8();
                if let Some((pc, pstart, ppos)) = prev_gram {
                    let mut bigram = String::with_capacity(8);
                    bigram.push(pc);
                    bigram.push(f);
                    out.push(AnalyzedToken {
                        kind: TokenKind::Bigram,
                        text: bigram,
                        position: ppos,
                        offset_from: pstart,
                        offset_to: end,
                    });
                }
                out.push(AnalyzedToken {
                    kind: TokenKind::Unigram,
                    text: f.to_string(),
                    position,
                    offset_from: start,
                    offset_to: end,
                });
                prev_gram = Some((f, start, position));
                position += 1;
            }
            Class::Letter => {
                let mut word = String::new();
                let mut end = start + c.len_utf8();
                let mut n = 1;
                word.extend(f.to_lowercase());
                while let Some(&(i, nc)) = chars.peek() {
                    let nf = fold_char(nc);
                    if classify(nf) != Class::Letter {
                        break;
                    }
                    if n < MAX_WORD_CHARS {
                        word.extend(nf.to_lowercase());
                    }
                    n += 1;
                    end = i + nc.len_utf8();
                    chars.next();
                }
                let stemmed = stem(&word);
                out.push(AnalyzedToken {
                    kind: TokenKind::Word,
                    text: stemmed,
                    position,
                    offset_from: start,
                    offset_to: end,
                });
                position += 1;
                prev_gram = None;
            }
            Class::Space => {}
            Class::Other => prev_gram = None,
        }
    }
    // tantivy wants tokens ordered by position; a bigram is pushed after the unigram of the
    // position before it, so sort stably by position.
    out.sort_by_key(|t| t.position);
    out
}

/// The tantivy tokenizer wrapping [`analyze`].
#[derive(Clone, Default)]
pub struct ProvisioTokenizer;

/// Token stream over a precomputed token vector.
pub struct ProvisioTokenStream {
    tokens: Vec<Token>,
    index: usize,
}

impl Tokenizer for ProvisioTokenizer {
    type TokenStream<'a> = ProvisioTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> ProvisioTokenStream {
        let tokens = analyze(text)
            .into_iter()
            .map(|t| Token {
                offset_from: t.offset_from,
                offset_to: t.offset_to,
                position: t.position,
                text: t.text,
                position_length: 1,
            })
            .collect();
        ProvisioTokenStream { tokens, index: 0 }
    }
}

impl TokenStream for ProvisioTokenStream {
    fn advance(&mut self) -> bool {
        if self.index < self.tokens.len() {
            self.index += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.index - 1]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.index - 1]
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
    fn han_gets_unigrams_and_bigrams_at_same_position() {
        let t = texts("免费仓储");
        assert_eq!(
            t,
            vec![
                ("免".into(), 0),
                ("免费".into(), 0),
                ("费".into(), 1),
                ("费仓".into(), 1),
                ("仓".into(), 2),
                ("仓储".into(), 2),
                ("储".into(), 3),
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
