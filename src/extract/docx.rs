//! DOCX extraction: paragraphs and tables of the main document part in reading order, pages split at
//! explicit page and section breaks, title and date from `docProps/core.xml`.

use super::{ExtractError, ExtractedDoc};
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;
use std::io::{Cursor, Read};
use zip::result::ZipError;
use zip::ZipArchive;

/// More zip entries than this is not a Word document but an attack or an archive.
const MAX_ENTRIES: usize = 10_000;
/// Decompressed size limit of the main document part (zip-bomb guard).
const MAX_DOCUMENT_BYTES: u64 = 200 << 20;
/// Decompressed size limit of small parts (relationships, core properties).
const MAX_SMALL_PART_BYTES: u64 = 4 << 20;
const MAX_TITLE_CHARS: usize = 200;
/// Tables nested deeper than this are read as paragraphs of the deepest kept cell: each level
/// copies the text of those inside it, so unbounded nesting is quadratic.
const MAX_TABLE_NESTING: usize = 8;
const DEFAULT_DOCUMENT_PART: &str = "word/document.xml";
/// WordprocessingML namespaces: transitional and strict OOXML.
const W_NAMESPACES: &[&[u8]] = &[
    b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    b"http://purl.oclc.org/ooxml/wordprocessingml/main",
];
const MC_NAMESPACE: &[u8] = b"http://schemas.openxmlformats.org/markup-compatibility/2006";

/// Extracts the text of a `.docx` (or `.docm`/`.dotx`) file.
pub fn extract(bytes: &[u8]) -> Result<ExtractedDoc, ExtractError> {
    let mut archive = ZipArchive::new(Cursor::new(bytes)).map_err(zip_error)?;
    if archive.len() > MAX_ENTRIES {
        return Err(ExtractError::TooLarge(format!(
            "zip with {} entries (limit {MAX_ENTRIES})",
            archive.len()
        )));
    }
    let part = main_document_part(&mut archive).unwrap_or_else(|| DEFAULT_DOCUMENT_PART.to_owned());
    let xml = read_part(&mut archive, &part, MAX_DOCUMENT_BYTES)?
        .ok_or_else(|| ExtractError::Malformed(format!("not a Word document: no {part}")))?;
    let body = parse_document(&xml)?;
    if body.pages.iter().all(|page| page.is_empty()) {
        return Err(ExtractError::NoText);
    }
    let core = match read_part(&mut archive, "docProps/core.xml", MAX_SMALL_PART_BYTES) {
        Ok(Some(core)) => parse_core(&core),
        _ => CoreProperties::default(),
    };
    let title = core.title.or(body.first_paragraph);
    Ok(ExtractedDoc {
        pages: body
            .pages
            .into_iter()
            .map(|page| page.join("\n\n"))
            .collect(),
        title: title.map(|t| t.chars().take(MAX_TITLE_CHARS).collect()),
        date: core.created,
        encoding: None,
        warnings: body.warnings,
        ocr: Default::default(),
        page_scans: Vec::new(),
    })
}

fn zip_error(error: ZipError) -> ExtractError {
    match error {
        ZipError::UnsupportedArchive(ZipError::PASSWORD_REQUIRED) | ZipError::InvalidPassword => {
            ExtractError::Encrypted
        }
        other => ExtractError::Malformed(format!("zip: {other}")),
    }
}

/// Reads one part, refusing to inflate more than `limit` bytes. `Ok(None)` if it is absent.
fn read_part(
    archive: &mut ZipArchive<Cursor<&[u8]>>,
    name: &str,
    limit: u64,
) -> Result<Option<Vec<u8>>, ExtractError> {
    let file = match archive.by_name(name) {
        Ok(file) => file,
        Err(ZipError::FileNotFound) => return Ok(None),
        Err(error) => return Err(zip_error(error)),
    };
    let too_large =
        || ExtractError::TooLarge(format!("{name} inflates beyond {} MiB", limit >> 20));
    if file.size() > limit {
        return Err(too_large());
    }
    let mut data = Vec::new();
    file.take(limit + 1)
        .read_to_end(&mut data)
        .map_err(|e| ExtractError::Malformed(format!("{name}: {e}")))?;
    if data.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(Some(data))
}

