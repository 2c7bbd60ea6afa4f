//! Font rewrites in the loaded document so pdf-extract reads CJK text: predefined CMaps, legacy GBK bytes behind WinAnsi fonts, `uniXXXX` glyph names, broken Type0 fonts.
//!
//! Only codes the document actually shows get ToUnicode entries: pdf-extract re-reads every
//! CMap for each page, so full tables would cost time on every page (less since provisio reads
//! CMaps itself, `crates/adobe-cmap-parser`, but still per page).

use super::super::pdf_cmap::{
    encoding_cmap, glyph_name_text, is_cjk, split_codes, to_unicode_cmap, Family,
};
use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

/// Decompressed content bytes scanned for used codes before giving up (per document).
const SCAN_BUDGET: usize = 32 << 20;
/// Nesting limit for Form XObjects while scanning.
const MAX_FORM_DEPTH: u8 = 12;

/// A font to rewrite: a Type0 font with a predefined CMap, or (`simple`) a non-embedded
/// TrueType/Type1 font with a CJK name that shows raw GBK/Shift_JIS/… bytes through WinAnsi.
struct Target {
    cmap: String,
    family: Option<Family>,
    has_to_unicode: bool,
    simple: bool,
}

fn name_of(doc: &Document, obj: &Object) -> Option<String> {
    let (_, obj) = doc.dereference(obj).ok()?;
    obj.as_name()
        .ok()
        .map(|n| String::from_utf8_lossy(n).into_owned())
}

fn find_targets(doc: &Document) -> HashMap<ObjectId, Target> {
    let mut targets = HashMap::new();
    for (&id, obj) in &doc.objects {
        let Ok(font) = obj.as_dict() else { continue };
        let has_to_unicode = font
            .get_deref(b"ToUnicode", doc)
            .is_ok_and(|o| o.as_stream().is_ok());
        let encoding = font.get(b"Encoding").ok().and_then(|o| name_of(doc, o));
        match font
            .get(b"Subtype")
            .ok()
            .and_then(|o| name_of(doc, o))
            .as_deref()
        {
            Some("Type0") => {
                let Some(cmap) = encoding.filter(|e| e != "Identity-H" && e != "Identity-V") else {
                    continue;
                };
                let family = Family::of(&cmap);
                targets.insert(
                    id,
                    Target {
                        cmap,
                        family,
                        has_to_unicode,
                        simple: false,
                    },
                );
            }
            Some("TrueType" | "Type1") if !has_to_unicode => {
                // Only a plain (or no) base encoding: Differences mean real glyph names.
                let plain = encoding.is_some() || font.get(b"Encoding").is_err();
                if let Some(family) = legacy_family(doc, font).filter(|_| plain) {
                    let cmap = "legacy CJK bytes".to_string();
                    targets.insert(
                        id,
                        Target {
                            cmap,
                            family: Some(family),
                            has_to_unicode,
                            simple: true,
                        },
                    );
                }
            }
            _ => {}
        }
    }
    targets
}

/// Whether a simple font is a non-embedded CJK-named font showing legacy multi-byte bytes.
fn legacy_family(doc: &Document, font: &Dictionary) -> Option<Family> {
    let descriptor = font
        .get_deref(b"FontDescriptor", doc)
        .and_then(Object::as_dict);
    let embedded = descriptor.is_ok_and(|d| {
        [b"FontFile".as_slice(), b"FontFile2", b"FontFile3"]
            .iter()
            .any(|k| d.has(k))
    });
    let name = font
        .get_deref(b"BaseFont", doc)
        .and_then(Object::as_name)
        .ok()?;
    if embedded {
        return None;
    }
    Family::of_font_name(name)
}

/// Collects the codes each target font shows, walking page and Form XObject content.
struct Scanner<'a> {
    doc: &'a Document,
    targets: &'a HashMap<ObjectId, Target>,
    codes: HashMap<ObjectId, BTreeSet<(u32, u8)>>,
    forms_seen: HashSet<ObjectId>,
    budget: usize,
    truncated: bool,
}

