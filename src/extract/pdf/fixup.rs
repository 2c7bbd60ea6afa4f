//! Document fix-ups, done once before extraction, that keep pdf-extract 0.12 from panicking, overflowing its stack or missing text; plus the resource helpers the page repair uses.

use super::super::pdf_cmap;
use super::fonts;
use lopdf::content::{Content, Operation};
use lopdf::{Dictionary, Document, Object, ObjectId, Stream};
use std::collections::HashSet;

/// Parent hops followed when resolving inherited page attributes.
const MAX_TREE_DEPTH: usize = 64;
/// Form XObjects nested deeper than this are not inspected by the repair pass.
pub(super) const MAX_FORM_DEPTH: u8 = 12;
const US_LETTER: [i64; 4] = [0, 0, 612, 792];

/// One-time fix-ups: settle inherited page attributes, neutralise graphics resources, repair
/// fonts, break Form XObject loops and rewrite predefined CJK CMaps. Returns warnings.
pub(super) fn prepare(doc: &mut Document, pages: &[(u32, ObjectId)]) -> Vec<String> {
    // `add_object` numbers new objects after `max_id`; make sure they cannot clobber any.
    if let Some(&(max, _)) = doc.objects.keys().next_back() {
        doc.max_id = doc.max_id.max(max);
    }
    let mut notes = Vec::new();
    // Each step is isolated: one that panics does not stop the others.
    let mut step = |what: &str, f: &mut dyn FnMut(&mut Document)| {
        if let Err(msg) = super::guarded(|| f(doc)) {
            notes.push(format!("{what} fix-up failed: {msg}"));
        }
    };
    step("reference", &mut drop_dangling_references);
    step("graphics", &mut neutralize_graphics);
    step("page", &mut |doc| {
        for &(_, page_id) in pages {
            settle_page(doc, page_id);
            expand_quote_operators(doc, page_id);
        }
    });
    step("font", &mut |doc| {
        fonts::hoist_direct_fonts(doc);
        drop_unusable_font_data(doc);
        fonts::repair_type0_fonts(doc);
        fonts::map_unicode_glyph_names(doc);
    });
    step("form", &mut |doc| break_form_cycles(doc, pages));
    let mut cmap_notes = Vec::new();
    step("CJK font", &mut |doc| {
        cmap_notes = fonts::rewrite_predefined_cmaps(doc, pages)
    });
    notes.extend(cmap_notes);
    notes
}

/// pdf-extract dereferences with `expect`, so a reference to a missing object panics. The
/// PDF spec reads it as `null`, and a dictionary entry whose value is `null` as absent: so
/// drop such entries and null such array items. Iterative: objects can nest deep.
fn drop_dangling_references(doc: &mut Document) {
    let existing: HashSet<ObjectId> = doc.objects.keys().copied().collect();
    let dangling = |o: &Object| matches!(o, Object::Reference(id) if !existing.contains(id));
    let mut stack: Vec<&mut Object> = doc.objects.values_mut().collect();
    while let Some(obj) = stack.pop() {
        let dict = match obj {
            Object::Array(items) => {
                for item in items.iter_mut().filter(|o| dangling(o)) {
                    *item = Object::Null;
                }
                stack.extend(items.iter_mut());
                continue;
            }
            Object::Dictionary(dict) => dict,
            Object::Stream(stream) => &mut stream.dict,
            _ => continue,
        };
        let dead: Vec<Vec<u8>> = dict
            .iter()
            .filter(|(_, v)| dangling(v))
            .map(|(k, _)| k.clone())
            .collect();
        for key in dead {
            dict.remove(&key);
        }
        stack.extend(dict.iter_mut().map(|(_, o)| o));
    }
}

