//! What paints each page: the share of its area covered by images and how many path
//! operators it draws. With the text layer's quality this tells a scan (one big image, no
//! text) from a blank page, and text drawn as outlines from an empty one.

use super::load;
use lopdf::content::Content;
use lopdf::{Dictionary, Document, Object, ObjectId};
use std::collections::HashSet;

/// Forms nested deeper than this are not followed.
const MAX_FORM_DEPTH: usize = 8;
/// Operators looked at per page (a pathological content stream is not walked to its end).
const MAX_OPS: usize = 2_000_000;

/// What one page draws.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PageScan {
    /// Share of the page's area covered by images, 0 to 1 (overlapping images add up; capped).
    pub image_coverage: f32,
    /// Path construction operators (`m l c v y re`), forms included.
    pub path_ops: u32,
    /// Text-showing operators (`Tj TJ ' "`): glyphs are drawn even when no text came out (a
    /// font without a usable map to Unicode).
    pub text_ops: u32,
    /// Page width and height in points (from the MediaBox; US Letter when it has none).
    pub width: f32,
    pub height: f32,
}

impl Default for PageScan {
    fn default() -> Self {
        PageScan {
            image_coverage: 0.0,
            path_ops: 0,
            text_ops: 0,
            width: 612.0,
            height: 792.0,
        }
    }
}

/// Scan every page, in the order [`super::extract`] numbers them. `None` when the file does
/// not load.
pub fn scan(bytes: &[u8]) -> Option<Vec<PageScan>> {
    let doc = load::load(bytes).ok()?;
    let mut seen = HashSet::new();
    let pages: Vec<ObjectId> = doc
        .get_pages()
        .into_values()
        .filter(|id| seen.insert(*id))
        .collect();
    Some(pages.into_iter().map(|id| scan_page(&doc, id)).collect())
}

pub(crate) fn scan_page(doc: &Document, page_id: ObjectId) -> PageScan {
    let mut scan = PageScan::default();
    if let Some([x0, y0, x1, y1]) = inherited(doc, page_id, b"MediaBox").and_then(rect) {
        let (w, h) = ((x1 - x0).abs(), (y1 - y0).abs());
        if w >= 1.0 && h >= 1.0 {
            (scan.width, scan.height) = (w, h);
        }
    }
    let resources = inherited(doc, page_id, b"Resources").and_then(|o| o.as_dict().ok());
    let Ok(content) = doc.get_page_content(page_id) else {
        return scan;
    };
    let mut walk = Walk {
        doc,
        image_area: 0.0,
        path_ops: 0,
        text_ops: 0,
        ops: 0,
        forms: Vec::new(),
    };
    walk.stream(&content, resources, 1.0);
    let area = scan.width * scan.height;
    scan.image_coverage = (walk.image_area / area).clamp(0.0, 1.0);
    scan.path_ops = walk.path_ops;
    scan.text_ops = walk.text_ops;
    scan
}

/// A page attribute, looked up on the page and then its ancestors (MediaBox and Resources
/// are inheritable).
fn inherited<'a>(doc: &'a Document, page_id: ObjectId, key: &[u8]) -> Option<&'a Object> {
    let mut node = doc.get_dictionary(page_id).ok()?;
    for _ in 0..32 {
        if let Ok(value) = node.get_deref(key, doc) {
            return Some(value);
        }
        node = node.get_deref(b"Parent", doc).ok()?.as_dict().ok()?;
    }
    None
}

fn rect(o: &Object) -> Option<[f32; 4]> {
    let a = o.as_array().ok()?;
    let n = |i: usize| a.get(i).and_then(|v| v.as_float().ok());
    Some([n(0)?, n(1)?, n(2)?, n(3)?])
}

struct Walk<'a> {
    doc: &'a Document,
    /// Square points of images drawn.
    image_area: f32,
    path_ops: u32,
    text_ops: u32,
    ops: usize,
    /// Forms being drawn (cycle guard).
    forms: Vec<ObjectId>,
}

impl Walk<'_> {
    /// Walk one content stream. Only areas matter, so the transformation is tracked by its
    /// determinant (the area scale of `cm` products), not the whole matrix.
    fn stream(&mut self, content: &[u8], resources: Option<&Dictionary>, base: f32) {
        let Ok(content) = Content::decode(content) else {
            return;
        };
        let mut det = base;
        let mut stack = Vec::new();
        for op in &content.operations {
            self.ops += 1;
            if self.ops > MAX_OPS {
                return;
            }
            match op.operator.as_str() {
                "q" => stack.push(det),
                "Q" => det = stack.pop().unwrap_or(base),
                "cm" => {
                    if let Some(m) = matrix(&op.operands) {
                        det *= m[0] * m[3] - m[1] * m[2];
                    }
                }
                "m" | "l" | "c" | "v" | "y" | "re" => self.path_ops += 1,
                "Tj" | "TJ" | "'" | "\"" => self.text_ops += 1,
                "BI" => self.image_area += det.abs(),
                "Do" => {
                    if let Some(name) = op.operands.first().and_then(|o| o.as_name().ok()) {
                        self.draw(name, resources, det);
                    }
                }
                _ => {}
            }
        }
    }

    fn draw(&mut self, name: &[u8], resources: Option<&Dictionary>, det: f32) {
        let doc = self.doc;
        let Some(xobjects) = resources
            .and_then(|r| r.get_deref(b"XObject", doc).ok())
            .and_then(|x| x.as_dict().ok())
        else {
            return;
        };
        let Ok(entry) = xobjects.get(name) else {
            return;
        };
        let id = entry.as_reference().ok();
        let Ok((_, Object::Stream(stream))) = doc.dereference(entry) else {
            return;
        };
        match stream.dict.get(b"Subtype").and_then(Object::as_name) {
            Ok(b"Image") => self.image_area += det.abs(),
            Ok(b"Form") => {
                if self.forms.len() >= MAX_FORM_DEPTH || id.is_some_and(|i| self.forms.contains(&i))
                {
                    return;
                }
                let form_det = stream
                    .dict
                    .get(b"Matrix")
                    .ok()
                    .and_then(|m| m.as_array().ok())
                    .and_then(|m| matrix(m))
                    .map_or(1.0, |m| m[0] * m[3] - m[1] * m[2]);
                let own = stream
                    .dict
                    .get_deref(b"Resources", doc)
                    .ok()
                    .and_then(|r| r.as_dict().ok());
                let content = stream
                    .decompressed_content()
                    .unwrap_or_else(|_| stream.content.clone());
                self.forms.push(id.unwrap_or((0, 0)));
                self.stream(&content, own.or(resources), det * form_det);
                self.forms.pop();
            }
            _ => {}
        }
    }
}

fn matrix(operands: &[Object]) -> Option<[f32; 6]> {
    if operands.len() != 6 {
        return None;
    }
    let mut m = [0f32; 6];
    for (slot, o) in m.iter_mut().zip(operands) {
        *slot = o.as_float().ok()?;
    }
    Some(m)
}
