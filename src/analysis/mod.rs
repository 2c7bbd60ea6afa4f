//! Text analysis: normalisation and the CJK-aware tokenizer shared by indexing and querying.

pub mod normalize;
pub mod stem;
pub mod tokenizer;

pub use normalize::{fold_char, fold_str, is_cjk};
pub use tokenizer::{analyze, AnalyzedToken, ProvisioTokenizer, TokenKind, TOKENIZER_NAME};
