//! The provision × region (or issuer, year, document type) matrix: how many *documents* match
//! per row value and provision, for the whole index or the documents matching a query. It
//! answers "which governments offer which support" at a glance; each cell is a search.

use crate::enrich::provisions::Taxonomy;
use crate::error::{Error, Result};
use crate::index::schema::Fields;
use crate::query::parse_with;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap, HashSet};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::{DocId, Score, Searcher, SegmentOrdinal, SegmentReader};

/// What the rows of a matrix are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RowKind {
    /// Provinces and prefecture-level cities (a city's documents count for its province too).
    Region,
    Issuer,
    Year,
    Doctype,
}

impl RowKind {
    /// Parse `region`, `issuer`, `year` or `type`/`doctype`.
    pub fn from_name(s: &str) -> Option<RowKind> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "region" => RowKind::Region,
            "issuer" => RowKind::Issuer,
            "year" => RowKind::Year,
            "type" | "doctype" => RowKind::Doctype,
            _ => return None,
        })
    }

    fn fast_field(self) -> &'static str {
        match self {
            RowKind::Region => "region",
            RowKind::Issuer => "issuer",
            RowKind::Year => "year",
            RowKind::Doctype => "doctype",
        }
    }

    /// The query clause that selects documents with row value `v`.
    pub fn filter(self, v: &str) -> String {
        match self {
            RowKind::Region => format!("region:{v}"),
            RowKind::Issuer => issuer_filter(v),
            RowKind::Year => format!("year:{v}"),
            RowKind::Doctype => format!("type:{v}"),
        }
    }
}

/// The clause selecting documents issued by exactly `name` (quoted: an exact name). A name
/// holding a quote cannot be quoted; it falls back to containment.
pub fn issuer_filter(name: &str) -> String {
    if name.contains(['"', '“', '”']) {
        format!("issuer:{}", name.replace(char::is_whitespace, ""))
    } else {
        format!("issuer:\"{name}\"")
    }
}

/// One provision column.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixColumn {
    pub id: String,
    pub label_en: String,
    pub label_zh: String,
    /// Documents with at least one matching passage tagged with this provision.
    pub documents: u64,
    /// The query clause for this column.
    pub filter: String,
}

/// One row: a region, issuer, year or type, with a document count per column.
#[derive(Debug, Clone, Serialize)]
pub struct MatrixRow {
    pub value: String,
    /// Matching documents with this value (whatever their provisions).
    pub documents: u64,
    /// Documents per column, in column order.
    pub cells: Vec<u64>,
    /// The query clause for this row.
    pub filter: String,
}

/// The matrix (`provisio matrix --json`, `/api/matrix`).
#[derive(Debug, Clone, Serialize)]
pub struct Matrix {
    pub query: String,
    pub rows_by: RowKind,
    pub columns: Vec<MatrixColumn>,
    pub rows: Vec<MatrixRow>,
    /// Documents matching the query.
    pub total_documents: u64,
    /// Matching documents that have no value for the rows (no region, no issuer …).
    pub without_row_value: u64,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub expanded: BTreeMap<String, Vec<String>>,
}

impl Matrix {
    /// The query that lists the documents behind a cell (`None` column: the whole row).
    pub fn cell_query(&self, row: &MatrixRow, column: Option<&MatrixColumn>) -> String {
        let base = if self.query.trim() == "*" {
            String::new()
        } else {
            format!("{} ", self.query.trim())
        };
        match column {
            Some(c) => format!("{base}{} {}", row.filter, c.filter),
            None => format!("{base}{}", row.filter),
        }
    }
}

/// Sets of document keys: per row value, per provision, per (row, provision), and all.
#[derive(Default)]
struct Fruit {
    rows: HashMap<String, HashSet<u64>>,
    columns: HashMap<String, HashSet<u64>>,
    cells: HashMap<(String, String), HashSet<u64>>,
    all: HashSet<u64>,
}

impl Fruit {
    fn merge(&mut self, other: Fruit) {
        for (k, v) in other.rows {
            self.rows.entry(k).or_default().extend(v);
        }
        for (k, v) in other.columns {
            self.columns.entry(k).or_default().extend(v);
        }
        for (k, v) in other.cells {
            self.cells.entry(k).or_default().extend(v);
        }
        self.all.extend(other.all);
    }
}

struct MatrixCollector {
    rows: &'static str,
}

struct MatrixSegmentCollector {
    keys: Column<u64>,
    rows: Option<StrColumn>,
    provisions: Option<StrColumn>,
    row_seen: HashMap<u64, HashSet<u64>>,
    col_seen: HashMap<u64, HashSet<u64>>,
    cell_seen: HashMap<(u64, u64), HashSet<u64>>,
    all: HashSet<u64>,
}

impl Collector for MatrixCollector {
    type Fruit = Fruit;
    type Child = MatrixSegmentCollector;

