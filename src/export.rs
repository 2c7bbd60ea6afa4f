//! Evidence export: one row per matching passage with everything needed to cite it (title,
//! issuer, document number, date, region, path, page, clause label, text, provisions) and the
//! file's blake3 hash so the citation can be re-verified. Rows are written as they are read:
//! only the addresses of matching passages are held in memory, never their text.

use crate::enrich::provisions::Taxonomy;
use crate::error::{Error, Result};
use crate::index::schema::{Fields, PassageRecord};
use crate::query::parse_with;
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::Column;
use tantivy::{DocAddress, DocId, Score, Searcher, SegmentOrdinal, SegmentReader, TantivyDocument};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// UTF-8 with BOM, RFC 4180 quoting: opens cleanly in a spreadsheet.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

impl ExportFormat {
    pub fn from_name(s: &str) -> Option<ExportFormat> {
        match s.trim().to_ascii_lowercase().as_str() {
            "csv" => Some(ExportFormat::Csv),
            "jsonl" | "ndjson" | "json-lines" => Some(ExportFormat::Jsonl),
            _ => None,
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            ExportFormat::Csv => "text/csv; charset=utf-8",
            ExportFormat::Jsonl => "application/x-ndjson; charset=utf-8",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Jsonl => "jsonl",
        }
    }
}

/// One exported passage. The CSV columns are these fields, in this order.
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceRow {
    pub title: String,
    pub issuer: String,
    pub docno: String,
    pub doctype: String,
    pub date: String,
    pub region: String,
    pub path: String,
    pub page: u64,
    pub label: String,
    pub text: String,
    pub provisions: String,
    pub blake3: String,
    pub doc_id: String,
    pub ordinal: u64,
    pub language: String,
    pub format: String,
    /// `true` when the text was read by OCR from a scan.
    pub ocr: bool,
}

/// Column names of the CSV, in order.
pub const COLUMNS: [&str; 17] = [
    "title",
    "issuer",
    "docno",
    "doctype",
    "date",
    "region",
    "path",
    "page",
    "label",
    "text",
    "provisions",
    "blake3",
    "doc_id",
    "ordinal",
    "language",
    "format",
    "ocr",
];

impl EvidenceRow {
    fn from_record(r: PassageRecord) -> EvidenceRow {
        // The most specific regions only: `/四川省/成都市` already names its province.
        let regions: Vec<&String> = r
            .regions
            .iter()
            .filter(|p| {
                !r.regions
                    .iter()
                    .any(|q| q.len() > p.len() && q.starts_with(&format!("{p}/")))
            })
            .collect();
        EvidenceRow {
            title: r.title,
            issuer: r.issuers.join("; "),
            docno: r.docno.unwrap_or_default(),
            doctype: r.doctype.unwrap_or_default(),
            date: r.date.unwrap_or_default(),
            region: regions
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("; "),
            path: r.path,
            page: r.page,
            label: r.label,
            text: r.text,
            provisions: r.provisions.join("; "),
            blake3: r.hash,
            doc_id: r.doc_id,
            ordinal: r.ordinal,
            language: r.lang,
            format: r.format,
            ocr: r.ocr,
        }
    }

    fn cells(&self) -> [String; 17] {
        [
            self.title.clone(),
            self.issuer.clone(),
            self.docno.clone(),
            self.doctype.clone(),
            self.date.clone(),
            self.region.clone(),
            self.path.clone(),
            self.page.to_string(),
            self.label.clone(),
            self.text.clone(),
            self.provisions.clone(),
            self.blake3.clone(),
            self.doc_id.clone(),
            self.ordinal.to_string(),
            self.language.clone(),
            self.format.clone(),
            self.ocr.to_string(),
        ]
    }
}

/// A minimal RFC 4180 writer: UTF-8 BOM first, CRLF line ends, every field quoted when it
/// holds a quote, comma or line break. A cell starting with `=`, `+`, `-`, `@` or a tab is
/// prefixed with `'` so a spreadsheet shows it as text instead of running it as a formula
/// (document text is untrusted); JSON Lines keeps the text exactly.
pub struct CsvWriter<'a> {
    out: &'a mut dyn Write,
}