/// Puts valid `/Resources` and `/MediaBox` on the page itself. pdf-extract looks inherited
/// ones up recursively without a cycle check and panics on a missing or short MediaBox.
fn settle_page(doc: &mut Document, page_id: ObjectId) {
    let inherited = |key: &[u8]| {
        let mut node = doc.get_dictionary(page_id).ok()?;
        for _ in 0..MAX_TREE_DEPTH {
            if let Ok(value) = node.get(key) {
                return Some(value);
            }
            let parent = node.get(b"Parent").and_then(Object::as_reference).ok()?;
            node = doc.get_dictionary(parent).ok()?;
        }
        None
    };
    let resources = inherited(b"Resources")
        .filter(|o| doc.dereference(o).is_ok_and(|(_, r)| r.as_dict().is_ok()))
        .cloned()
        .unwrap_or_else(|| Object::Dictionary(Dictionary::new()));
    let media_box = inherited(b"MediaBox")
        .and_then(|o| rect(doc, o))
        .unwrap_or(US_LETTER.map(Object::Integer).to_vec());
    let art_box = doc
        .get_dictionary(page_id)
        .ok()
        .and_then(|page| page.get(b"ArtBox").ok())
        .map(|o| rect(doc, o));
    if let Ok(page) = doc.get_object_mut(page_id).and_then(Object::as_dict_mut) {
        page.set("Resources", resources);
        page.set("MediaBox", media_box);
        match art_box {
            Some(Some(art)) => page.set("ArtBox", art),
            Some(None) => drop(page.remove(b"ArtBox")),
            None => {}
        }
    }
}

/// pdf-extract ignores the `'` and `"` operators (next line, then show text): rewrite them
/// as `T*` + `Tj` (after `Tw` and `Tc` for `"`). Inline images are dropped on the way.
fn expand_quote_operators(doc: &mut Document, page_id: ObjectId) {
    let Ok(bytes) = doc.get_page_content(page_id) else {
        return;
    };
    if !bytes.iter().any(|&b| b == b'\'' || b == b'"') {
        return;
    }
    let Ok(content) = Content::decode(&bytes) else {
        return;
    };
    if !content
        .operations
        .iter()
        .any(|op| op.operator == "'" || op.operator == "\"")
    {
        return;
    }
    let mut operations = Vec::with_capacity(content.operations.len() + 16);
    for op in content.operations {
        let mut operands = op.operands.into_iter();
        match (op.operator.as_str(), operands.len()) {
            ("'", 1) => {}
            ("\"", 3) => {
                operations.extend(operands.next().map(|aw| Operation::new("Tw", vec![aw])));
                operations.extend(operands.next().map(|ac| Operation::new("Tc", vec![ac])));
            }
            ("BI", _) => continue,
            (operator, _) => {
                operations.push(Operation::new(operator, operands.collect()));
                continue;
            }
        }
        operations.push(Operation::new("T*", Vec::new()));
        operations.push(Operation::new("Tj", operands.collect()));
    }
    let Ok(encoded) = (Content { operations }).encode() else {
        return;
    };
    let contents = doc.add_object(Stream::new(Dictionary::new(), encoded));
    if let Ok(page) = doc.get_object_mut(page_id).and_then(Object::as_dict_mut) {
        page.set("Contents", Object::Reference(contents));
    }
}

/// Type1 font programs go through a recursive-descent parser in pdf-extract that overflows
/// the stack on absurdly nested input, aborting the process: drop such programs, and
/// ToUnicodes pdf-extract cannot take. (CMaps are read by provisio's own `adobe-cmap-parser`,
/// a single pass without recursion.)
fn drop_unusable_font_data(doc: &mut Document) {
    const MAX_NESTING: usize = 64;
    let too_deep = |obj: &Object| {
        let Ok(stream) = doc.dereference(obj).and_then(|(_, o)| o.as_stream()) else {
            return false;
        };
        let data = stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone());
        // A Type1 program is only parsed as text up to its binary `eexec` part.
        let end = data
            .windows(5)
            .position(|w| w == b"eexec")
            .unwrap_or(data.len());
        pdf_cmap::nesting_depth(&data[..end]) > MAX_NESTING
    };
    let mut drops = Vec::new();
    for (&id, obj) in &doc.objects {
        let Ok(dict) = obj.as_dict() else { continue };
        if dict.get(b"FontFile").is_ok_and(too_deep) {
            drops.push((id, b"FontFile".as_slice()));
        }
        // pdf-extract also panics on a ToUnicode that is not a stream (bar /Identity-H).
        let to_unicode = dict.get_deref(b"ToUnicode", doc);
        if to_unicode.is_ok_and(|o| {
            o.as_stream().is_err() && o.as_name().ok() != Some(b"Identity-H".as_slice())
        }) {
            drops.push((id, b"ToUnicode"));
        }
    }
    for (id, key) in drops {
        if let Some(dict) = owner_dict_mut(doc, id) {
            dict.remove(key);
        }
    }
}

