//! Loading a PDF with lopdf: header checks, an xref rebuilt from the bytes when the file's own is broken or truncated, decryption with the empty password, load errors mapped to reasons.

use super::super::ExtractError;
use super::guarded;
use lopdf::{dictionary, Document, Object, ObjectId};
use std::collections::BTreeMap;

pub(super) fn load(bytes: &[u8]) -> Result<Document, ExtractError> {
    if bytes.is_empty() {
        return Err(ExtractError::Malformed("empty file".into()));
    }
    if !bytes.windows(5).take(1024).any(|w| w == b"%PDF-") {
        return Err(ExtractError::Malformed("no %PDF- header".into()));
    }
    let encrypted = find(bytes, b"/Encrypt", 0).is_some();
    let doc = match parse(bytes)? {
        Ok(doc) if encrypted || !doc.get_pages().is_empty() => doc,
        // Loaded but no page tree reachable (e.g. a missing xref entry): try a rebuilt xref.
        Ok(doc) => reload_rebuilt(bytes).unwrap_or(doc),
        Err(e) if encrypted || !is_structural(&e) => return Err(load_error(&e)),
        Err(e) => reload_rebuilt(bytes).ok_or_else(|| {
            // No `%%EOF` near the end: most likely a partial download or copy.
            let tail = &bytes[bytes.len().saturating_sub(2048)..];
            match find(tail, b"%%EOF", 0) {
                None => ExtractError::Malformed("truncated file: no complete page found".into()),
                Some(_) => load_error(&e),
            }
        })?,
    };
    decrypt(doc, bytes)
}

/// `Document::load_mem` with its panics caught.
fn parse(bytes: &[u8]) -> Result<lopdf::Result<Document>, ExtractError> {
    guarded(|| Document::load_mem(bytes)).map_err(|m| ExtractError::Panic(format!("lopdf: {m}")))
}

/// Errors a rebuilt xref may get around (not encryption or unsupported features).
fn is_structural(e: &lopdf::Error) -> bool {
    use lopdf::Error as E;
    !matches!(
        e,
        E::Decryption(_)
            | E::InvalidPassword
            | E::UnsupportedSecurityHandler(_)
            | E::Unimplemented(_)
    )
}

/// The document loaded through [`rebuild_xref`], if that yields any page. A catalog in an
/// object stream (invisible to the byte scan) is looked up after loading; a page tree lost
/// (typically in a truncated file) is replaced, as poppler does, by one holding every
/// `/Type /Page` object in object order.
fn reload_rebuilt(bytes: &[u8]) -> Option<Document> {
    let mut doc = parse(&rebuild_xref(bytes)?).ok()?.ok()?;
    let of_type = |doc: &Document, kind: &[u8]| -> Vec<ObjectId> {
        let typed = |o: &Object| o.as_dict().is_ok_and(|d| d.has_type(kind));
        doc.objects
            .iter()
            .filter(|(_, o)| typed(o))
            .map(|(&id, _)| id)
            .collect()
    };
    if !doc.trailer.has(b"Root") {
        let catalog = *of_type(&doc, b"Catalog").first()?;
        doc.trailer.set("Root", catalog);
    }
    if doc.get_pages().is_empty() {
        let kids = of_type(&doc, b"Page");
        let count = i64::try_from(kids.len()).ok()?;
        let kids: Vec<Object> = kids.into_iter().map(Object::Reference).collect();
        let tree = dictionary! { "Type" => "Pages", "Kids" => kids, "Count" => count };
        let tree = doc.add_object(tree);
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => tree });
        doc.trailer.set("Root", catalog);
    }
    (!doc.get_pages().is_empty()).then_some(doc)
}

fn load_error(e: &lopdf::Error) -> ExtractError {
    use lopdf::Error as E;
    match e {
        E::Decryption(_) | E::InvalidPassword | E::UnsupportedSecurityHandler(_) => {
            ExtractError::Encrypted
        }
        // lopdf does not export ParseError; its message is the stable part.
        E::Parse(p) if p.to_string() == "invalid file trailer" => {
            ExtractError::Malformed("no trailer".into())
        }
        E::Unimplemented(what) => {
            ExtractError::Malformed(format!("unsupported PDF feature: {what}"))
        }
        other => ExtractError::Malformed(other.to_string()),
    }
}