impl<'a> Scanner<'a> {
    fn dict(&self, obj: &'a Object) -> Option<&'a Dictionary> {
        self.doc.dereference(obj).ok()?.1.as_dict().ok()
    }

    fn sub_entry(&self, res: Option<&'a Dictionary>, kind: &[u8], name: &[u8]) -> Option<ObjectId> {
        let sub = self.dict(res?.get(kind).ok()?)?;
        sub.get(name).ok()?.as_reference().ok()
    }

    fn scan(&mut self, content: &[u8], res: Option<&'a Dictionary>, depth: u8) {
        if content.len() > self.budget {
            self.truncated = true;
            return;
        }
        self.budget -= content.len();
        let Ok(content) = Content::decode(content) else {
            return;
        };
        // Like pdf-extract, each stream (page or form) starts without a current font.
        let (mut font, mut saved) = (None, Vec::new());
        for op in &content.operations {
            let name = op.operands.first().and_then(|o| o.as_name().ok());
            match op.operator.as_str() {
                "Tf" => {
                    font = name
                        .and_then(|n| self.sub_entry(res, b"Font", n))
                        .filter(|id| self.targets.contains_key(id));
                }
                "q" => saved.push(font),
                "Q" => font = saved.pop().unwrap_or(font),
                "Tj" | "'" | "\"" | "TJ" => {
                    if let (Some(id), Some(shown)) = (font, op.operands.last()) {
                        self.collect(id, shown);
                    }
                }
                "Do" if depth < MAX_FORM_DEPTH => {
                    let Some(id) = name.and_then(|n| self.sub_entry(res, b"XObject", n)) else {
                        continue;
                    };
                    let Ok(form) = self.doc.get_object(id).and_then(Object::as_stream) else {
                        continue;
                    };
                    let is_form = form.dict.get(b"Subtype").and_then(Object::as_name);
                    if is_form.ok() != Some(b"Form".as_slice()) || !self.forms_seen.insert(id) {
                        continue;
                    }
                    let inner = form.dict.get(b"Resources").ok().and_then(|o| self.dict(o));
                    if let Ok(bytes) = form.decompressed_content() {
                        self.scan(&bytes, inner.or(res), depth + 1);
                    }
                }
                _ => {}
            }
        }
    }

    fn collect(&mut self, font: ObjectId, shown: &Object) {
        let Some(family) = self.targets.get(&font).and_then(|t| t.family) else {
            return;
        };
        let set = self.codes.entry(font).or_default();
        let mut add = |bytes: &[u8]| set.extend(split_codes(bytes, family.ranges()));
        match shown {
            Object::String(bytes, _) => add(bytes),
            Object::Array(items) => {
                for item in items {
                    if let Object::String(bytes, _) = item {
                        add(bytes);
                    }
                }
            }
            _ => {}
        }
    }
}

/// Rewrites every Type0 font with a predefined CMap (see the module docs). `pages` maps page
/// numbers to page objects whose `/Resources` are already resolved (not inherited). Returns
/// notes worth a warning.
pub(super) fn rewrite_predefined_cmaps(
    doc: &mut Document,
    pages: &[(u32, ObjectId)],
) -> Vec<String> {
    let targets = find_targets(doc);
    if targets.is_empty() {
        return Vec::new();
    }
    let mut scanner = Scanner {
        doc,
        targets: &targets,
        codes: HashMap::new(),
        forms_seen: HashSet::new(),
        budget: SCAN_BUDGET,
        truncated: false,
    };
    for &(_, page_id) in pages {
        let Ok(page) = doc.get_dictionary(page_id) else {
            continue;
        };
        let res = page.get(b"Resources").ok().and_then(|o| scanner.dict(o));
        if let Ok(content) = doc.get_page_content(page_id) {
            scanner.scan(&content, res, 0);
        }
    }
    let (codes, truncated) = (scanner.codes, scanner.truncated);
    let mut notes = Vec::new();
    if truncated {
        notes
            .push("CJK font scan stopped at its size limit; some characters may be missing".into());
    }
    for (id, target) in targets {
        let Some(family) = target.family else {
            // Unknown predefined CMap: treat codes as 2-byte CIDs so the page does not panic;
            // an existing ToUnicode (keyed by code) still yields the text.
            set_font_entry(doc, id, "Encoding", Object::Name(b"Identity-H".to_vec()));
            if !target.has_to_unicode {
                notes.push(format!(
                    "unsupported CJK encoding {}: its text is skipped",
                    target.cmap
                ));
            }
            continue;
        };
        let map: BTreeMap<(u32, u8), String> = codes
            .get(&id)
            .into_iter()
            .flatten()
            .filter_map(|&(code, width)| Some(((code, width), family.decode(code, width)?)))
            .collect();
        if target.simple {
            // Convert only when the font really shows multi-byte CJK text.
            if !map
                .iter()
                .any(|(&(_, width), text)| width > 1 && text.chars().any(is_cjk))
            {
                continue;
            }
            make_type0(doc, id);
        }
        if !target.has_to_unicode {
            let stream = Stream::new(Dictionary::new(), to_unicode_cmap(&map));
            let uni = doc.add_object(stream);
            set_font_entry(doc, id, "ToUnicode", Object::Reference(uni));
        }
        let stream = Stream::new(Dictionary::new(), encoding_cmap(family));
        let enc = doc.add_object(stream);
        set_font_entry(doc, id, "Encoding", Object::Reference(enc));
    }
    notes
}

/// Turns a simple font dictionary into a Type0 font with a synthetic CID descendant.
fn make_type0(doc: &mut Document, font: ObjectId) {
    let Ok(dict) = doc.get_object_mut(font).and_then(Object::as_dict_mut) else {
        return;
    };
    let mut cid = Dictionary::new();
    cid.set("Type", Object::Name(b"Font".to_vec()));
    cid.set("Subtype", Object::Name(b"CIDFontType2".to_vec()));
    for key in [b"BaseFont".as_slice(), b"FontDescriptor"] {
        if let Ok(value) = dict.get(key) {
            cid.set(key, value.clone());
        }
    }
    if !cid.has(b"FontDescriptor") {
        cid.set("FontDescriptor", Object::Dictionary(Dictionary::new()));
    }
    cid.set("DW", Object::Integer(1000));
    for key in [b"Widths".as_slice(), b"FirstChar", b"LastChar"] {
        dict.remove(key);
    }
    dict.set("Subtype", Object::Name(b"Type0".to_vec()));
    dict.set(
        "DescendantFonts",
        Object::Array(vec![Object::Dictionary(cid)]),
    );
}

/// Where a font-name → font dictionary lives.
enum FontMap {
    /// `owner[/Font]`, or `owner[/Resources][/Font]` when `nested`.
    Direct {
        owner: ObjectId,
        nested: bool,
    },
    Object(ObjectId),
}

fn font_map_mut<'a>(doc: &'a mut Document, at: &FontMap) -> Option<&'a mut Dictionary> {
    let (owner, nested) = match *at {
        FontMap::Object(id) => return doc.get_object_mut(id).and_then(Object::as_dict_mut).ok(),
        FontMap::Direct { owner, nested } => (owner, nested),
    };
    let mut dict = match doc.objects.get_mut(&owner)? {
        Object::Dictionary(d) => d,
        Object::Stream(s) => &mut s.dict,
        _ => return None,
    };
    if nested {
        dict = dict
            .get_mut(b"Resources")
            .and_then(Object::as_dict_mut)
            .ok()?;
    }
    dict.get_mut(b"Font").and_then(Object::as_dict_mut).ok()
}