    fn for_segment(
        &self,
        _segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<MatrixSegmentCollector> {
        let ff = reader.fast_fields();
        Ok(MatrixSegmentCollector {
            keys: ff.u64("doc_key")?,
            rows: ff.str(self.rows)?,
            provisions: ff.str("provision")?,
            row_seen: HashMap::new(),
            col_seen: HashMap::new(),
            cell_seen: HashMap::new(),
            all: HashSet::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Fruit>) -> tantivy::Result<Fruit> {
        let mut all = Fruit::default();
        for f in fruits {
            all.merge(f);
        }
        Ok(all)
    }
}

impl SegmentCollector for MatrixSegmentCollector {
    type Fruit = Fruit;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let key = self.keys.first(doc).unwrap_or(0);
        self.all.insert(key);
        let rows: Vec<u64> = self
            .rows
            .as_ref()
            .map(|c| c.term_ords(doc).collect())
            .unwrap_or_default();
        let provisions: Vec<u64> = self
            .provisions
            .as_ref()
            .map(|c| c.term_ords(doc).collect())
            .unwrap_or_default();
        for &r in &rows {
            self.row_seen.entry(r).or_default().insert(key);
            for &p in &provisions {
                self.cell_seen.entry((r, p)).or_default().insert(key);
            }
        }
        for &p in &provisions {
            self.col_seen.entry(p).or_default().insert(key);
        }
    }

    fn harvest(self) -> Fruit {
        let name = |col: &Option<StrColumn>, ord: u64| -> Option<String> {
            let mut s = String::new();
            col.as_ref()?.ord_to_str(ord, &mut s).ok()?.then_some(s)
        };
        let mut out = Fruit {
            all: self.all,
            ..Fruit::default()
        };
        for (ord, keys) in self.row_seen {
            if let Some(v) = name(&self.rows, ord) {
                out.rows.entry(v).or_default().extend(keys);
            }
        }
        for (ord, keys) in self.col_seen {
            if let Some(v) = name(&self.provisions, ord) {
                out.columns.entry(v).or_default().extend(keys);
            }
        }
        for ((r, p), keys) in self.cell_seen {
            if let (Some(r), Some(p)) = (name(&self.rows, r), name(&self.provisions, p)) {
                out.cells.entry((r, p)).or_default().extend(keys);
            }
        }
        out
    }
}

/// Compute the matrix of documents matching `query` (`*` for all), rows by `rows`, one column
/// per provision of `taxonomy` (in its order), plus any provision id found in the index that the
/// taxonomy no longer has.
pub fn matrix(
    searcher: &Searcher,
    fields: &Fields,
    query: &str,
    rows: RowKind,
    taxonomy: &Taxonomy,
    expand: bool,
) -> Result<Matrix> {
    let query = if query.trim().is_empty() { "*" } else { query };
    let (parsed, expanded) = parse_with(query, expand.then_some(taxonomy))?;
    let q = parsed.to_query(fields)?;
    let fruit = searcher.search(
        q.as_ref(),
        &MatrixCollector {
            rows: rows.fast_field(),
        },
    )?;
    let count = |set: Option<&HashSet<u64>>| set.map_or(0, |s| s.len() as u64);
    let mut columns: Vec<MatrixColumn> = taxonomy
        .provisions()
        .iter()
        .map(|p| MatrixColumn {
            id: p.id.clone(),
            label_en: p.label_en.clone(),
            label_zh: p.label_zh.clone(),
            documents: count(fruit.columns.get(&p.id)),
            filter: format!("provision:{}", p.id),
        })
        .collect();
    let mut unknown: Vec<&String> = fruit
        .columns
        .keys()
        .filter(|id| taxonomy.get(id).is_none())
        .collect();
    unknown.sort();
    for id in unknown {
        columns.push(MatrixColumn {
            id: id.clone(),
            label_en: id.clone(),
            label_zh: String::new(),
            documents: count(fruit.columns.get(id)),
            filter: format!("provision:{id}"),
        });
    }
    let mut with_row: HashSet<u64> = HashSet::new();
    let mut out_rows: Vec<MatrixRow> = fruit
        .rows
        .iter()
        .map(|(value, keys)| {
            with_row.extend(keys);
            MatrixRow {
                value: value.clone(),
                documents: keys.len() as u64,
                cells: columns
                    .iter()
                    .map(|c| count(fruit.cells.get(&(value.clone(), c.id.clone()))))
                    .collect(),
                filter: rows.filter(value),
            }
        })
        .collect();
    match rows {
        // Paths sort a province right before its cities; years newest first.
        RowKind::Region => out_rows.sort_by(|a, b| a.value.cmp(&b.value)),
        RowKind::Year => out_rows.sort_by(|a, b| b.value.cmp(&a.value)),
        RowKind::Issuer | RowKind::Doctype => out_rows.sort_by(|a, b| {
            b.documents
                .cmp(&a.documents)
                .then_with(|| a.value.cmp(&b.value))
        }),
    }
    let total = fruit.all.len() as u64;
    Ok(Matrix {
        query: query.to_string(),
        rows_by: rows,
        columns,
        rows: out_rows,
        total_documents: total,
        without_row_value: total - with_row.len() as u64,
        expanded,
    })
}

/// Write the matrix as CSV (UTF-8 with BOM, one header row: row value, documents, provisions).
pub fn write_csv(m: &Matrix, out: &mut dyn std::io::Write) -> Result<()> {
    let io = |e| Error::io("<matrix output>", e);
    let mut w = crate::export::CsvWriter::new(out).map_err(io)?;
    let mut header = vec![
        format!("{:?}", m.rows_by).to_lowercase(),
        "documents".into(),
    ];
    header.extend(m.columns.iter().map(|c| c.id.clone()));
    w.row(&header).map_err(io)?;
    for r in &m.rows {
        let mut cells = vec![r.value.clone(), r.documents.to_string()];
        cells.extend(r.cells.iter().map(|c| c.to_string()));
        w.row(&cells).map_err(io)?;
    }
    Ok(())
}