/// A rectangle as four direct numbers, if `obj` is one.
fn rect(doc: &Document, obj: &Object) -> Option<Vec<Object>> {
    let items = doc.dereference(obj).ok()?.1.as_array().ok()?;
    let numbers: Vec<Object> = items
        .iter()
        .take(4)
        .filter_map(|o| match doc.dereference(o).ok()?.1 {
            n @ (Object::Integer(_) | Object::Real(_)) => Some(n.clone()),
            _ => None,
        })
        .collect();
    (numbers.len() == 4).then_some(numbers)
}

/// Text needs no colours, transparency or pixels, but pdf-extract panics on many colour
/// space and ExtGState variants and runs every image through the content parser. Images
/// become empty, graphics states empty, colour spaces DeviceRGB (or Pattern, which takes
/// names as operands).
fn neutralize_graphics(doc: &mut Document) {
    let patterns: HashSet<ObjectId> = doc
        .objects
        .iter()
        .filter(|(_, o)| o.as_array().is_ok_and(|a| is_pattern_space(a.first())))
        .map(|(&id, _)| id)
        .collect();
    let mut indirect = Vec::new();
    for obj in doc.objects.values_mut() {
        let dict = match obj {
            Object::Dictionary(dict) => dict,
            Object::Stream(stream) => {
                if stream.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image") {
                    stream.set_plain_content(Vec::new());
                }
                // lopdf decodes `/Filter []` to nothing at all.
                if stream
                    .dict
                    .get(b"Filter")
                    .and_then(Object::as_array)
                    .is_ok_and(Vec::is_empty)
                {
                    stream.dict.remove(b"Filter");
                    stream.dict.remove(b"DecodeParms");
                }
                &mut stream.dict
            }
            _ => continue,
        };
        neutralize_resources(dict, &patterns, &mut indirect);
        if let Ok(Object::Dictionary(res)) = dict.get_mut(b"Resources") {
            neutralize_resources(res, &patterns, &mut indirect);
        }
    }
    for (id, key) in indirect {
        if let Ok(entries) = doc.get_object_mut(id).and_then(Object::as_dict_mut) {
            neutralize_entries(entries, key, &patterns);
        }
    }
}

fn neutralize_resources(
    res: &mut Dictionary,
    patterns: &HashSet<ObjectId>,
    indirect: &mut Vec<(ObjectId, &'static [u8])>,
) {
    for key in [b"ExtGState".as_slice(), b"ColorSpace"] {
        match res.get_mut(key) {
            Ok(Object::Dictionary(entries)) => neutralize_entries(entries, key, patterns),
            Ok(Object::Reference(id)) => indirect.push((*id, key)),
            _ => {}
        }
    }
}

fn neutralize_entries(entries: &mut Dictionary, key: &[u8], patterns: &HashSet<ObjectId>) {
    for (_, value) in entries.iter_mut() {
        *value = if key == b"ExtGState" {
            Object::Dictionary(Dictionary::new())
        } else if match &*value {
            Object::Array(a) => is_pattern_space(a.first()),
            Object::Reference(id) => patterns.contains(id),
            other => is_pattern_space(Some(other)),
        } {
            Object::Array(vec![Object::Name(b"Pattern".to_vec())])
        } else {
            Object::Name(b"DeviceRGB".to_vec())
        };
    }
}

fn is_pattern_space(first: Option<&Object>) -> bool {
    first.and_then(|o| o.as_name().ok()) == Some(b"Pattern")
}

pub(super) fn is_form(stream: &Stream) -> bool {
    stream.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Form")
}

/// The dictionary of a dictionary object or of a stream object.
pub(super) fn owner_dict(doc: &Document, id: ObjectId) -> Option<&Dictionary> {
    match doc.objects.get(&id)? {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&s.dict),
        _ => None,
    }
}