/// Fonts written inline in a resource dictionary become objects of their own, so they can
/// be identified and rewritten like the usual indirect ones.
pub(super) fn hoist_direct_fonts(doc: &mut Document) {
    let mut maps = Vec::new();
    for (&owner, obj) in &doc.objects {
        let dict = match obj {
            Object::Dictionary(d) => d,
            Object::Stream(s) => &s.dict,
            _ => continue,
        };
        let nested = dict.get(b"Resources").and_then(Object::as_dict).ok();
        for (holder, nested) in [(Some(dict), false), (nested, true)] {
            match holder.and_then(|h| h.get(b"Font").ok()) {
                Some(Object::Dictionary(_)) => maps.push(FontMap::Direct { owner, nested }),
                Some(Object::Reference(id)) => maps.push(FontMap::Object(*id)),
                _ => {}
            }
        }
    }
    for at in maps {
        let Some(map) = font_map_mut(doc, &at) else {
            continue;
        };
        let inline: Vec<(Vec<u8>, Dictionary)> = map
            .iter()
            .filter_map(|(name, font)| Some((name.clone(), font.as_dict().ok()?.clone())))
            .collect();
        for (name, font) in inline {
            let id = doc.add_object(font);
            if let Some(map) = font_map_mut(doc, &at) {
                map.set(name, Object::Reference(id));
            }
        }
    }
}

