//! Placeholder until the real extractor lands.
use super::{ExtractError, ExtractedDoc};
pub fn extract(bytes: &[u8]) -> Result<ExtractedDoc, ExtractError> {
    let s = String::from_utf8_lossy(bytes).into_owned();
    Ok(ExtractedDoc {
        pages: s.split('\x0C').map(String::from).collect(),
        ..Default::default()
    })
}