/// The main document part named by the package relationships (`word/document2.xml` exists).
fn main_document_part(archive: &mut ZipArchive<Cursor<&[u8]>>) -> Option<String> {
    let rels = read_part(archive, "_rels/.rels", MAX_SMALL_PART_BYTES).ok()??;
    let mut reader = NsReader::from_reader(rels.as_slice());
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == b"Relationship" => {
                let is_main =
                    attribute(&e, b"Type").is_some_and(|t| t.ends_with("/officeDocument"));
                let target = attribute(&e, b"Target").filter(|t| t.ends_with(".xml"));
                if let (true, Some(target)) = (is_main, target) {
                    return Some(target.trim_start_matches('/').to_owned());
                }
            }
            Ok(Event::Eof) | Err(_) => return None,
            Ok(_) => {}
        }
    }
}

/// Value of the attribute with this local name, whatever its prefix.
fn attribute(element: &BytesStart, local_name: &[u8]) -> Option<String> {
    element
        .attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == local_name)
        .map(|a| String::from_utf8_lossy(&a.value).into_owned())
}

/// An on/off property (`<w:pageBreakBefore/>`, `w:val="0"` turns it off).
fn is_on(element: &BytesStart) -> bool {
    !matches!(
        attribute(element, b"val").as_deref(),
        Some("0" | "false" | "off")
    )
}

#[derive(Default)]
struct Table {
    rows: Vec<Vec<Vec<String>>>,
    row: Vec<Vec<String>>,
    cell: Vec<String>,
}

/// Paragraphs per page, built while streaming `document.xml`.
#[derive(Default)]
struct Body {
    pages: Vec<Vec<String>>,
    paragraph: String,
    /// Paragraphs interrupted by a nested one (text boxes anchored inside a paragraph).
    outer_paragraphs: Vec<String>,
    paragraph_depth: usize,
    run_depth: usize,
    in_text: bool,
    tables: Vec<Table>,
    /// Open `w:tbl` elements beyond [`MAX_TABLE_NESTING`] (their rows and cells are ignored).
    flattened_tables: usize,
    /// Inside a paragraph's `w:sectPr`: whether that section starts on a new page.
    section_break: Option<bool>,
    page_break_pending: bool,
    first_paragraph: Option<String>,
    warnings: Vec<String>,
}

impl Body {
    fn page(&mut self) -> &mut Vec<String> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    /// Ends a paragraph: into the current table cell, or onto the current page.
    fn finish_paragraph(&mut self, text: &str) {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        if self.first_paragraph.is_none() {
            self.first_paragraph = Some(text.split_whitespace().collect::<Vec<_>>().join(" "));
        }
        match self.tables.last_mut() {
            Some(table) => table.cell.push(text.to_owned()),
            None => self.page().push(text.to_owned()),
        }
    }

    /// `<w:br w:type="page"/>`: the paragraph so far stays on this page, the rest starts the next.
    fn hard_page_break(&mut self) {
        let before = std::mem::take(&mut self.paragraph);
        self.finish_paragraph(&before);
        self.page();
        self.pages.push(Vec::new());
    }

    /// Page break before a paragraph (`w:pageBreakBefore`, a new section): no blank pages.
    fn soft_page_break(&mut self) {
        if !self.page().is_empty() {
            self.pages.push(Vec::new());
        }
    }

    fn end_table(&mut self) {
        let Some(table) = self.tables.pop() else {
            return;
        };
        let nested = !self.tables.is_empty();
        let (cell_separator, row_separator) = if nested { (" ", "; ") } else { (" | ", "\n") };
        let mut lines = Vec::new();
        let mut single_column = true;
        for row in table.rows {
            let cells: Vec<Vec<String>> = row.into_iter().filter(|c| !c.is_empty()).collect();
            match cells.as_slice() {
                [] => {}
                [only] => lines.extend(only.iter().cloned()),
                _ => {
                    single_column = false;
                    // One line per row: line breaks inside a cell become spaces.
                    let cells: Vec<String> = cells.iter().map(|c| c.join(" ")).collect();
                    lines.push(cells.join(cell_separator).replace('\n', " "));
                }
            }
        }
        if lines.is_empty() {
            return;
        }
        if nested {
            if let Some(outer) = self.tables.last_mut() {
                outer.cell.push(lines.join(row_separator));
            }
        } else if single_column {
            // A one-column table is a frame around ordinary paragraphs.
            self.page().extend(lines);
        } else {
            self.page().push(lines.join(row_separator));
        }
    }