fn set_font_entry(doc: &mut Document, font: ObjectId, key: &str, value: Object) {
    if let Ok(dict) = doc.get_object_mut(font).and_then(Object::as_dict_mut) {
        dict.set(key, value);
    }
}

/// pdf-extract does not know `uniXXXX`/`uXXXX` glyph names in an encoding's /Differences
/// (they are not in its glyph list), which loses e.g. CJK shown through simple TrueType
/// fonts. Such fonts without a ToUnicode get one for those codes; other codes still fall
/// back to pdf-extract's own encoding table.
pub(super) fn map_unicode_glyph_names(doc: &mut Document) {
    let mut found = Vec::new();
    for (&id, obj) in &doc.objects {
        let Ok(font) = obj.as_dict() else { continue };
        let subtype = font.get(b"Subtype").and_then(Object::as_name);
        if font.has(b"ToUnicode") || !matches!(subtype, Ok(b"TrueType" | b"Type1" | b"MMType1")) {
            continue;
        }
        let Ok(differences) = font
            .get_deref(b"Encoding", doc)
            .and_then(Object::as_dict)
            .and_then(|e| e.get_deref(b"Differences", doc))
            .and_then(Object::as_array)
        else {
            continue;
        };
        let (mut map, mut code) = (BTreeMap::new(), 0i64);
        for item in differences {
            match doc.dereference(item).map(|(_, o)| o) {
                Ok(Object::Integer(i)) => code = *i,
                Ok(Object::Name(name)) => {
                    if let (Some(text), Ok(byte)) = (glyph_name_text(name), u8::try_from(code)) {
                        map.insert((u32::from(byte), 1), text);
                    }
                    code += 1;
                }
                _ => {}
            }
        }
        if !map.is_empty() {
            found.push((id, map));
        }
    }
    for (id, map) in found {
        let uni = doc.add_object(Stream::new(Dictionary::new(), to_unicode_cmap(&map)));
        set_font_entry(doc, id, "ToUnicode", Object::Reference(uni));
    }
}

/// Repairs Type0 fonts that would make pdf-extract panic before showing any text: a missing
/// or non-dictionary descendant font, a descendant without `/FontDescriptor`, no `/Encoding`.
pub(super) fn repair_type0_fonts(doc: &mut Document) {
    let mut broken = Vec::new();
    for (&id, obj) in &doc.objects {
        let Ok(font) = obj.as_dict() else { continue };
        if font.get(b"Subtype").and_then(Object::as_name).ok() != Some(b"Type0".as_slice()) {
            continue;
        }
        let descendant = font
            .get_deref(b"DescendantFonts", doc)
            .and_then(Object::as_array)
            .ok()
            .and_then(|a| a.first())
            .and_then(|d| doc.dereference(d).ok())
            .and_then(|(_, d)| d.as_dict().ok());
        let descriptor_ok = descendant.is_some_and(|d| {
            d.get_deref(b"FontDescriptor", doc)
                .is_ok_and(|f| f.as_dict().is_ok())
        });
        let encoding_ok = font.get_deref(b"Encoding", doc).is_ok();
        if !descriptor_ok || !encoding_ok {
            broken.push((id, descendant.cloned(), encoding_ok));
        }
    }
    for (id, descendant, encoding_ok) in broken {
        let mut cid = descendant.unwrap_or_else(|| {
            let mut d = Dictionary::new();
            d.set("Type", Object::Name(b"Font".to_vec()));
            d.set("Subtype", Object::Name(b"CIDFontType2".to_vec()));
            d
        });
        if !cid
            .get_deref(b"FontDescriptor", doc)
            .is_ok_and(|f| f.as_dict().is_ok())
        {
            let mut fd = Dictionary::new();
            fd.set("Type", Object::Name(b"FontDescriptor".to_vec()));
            fd.set("Flags", Object::Integer(4));
            cid.set("FontDescriptor", Object::Dictionary(fd));
        }
        if let Ok(font) = doc.get_object_mut(id).and_then(Object::as_dict_mut) {
            font.set(
                "DescendantFonts",
                Object::Array(vec![Object::Dictionary(cid)]),
            );
            if !encoding_ok {
                font.set("Encoding", Object::Name(b"Identity-H".to_vec()));
            }
        }
    }
}