impl<'a> CsvWriter<'a> {
    pub fn new(out: &'a mut dyn Write) -> std::io::Result<CsvWriter<'a>> {
        out.write_all("\u{feff}".as_bytes())?;
        Ok(CsvWriter { out })
    }

    pub fn row<S: AsRef<str>>(&mut self, cells: &[S]) -> std::io::Result<()> {
        let mut line = String::new();
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                line.push(',');
            }
            let cell = cell.as_ref();
            let guarded;
            let cell = if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                guarded = format!("'{cell}");
                guarded.as_str()
            } else {
                cell
            };
            if cell.contains(['"', ',', '\n', '\r']) {
                line.push('"');
                line.push_str(&cell.replace('"', "\"\""));
                line.push('"');
            } else {
                line.push_str(cell);
            }
        }
        line.push_str("\r\n");
        self.out.write_all(line.as_bytes())
    }
}

/// Addresses of matching passages with their document key and ordinal (24 bytes each).
struct AddressCollector;

struct AddressSegmentCollector {
    segment: SegmentOrdinal,
    keys: Column<u64>,
    ordinals: Column<u64>,
    found: Vec<(u64, u64, DocAddress)>,
}

impl Collector for AddressCollector {
    type Fruit = Vec<(u64, u64, DocAddress)>;
    type Child = AddressSegmentCollector;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<AddressSegmentCollector> {
        let ff = reader.fast_fields();
        Ok(AddressSegmentCollector {
            segment,
            keys: ff.u64("doc_key")?,
            ordinals: ff.u64("ordinal")?,
            found: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Self::Fruit>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for AddressSegmentCollector {
    type Fruit = Vec<(u64, u64, DocAddress)>;

    fn collect(&mut self, doc: DocId, _score: Score) {
        self.found.push((
            self.keys.first(doc).unwrap_or(0),
            self.ordinals.first(doc).unwrap_or(0),
            DocAddress::new(self.segment, doc),
        ));
    }

    fn harvest(self) -> Self::Fruit {
        self.found
    }
}

/// Write every passage matching `query`, grouped by document (documents by path, passages in
/// reading order), to `out`. Returns the number of rows written.
pub fn export(
    searcher: &Searcher,
    fields: &Fields,
    query: &str,
    format: ExportFormat,
    taxonomy: &Taxonomy,
    expand: bool,
    out: &mut dyn Write,
) -> Result<u64> {
    let (parsed, _) = parse_with(query, expand.then_some(taxonomy))?;
    let q = parsed.to_query(fields)?;
    let mut found = searcher.search(q.as_ref(), &AddressCollector)?;
    // Order documents by path: read one stored passage per document for its path.
    let mut first: HashMap<u64, DocAddress> = HashMap::new();
    for (key, _, addr) in &found {
        first.entry(*key).or_insert(*addr);
    }
    let mut path_of: HashMap<u64, String> = HashMap::with_capacity(first.len());
    for (key, addr) in first {
        let doc: TantivyDocument = searcher.doc(addr)?;
        path_of.insert(key, crate::index::schema::stored_text(&doc, fields.path));
    }
    found.sort_by(|a, b| {
        path_of[&a.0]
            .cmp(&path_of[&b.0])
            .then(a.0.cmp(&b.0))
            .then(a.1.cmp(&b.1))
    });
    let io = |e: std::io::Error| Error::io("<export output>", e);
    let mut rows = 0u64;
    match format {
        ExportFormat::Csv => {
            let mut w = CsvWriter::new(out).map_err(io)?;
            w.row(&COLUMNS).map_err(io)?;
            for (_, _, addr) in found {
                let doc: TantivyDocument = searcher.doc(addr)?;
                let row = EvidenceRow::from_record(PassageRecord::from_document(&doc, fields));
                w.row(&row.cells()).map_err(io)?;
                rows += 1;
            }
        }
        ExportFormat::Jsonl => {
            for (_, _, addr) in found {
                let doc: TantivyDocument = searcher.doc(addr)?;
                let row = EvidenceRow::from_record(PassageRecord::from_document(&doc, fields));
                let mut line = serde_json::to_vec(&row).map_err(|e| io(e.into()))?;
                line.push(b'\n');
                out.write_all(&line).map_err(io)?;
                rows += 1;
            }
        }
    }
    out.flush().map_err(io)?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_and_guards_formulas() {
        let mut buf = Vec::new();
        {
            let mut w = CsvWriter::new(&mut buf).unwrap();
            w.row(&["a,b", "say \"hi\"", "line\nbreak", "=SUM(A1)", "plain"])
                .unwrap();
        }
        let s = String::from_utf8(buf).unwrap();
        assert_eq!(
            s,
            "\u{feff}\"a,b\",\"say \"\"hi\"\"\",\"line\nbreak\",'=SUM(A1),plain\r\n"
        );
    }
}
