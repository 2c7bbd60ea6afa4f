//! `provisio matrix`: documents per region (issuer, year, type) × provision, as a table, CSV
//! or JSON.

use super::IndexDir;
use provisio::index;
use provisio::matrix::{matrix, write_csv, RowKind};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct MatrixArgs {
    #[command(flatten)]
    pub index: IndexDir,
    /// Rows: region, issuer, year or type.
    #[arg(long, default_value = "region")]
    pub rows: String,
    /// Columns (only `provision` for now).
    #[arg(long, default_value = "provision")]
    pub cols: String,
    /// Print CSV (UTF-8 with BOM).
    #[arg(long, conflicts_with = "json")]
    pub csv: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Do not expand English provision words to Chinese terms.
    #[arg(long)]
    pub no_expand: bool,
    /// Only documents matching this query (default: all).
    #[arg(num_args = 0..)]
    pub query: Vec<String>,
}

pub fn run(a: MatrixArgs) -> anyhow::Result<ExitCode> {
    let Some(rows) = RowKind::from_name(&a.rows) else {
        return super::fail(provisio::Error::Usage(format!(
            "--rows must be region, issuer, year or type (not '{}')",
            a.rows
        )));
    };
    if !a.cols.eq_ignore_ascii_case("provision") {
        return super::fail(provisio::Error::Usage(
            "--cols supports only 'provision'".into(),
        ));
    }
    let (idx, fields) = match index::open_read(&a.index.index) {
        Ok(x) => x,
        Err(e) => return super::fail(e),
    };
    let searcher = idx.reader()?.searcher();
    let taxonomy = super::index_taxonomy(&a.index);
    let query = if a.query.is_empty() {
        "*".to_string()
    } else {
        a.query.join(" ")
    };
    let m = match matrix(&searcher, &fields, &query, rows, &taxonomy, !a.no_expand) {
        Ok(m) => m,
        Err(e) => return super::fail(e),
    };
    if a.json {
        out!("{}", serde_json::to_string_pretty(&m)?);
        return Ok(ExitCode::SUCCESS);
    }
    if a.csv {
        let mut buf = Vec::new();
        if let Err(e) = write_csv(&m, &mut buf) {
            return super::fail(e);
        }
        out!("{}", String::from_utf8_lossy(&buf).trim_end());
        return Ok(ExitCode::SUCCESS);
    }
    // A plain table: only columns with at least one document.
    let cols: Vec<usize> = (0..m.columns.len())
        .filter(|&i| m.columns[i].documents > 0)
        .collect();
    let width = |s: &str| {
        s.chars()
            .map(|c| if provisio::analysis::is_cjk(c) { 2 } else { 1 })
            .sum::<usize>()
    };
    let first = m
        .rows
        .iter()
        .map(|r| width(&r.value))
        .max()
        .unwrap_or(0)
        .max(8);
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(width(s))));
    out!(
        "{} documents match '{}'; rows by {:?}; {} without a value",
        m.total_documents,
        m.query,
        m.rows_by,
        m.without_row_value
    );
    let mut header = format!("{} {:>5}", pad("", first), "docs");
    for &i in &cols {
        header.push_str(&format!(
            " {:>w$}",
            m.columns[i].id,
            w = m.columns[i].id.len()
        ));
    }
    out!("{header}");
    for r in &m.rows {
        let mut line = format!("{} {:>5}", pad(&r.value, first), r.documents);
        for &i in &cols {
            let n = r.cells[i];
            let cell = if n == 0 {
                "·".to_string()
            } else {
                n.to_string()
            };
            line.push_str(&format!(" {:>w$}", cell, w = m.columns[i].id.len()));
        }
        out!("{line}");
    }
    Ok(ExitCode::SUCCESS)
}