pub(super) fn owner_dict_mut(doc: &mut Document, id: ObjectId) -> Option<&mut Dictionary> {
    match doc.objects.get_mut(&id)? {
        Object::Dictionary(d) => Some(d),
        Object::Stream(s) => Some(&mut s.dict),
        _ => None,
    }
}

/// The `key` sub-dictionary of the resources of `owner` (a page or a form).
pub(super) fn resource_dict<'a>(
    doc: &'a Document,
    owner: ObjectId,
    key: &[u8],
) -> Option<&'a Dictionary> {
    let res = owner_dict(doc, owner)?
        .get_deref(b"Resources", doc)
        .ok()?
        .as_dict()
        .ok()?;
    res.get_deref(key, doc).ok()?.as_dict().ok()
}

/// The object id behind `Resources[key][name]` of `owner`.
pub(super) fn lookup_ref(
    doc: &Document,
    owner: ObjectId,
    key: &[u8],
    name: &[u8],
) -> Option<ObjectId> {
    resource_dict(doc, owner, key)?
        .get(name)
        .ok()?
        .as_reference()
        .ok()
}

/// Names drawn with `Do` in a stream.
fn drawn_names(content: &[u8]) -> Vec<Vec<u8>> {
    let Ok(content) = Content::decode(content) else {
        return Vec::new();
    };
    let ops = content
        .operations
        .into_iter()
        .filter(|op| op.operator == "Do");
    ops.filter_map(|op| op.operands.first()?.as_name().ok().map(<[u8]>::to_vec))
        .collect()
}

/// pdf-extract follows `Do` into forms with no depth limit: a form that draws itself,
/// directly or not, would overflow the stack and abort the process. Such a form (and any
/// nested absurdly deep) gets empty content. Page content is not parsed: every XObject of
/// the page counts as drawn.
fn break_form_cycles(doc: &mut Document, pages: &[(u32, ObjectId)]) {
    let mut walk = FormWalk {
        doc,
        stack: Vec::new(),
        seen: HashSet::new(),
        cut: HashSet::new(),
    };
    for &(_, page_id) in pages {
        if let Some(names) = xobject_names(walk.doc, page_id) {
            walk.visit(page_id, names);
        }
    }
    for id in walk.cut {
        if let Ok(stream) = doc.get_object_mut(id).and_then(Object::as_stream_mut) {
            stream.set_plain_content(Vec::new());
        }
    }
}

fn xobject_names(doc: &Document, owner: ObjectId) -> Option<Vec<Vec<u8>>> {
    let xobjects = resource_dict(doc, owner, b"XObject")?;
    Some(xobjects.iter().map(|(k, _)| k.clone()).collect())
}

struct FormWalk<'a> {
    doc: &'a Document,
    stack: Vec<ObjectId>,
    /// (form, owner of the resources it resolves names in) pairs already explored.
    seen: HashSet<(ObjectId, ObjectId)>,
    cut: HashSet<ObjectId>,
}

impl FormWalk<'_> {
    /// Explores the forms drawn by `names`, resolved in the resources of `owner`.
    fn visit(&mut self, owner: ObjectId, names: Vec<Vec<u8>>) {
        for name in names {
            let Some(id) = lookup_ref(self.doc, owner, b"XObject", &name) else {
                continue;
            };
            let Ok(form) = self.doc.get_object(id).and_then(Object::as_stream) else {
                continue;
            };
            if !is_form(form) {
                continue;
            }
            if self.stack.contains(&id) || self.stack.len() >= usize::from(MAX_FORM_DEPTH) * 2 {
                self.cut.extend(self.stack.last());
                continue;
            }
            // A form without /Resources resolves names in its caller's.
            let inner = if form.dict.has(b"Resources") {
                id
            } else {
                owner
            };
            if self.seen.insert((id, inner)) {
                let drawn = form
                    .decompressed_content()
                    .map(|c| drawn_names(&c))
                    .unwrap_or_default();
                self.stack.push(id);
                self.visit(inner, drawn);
                self.stack.pop();
            }
        }
    }
}