    fn start(&mut self, name: &[u8], element: &BytesStart, empty: bool) {
        let in_run = self.run_depth > 0;
        let outside_tables = self.tables.is_empty();
        match name {
            b"p" if !empty => {
                if self.paragraph_depth > 0 {
                    let outer = std::mem::take(&mut self.paragraph);
                    self.outer_paragraphs.push(outer);
                }
                self.paragraph_depth += 1;
                if std::mem::take(&mut self.page_break_pending) && outside_tables {
                    self.soft_page_break();
                }
            }
            b"pageBreakBefore" if outside_tables && is_on(element) => self.soft_page_break(),
            b"sectPr" if self.paragraph_depth > 0 => {
                if empty {
                    self.page_break_pending = true;
                } else {
                    self.section_break = Some(true);
                }
            }
            b"type" if self.section_break.is_some() => {
                let kind = attribute(element, b"val");
                self.section_break = Some(!matches!(
                    kind.as_deref(),
                    Some("continuous" | "nextColumn")
                ));
            }
            b"r" if !empty => self.run_depth += 1,
            b"t" if !empty && in_run => self.in_text = true,
            b"tab" | b"ptab" if in_run => self.paragraph.push('\t'),
            b"br" if in_run => match attribute(element, b"type").as_deref() {
                Some("page") if outside_tables => self.hard_page_break(),
                _ => self.paragraph.push('\n'),
            },
            b"cr" if in_run => self.paragraph.push('\n'),
            b"noBreakHyphen" if in_run => self.paragraph.push('-'),
            b"tbl" if !empty && self.tables.len() >= MAX_TABLE_NESTING => {
                self.flattened_tables += 1
            }
            b"tbl" if !empty => self.tables.push(Table::default()),
            b"tr" | b"tc" if self.flattened_tables > 0 => {}
            b"tr" if !empty => {
                if let Some(table) = self.tables.last_mut() {
                    table.row.clear();
                }
            }
            b"tc" if !empty => {
                if let Some(table) = self.tables.last_mut() {
                    table.cell.clear();
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, name: &[u8]) {
        match name {
            b"p" if self.paragraph_depth > 0 => {
                self.paragraph_depth -= 1;
                let text = std::mem::take(&mut self.paragraph);
                self.finish_paragraph(&text);
                if let Some(outer) = self.outer_paragraphs.pop() {
                    self.paragraph = outer;
                }
            }
            b"sectPr" => {
                if let Some(new_page) = self.section_break.take() {
                    self.page_break_pending |= new_page;
                }
            }
            b"r" => self.run_depth = self.run_depth.saturating_sub(1),
            b"t" => self.in_text = false,
            b"tbl" if self.flattened_tables > 0 => self.flattened_tables -= 1,
            b"tr" | b"tc" if self.flattened_tables > 0 => {}
            b"tc" => {
                if let Some(table) = self.tables.last_mut() {
                    let cell = std::mem::take(&mut table.cell);
                    table.row.push(cell);
                }
            }
            b"tr" => {
                if let Some(table) = self.tables.last_mut() {
                    let row = std::mem::take(&mut table.row);
                    table.rows.push(row);
                }
            }
            b"tbl" => self.end_table(),
            _ => {}
        }
    }
}

/// Streams `document.xml`. Moved-away text and `mc:Fallback` copies (duplicates of text boxes) are
/// skipped. A parse error after some text keeps that text, with a warning.
fn parse_document(xml: &[u8]) -> Result<Body, ExtractError> {
    let mut reader = NsReader::from_reader(xml);
    let mut body = Body::default();
    let mut skip_depth = 0usize;
    let mut seen_root = false;
    loop {
        let (namespace, event) = match reader.read_resolved_event() {
            Ok(resolved) => resolved,
            Err(error) => {
                let message = format!("document.xml at byte {}: {error}", reader.buffer_position());
                if body.pages.iter().all(|p| p.is_empty()) {
                    return Err(ExtractError::Malformed(message));
                }
                body.warnings.push(format!("stopped early: {message}"));
                break;
            }
        };
        let in_w =
            matches!(namespace, ResolveResult::Bound(ns) if W_NAMESPACES.contains(&ns.as_ref()));
        let in_mc = matches!(namespace, ResolveResult::Bound(ns) if ns.as_ref() == MC_NAMESPACE);
        match event {
            Event::Eof => break,
            Event::Start(e) | Event::Empty(e) if !seen_root => {
                if !(in_w && e.local_name().as_ref() == b"document") {
                    let root = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                    return Err(ExtractError::Malformed(format!(
                        "not a Word document: <{root}>"
                    )));
                }
                seen_root = true;
            }
            Event::Start(_) if skip_depth > 0 => skip_depth += 1,
            Event::End(_) if skip_depth > 0 => skip_depth -= 1,
            _ if skip_depth > 0 => {}
            Event::Start(e) => {
                let name = e.local_name();
                if (in_mc && name.as_ref() == b"Fallback") || (in_w && name.as_ref() == b"moveFrom")
                {
                    skip_depth = 1;
                } else if in_w {
                    body.start(name.as_ref(), &e, false);
                }
            }
            Event::Empty(e) if in_w => body.start(e.local_name().as_ref(), &e, true),
            Event::End(e) if in_w => body.end(e.local_name().as_ref()),
            Event::Text(e) if body.in_text => match e.unescape() {
                Ok(text) => body.paragraph.push_str(&text),
                Err(_) => body.paragraph.push_str(&String::from_utf8_lossy(&e)),
            },
            Event::CData(e) if body.in_text => {
                body.paragraph.push_str(&String::from_utf8_lossy(&e))
            }
            _ => {}
        }
    }
    if !seen_root {
        return Err(ExtractError::Malformed("document.xml is empty".to_owned()));
    }
    // Close whatever a truncated file left open.
    let text = std::mem::take(&mut body.paragraph);
    body.finish_paragraph(&text);
    body.flattened_tables = 0;
    while !body.tables.is_empty() {
        body.end(b"tc");
        body.end(b"tr");
        body.end_table();
    }
    body.page();
    Ok(body)
}

#[derive(Default)]
struct CoreProperties {
    title: Option<String>,
    created: Option<String>,
}

/// `dc:title` and the date part of `dcterms:created`.
fn parse_core(xml: &[u8]) -> CoreProperties {
    let mut reader = NsReader::from_reader(xml);
    let mut core = CoreProperties::default();
    let mut field: Option<Vec<u8>> = None;
    let mut value = String::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                field = Some(e.local_name().as_ref().to_vec());
                value.clear();
            }
            Ok(Event::Text(e)) if field.is_some() => {
                value.push_str(&e.unescape().unwrap_or_else(|_| String::from_utf8_lossy(&e)));
            }
            Ok(Event::End(_)) => {
                let text = value.split_whitespace().collect::<Vec<_>>().join(" ");
                match field.take().as_deref() {
                    Some(b"title") if core.title.is_none() => {
                        let text = text.strip_prefix("Microsoft Word - ").unwrap_or(&text);
                        core.title = Some(text.to_owned()).filter(|t| !t.is_empty());
                    }
                    Some(b"created") if core.created.is_none() => core.created = iso_date(&text),
                    _ => {}
                }
            }
            Ok(Event::Eof) | Err(_) => return core,
            Ok(_) => {}
        }
    }
}