/// lopdf decrypts files with an empty user password while loading; anything still carrying
/// `/Encrypt` needs a password, except files without a trailer `/ID`, which lopdf refuses
/// to decrypt: for those we add an empty `/ID` (what writers assume when it is missing).
fn decrypt(mut doc: Document, bytes: &[u8]) -> Result<Document, ExtractError> {
    if !doc.trailer.has(b"Encrypt") {
        return Ok(doc);
    }
    if !doc.is_encrypted() {
        // The /Encrypt entry is unusable by lopdf (e.g. a direct dictionary): no objects.
        return Err(ExtractError::Encrypted);
    }
    match doc.decrypt("") {
        Ok(()) => Ok(doc),
        Err(lopdf::Error::Decryption(lopdf::encryption::DecryptionError::MissingFileID))
            if !doc.trailer.has(b"ID") =>
        {
            let patched = with_empty_id(bytes).ok_or(ExtractError::Encrypted)?;
            match parse(&patched)? {
                Ok(doc) if !doc.trailer.has(b"Encrypt") => Ok(doc),
                _ => Err(ExtractError::Encrypted),
            }
        }
        Err(_) => Err(ExtractError::Encrypted),
    }
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

pub(super) fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}

/// The file with `/ID [<> <>]` inserted into its last trailer dictionary.
fn with_empty_id(bytes: &[u8]) -> Option<Vec<u8>> {
    let open = find(bytes, b"<<", rfind(bytes, b"trailer")?)? + 2;
    let mut out = bytes[..open].to_vec();
    out.extend_from_slice(b" /ID [<> <>] ");
    out.extend_from_slice(&bytes[open..]);
    Some(out)
}

/// Appends a fresh xref table and trailer built by scanning for `N G obj` headers, so lopdf
/// can load files whose xref or trailer is broken or missing. `None` without any object.
fn rebuild_xref(bytes: &[u8]) -> Option<Vec<u8>> {
    let mut offsets: BTreeMap<u32, (usize, u16)> = BTreeMap::new();
    let (mut root, mut info) = (None, None);
    let mut i = 0;
    while i < bytes.len() {
        let starts_token = i == 0 || !bytes[i - 1].is_ascii_alphanumeric();
        match starts_token.then(|| object_header(&bytes[i..])).flatten() {
            Some((num, generation, len)) => {
                let body_end = find(bytes, b"endobj", i)
                    .unwrap_or(bytes.len())
                    .min(i + 4096);
                let body = &bytes[i..body_end];
                if find(body, b"/Catalog", 0).is_some() {
                    root = Some((num, generation));
                } else if find(body, b"/CreationDate", 0).is_some() && !body.contains(&b'[') {
                    info = Some((num, generation)); // looks like a document Info dictionary
                }
                offsets.insert(num, (i, generation));
                i += len;
            }
            None => i += 1,
        }
    }
    let size = offsets.keys().next_back()? + 1;
    if size as usize > 8 * offsets.len() + 1024 {
        return None; // absurd object numbers: not worth a huge table
    }
    let mut out = bytes.to_vec();
    out.push(b'\n');
    let xref_at = out.len();
    let mut table = format!("xref\n0 {size}\n0000000000 65535 f\r\n");
    for num in 1..size {
        table += &match offsets.get(&num) {
            Some((offset, generation)) => format!("{offset:010} {generation:05} n\r\n"),
            None => "0000000000 00000 f\r\n".to_string(),
        };
    }
    let entry = |key: &str, id: Option<(u32, u16)>| {
        id.map_or(String::new(), |(num, generation)| {
            format!(" /{key} {num} {generation} R")
        })
    };
    let (root, info) = (entry("Root", root), entry("Info", info));
    table += &format!("trailer\n<< /Size {size}{root}{info} >>\nstartxref\n{xref_at}\n%%EOF\n");
    out.extend_from_slice(table.as_bytes());
    Some(out)
}

/// Parses `12 0 obj` at the start of `s`: (number, generation, header length).
fn object_header(s: &[u8]) -> Option<(u32, u16, usize)> {
    let digits = |from: usize| {
        s[from.min(s.len())..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let spaces = |from: usize| {
        let n = s[from.min(s.len())..]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
        (n > 0).then_some(n)
    };
    let n1 = digits(0);
    let s1 = spaces(n1)?;
    let n2 = digits(n1 + s1);
    let s2 = spaces(n1 + s1 + n2)?;
    let at = n1 + s1 + n2 + s2;
    if n1 == 0 || n1 > 10 || n2 == 0 || n2 > 5 || !s[at..].starts_with(b"obj") {
        return None;
    }
    let number = std::str::from_utf8(&s[..n1]).ok()?.parse().ok()?;
    let generation = std::str::from_utf8(&s[n1 + s1..n1 + s1 + n2])
        .ok()?
        .parse()
        .ok()?;
    Some((number, generation, at + 3))
}