/// `2023-05-12T08:00:00Z` → `2023-05-12`, for plausible years only.
fn iso_date(text: &str) -> Option<String> {
    let date = text.get(..10)?;
    let parts: Vec<&str> = date.split('-').collect();
    let [year, month, day] = parts.as_slice() else {
        return None;
    };
    let digits = |s: &str, len: usize| s.len() == len && s.bytes().all(|b| b.is_ascii_digit());
    if !(digits(year, 4) && digits(month, 2) && digits(day, 2)) {
        return None;
    }
    let (y, m, d) = (
        year.parse::<u32>().ok()?,
        month.parse::<u32>().ok()?,
        day.parse::<u32>().ok()?,
    );
    ((1900..=2100).contains(&y) && (1..=12).contains(&m) && (1..=31).contains(&d))
        .then(|| date.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;

    const W: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006""#;

    fn zip_of(parts: &[(&str, &str)]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, content) in parts {
            writer
                .start_file(*name, SimpleFileOptions::default())
                .expect("start");
            writer.write_all(content.as_bytes()).expect("write");
        }
        writer.finish().expect("finish").into_inner()
    }

    fn docx(body: &str, core: Option<&str>) -> Vec<u8> {
        let document = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><w:document {W}><w:body>{body}</w:body></w:document>"#
        );
        let mut parts = vec![("word/document.xml", document)];
        if let Some(core) = core {
            parts.push(("docProps/core.xml", core.to_owned()));
        }
        let parts: Vec<(&str, &str)> = parts.iter().map(|(n, c)| (*n, c.as_str())).collect();
        zip_of(&parts)
    }

    fn p(text: &str) -> String {
        format!("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
    }

    fn cell(text: &str) -> String {
        format!("<w:tc>{}</w:tc>", p(text))
    }

    const CORE: &str = r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/"><dc:title>关于出口退税的通知</dc:title><dcterms:created>2023-05-12T08:00:00Z</dcterms:created></cp:coreProperties>"#;

    #[test]
    fn paragraphs_tables_and_page_breaks() {
        let body = [
            r#"<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>"#,
            r#"<w:r><w:t xml:space="preserve">第一条　出口</w:t></w:r><w:r><w:t>退税 &amp; 免税</w:t><w:tab/><w:t>A</w:t></w:r>"#,
            r#"<w:del><w:r><w:delText>删除</w:delText></w:r></w:del></w:p>"#,
            "<w:tbl><w:tr>", &cell("货物"), &cell(r#"税</w:t><w:br w:type="page"/><w:t>率"#),
            "</w:tr><w:tr>", &cell("纺织</w:t><w:br/><w:t>品"),
            "<w:tc><w:p/></w:tc>", &cell("13%"), "</w:tr></w:tbl>",
            r#"<w:p><w:r><w:t>前半</w:t><w:br/><w:t>换行</w:t><w:br w:type="page"/><w:t>第二页</w:t></w:r></w:p>"#,
            r#"<w:p><w:r><mc:AlternateContent><mc:Choice><w:t>框</w:t></mc:Choice><mc:Fallback><w:t>重复</w:t></mc:Fallback></mc:AlternateContent></w:r></w:p>"#,
            r#"<w:p><w:pPr><w:pageBreakBefore/></w:pPr><w:r><w:t>第三页</w:t></w:r></w:p>"#,
            r#"<w:p><w:pPr><w:sectPr><w:type w:val="continuous"/></w:sectPr></w:pPr><w:r><w:t>同页</w:t></w:r></w:p>"#,
            r#"<w:p><w:pPr><w:sectPr/></w:pPr><w:r><w:t>节末</w:t></w:r></w:p>"#, &p("第四页"),
            "<w:sectPr/>",
        ]
        .concat();
        let doc = extract(&docx(&body, Some(CORE))).expect("docx");
        assert_eq!(
            doc.pages,
            vec![
                "第一条　出口退税 & 免税\tA\n\n货物 | 税 率\n纺织 品 | 13%\n\n前半\n换行",
                "第二页\n\n框",
                "第三页\n\n同页\n\n节末",
                "第四页",
            ]
        );
        assert_eq!(doc.title.as_deref(), Some("关于出口退税的通知"));
        assert_eq!(doc.date.as_deref(), Some("2023-05-12"));
        assert!(doc.warnings.is_empty());
    }

    #[test]
    fn nested_and_single_column_tables() {
        let inner = format!(
            "<w:tbl><w:tr>{}{}</w:tr><w:tr>{}</w:tr></w:tbl>",
            cell("甲"),
            cell("乙"),
            cell("丙")
        );
        let body = format!(
            "<w:tbl><w:tr>{}<w:tc>{}</w:tc></w:tr></w:tbl><w:tbl><w:tr>{}</w:tr><w:tr>{}</w:tr></w:tbl>",
            cell("外"),
            inner,
            cell("框内第一段"),
            cell("框内第二段")
        );
        let doc = extract(&docx(&body, None)).expect("docx");
        assert_eq!(
            doc.pages,
            vec!["外 | 甲 乙; 丙\n\n框内第一段\n\n框内第二段"]
        );
        assert_eq!(doc.title.as_deref(), Some("外"));
    }

    /// fuzz/regressions/docx: every nesting level copied the text of the tables inside it, so
    /// a DOCX of a few KB could take hours (half this depth: 28 s). Deep levels are flattened.
    #[test]
    fn deeply_nested_tables_are_flattened_in_linear_time() {
        let open = "<w:tbl><w:tr><w:tc>";
        let close = "</w:tc></w:tr></w:tbl>";
        let levels =
            |n: usize, inner: &str| format!("{}{inner}{}", open.repeat(n), close.repeat(n));
        let big = p(&"对企业给予补贴。".repeat(100_000));
        let doc = extract(&docx(&levels(100_000, &big), None)).expect("docx");
        assert_eq!(doc.pages[0].chars().count(), 800_000);
        let doc = extract(&docx(&levels(20_000, &p("底")), None)).expect("docx");
        assert_eq!(doc.pages, vec!["底"]);
        // Beyond MAX_TABLE_NESTING, rows and cells are read as paragraphs of the deepest cell.
        let row = |a: &str, b: &str| format!("<w:tr>{}{}</w:tr>", cell(a), cell(b));
        let deep = format!("<w:tbl>{}{}</w:tbl>", row("甲", "乙"), row("丙", "丁"));
        let doc = extract(&docx(&levels(MAX_TABLE_NESTING, &deep), None)).expect("docx");
        assert_eq!(doc.pages, vec!["甲; 乙; 丙; 丁"]);
        let doc = extract(&docx(&levels(MAX_TABLE_NESTING - 1, &deep), None)).expect("docx");
        assert_eq!(doc.pages, vec!["甲 乙; 丙 丁"]);
    }

    #[test]
    fn main_part_from_relationships() {
        let rels = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="/word/document2.xml"/></Relationships>"#;
        let document = format!(
            "<w:document {W}><w:body>{}</w:body></w:document>",
            p("正文")
        );
        let bytes = zip_of(&[("_rels/.rels", rels), ("word/document2.xml", &document)]);
        assert_eq!(extract(&bytes).expect("docx").pages, vec!["正文"]);
    }

    #[test]
    fn broken_and_foreign_inputs_are_malformed() {
        let malformed = |bytes: &[u8]| matches!(extract(bytes), Err(ExtractError::Malformed(_)));
        assert!(malformed(b"PK\x03\x04 not really a zip"));
        assert!(malformed(&zip_of(&[("xl/workbook.xml", "<workbook/>")])));
        let sheet =
            r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>"#;
        assert!(malformed(&zip_of(&[("word/document.xml", sheet)])));
        assert!(malformed(&zip_of(&[("word/document.xml", "")])));
        assert_eq!(
            extract(&docx("<w:p/>", None)).unwrap_err(),
            ExtractError::NoText
        );
    }

    #[test]
    fn truncated_xml_keeps_text_with_warning() {
        let document = format!(
            "<w:document {W}><w:body>{}<w:p><w:r><w:t>尾部</w:t></w:r></w:x>",
            p("开头")
        );
        let doc = extract(&zip_of(&[("word/document.xml", &document)])).expect("docx");
        assert_eq!(doc.pages, vec!["开头\n\n尾部"]);
        assert_eq!(doc.warnings.len(), 1);
    }

    #[test]
    fn zip_bombs_and_huge_archives_are_refused() {
        let big = " ".repeat(1 << 20);
        let bytes = zip_of(&[("word/document.xml", &big)]);
        assert!(bytes.len() < 64 << 10, "deflated to {} bytes", bytes.len());
        let mut archive = ZipArchive::new(Cursor::new(bytes.as_slice())).expect("zip");
        let result = read_part(&mut archive, "word/document.xml", 1000);
        assert!(matches!(result, Err(ExtractError::TooLarge(_))));
        let names: Vec<String> = (0..=MAX_ENTRIES).map(|i| format!("f{i}")).collect();
        let parts: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "")).collect();
        assert!(matches!(
            extract(&zip_of(&parts)),
            Err(ExtractError::TooLarge(_))
        ));
    }

    #[test]
    fn core_title_fallbacks_and_dates() {
        let core = CORE
            .replace("关于出口退税的通知", " ")
            .replace("2023-05-12T08:00:00Z", "1601-01-01T00:00:00Z");
        let doc = extract(&docx(&p("  首段标题  "), Some(&core))).expect("docx");
        assert_eq!((doc.title.as_deref(), doc.date), (Some("首段标题"), None));
        assert_eq!(iso_date("2021-12-31"), Some("2021-12-31".into()));
        assert_eq!(iso_date("2021-1-31"), None);
    }
}
