//! `provisio search`: a thin adapter over [`provisio::search`], printing grouped, cited results.

use super::IndexDir;
use is_terminal::IsTerminal;
use provisio::search::MAX_LIMIT;
use provisio::{index, SearchRequest};
use std::process::ExitCode;

#[derive(clap::Args, Debug)]
pub struct SearchArgs {
    #[command(flatten)]
    pub index: IndexDir,
    /// Documents to show.
    #[arg(long, default_value_t = 10)]
    pub limit: usize,
    /// Documents to skip (for paging).
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Do not expand English provision words (`export license`) to Chinese terms.
    #[arg(long)]
    pub no_expand: bool,
    /// The query (see README: words, "phrases", -exclude, OR, title:, path:, lang:, format:).
    #[arg(required = true, num_args = 1..)]
    pub query: Vec<String>,
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

pub fn run(a: SearchArgs) -> anyhow::Result<ExitCode> {
    if a.limit == 0 || a.limit > MAX_LIMIT {
        return super::fail(provisio::Error::Usage(format!(
            "--limit must be between 1 and {MAX_LIMIT}"
        )));
    }
    let (idx, fields) = match index::open_read(&a.index.index) {
        Ok(x) => x,
        Err(e) => return super::fail(e),
    };
    let searcher = idx.reader()?.searcher();
    let mut req = SearchRequest::new(a.query.join(" "));
    req.limit = a.limit;
    req.offset = a.offset;
    req.expand = !a.no_expand;
    req.facets = a.json;
    req.taxonomy = Some(super::index_taxonomy(&a.index));
    let resp = match provisio::search(&searcher, &fields, &req) {
        Ok(r) => r,
        Err(e) => return super::fail(e),
    };
    if a.json {
        out!("{}", serde_json::to_string_pretty(&resp)?);
        return Ok(ExitCode::SUCCESS);
    }
    let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    let (bold, mark, dim, reset) = if color {
        ("\x1b[1m", "\x1b[1;33m", "\x1b[2m", "\x1b[0m")
    } else {
        ("", "", "", "")
    };
    let (open, close) = if color { (mark, reset) } else { ("[", "]") };
    out!(
        "{} documents, {} passages ({} ms)",
        resp.total_documents,
        resp.total_passages,
        resp.took_ms
    );
    for (phrase, terms) in &resp.expanded {
        out!(
            "{dim}expanded \"{phrase}\" → {} (--no-expand to turn off){reset}",
            terms.join(", ")
        );
    }
    for (i, d) in resp.documents.iter().enumerate() {
        out!();
        out!(
            "{}{}. {}{}  {}{} · {} · {}{}{}",
            bold,
            a.offset + i + 1,
            d.title,
            reset,
            dim,
            d.path,
            d.format,
            d.language,
            d.date
                .as_deref()
                .map(|x| format!(" · {x}"))
                .unwrap_or_default(),
            reset
        );
        let official: Vec<&str> = d
            .docno
            .iter()
            .map(String::as_str)
            .chain(d.issuers.iter().map(String::as_str))
            .collect();
        if !official.is_empty() {
            out!("   {dim}{}{reset}", official.join(" · "));
        }
        for p in &d.passages {
            let snippet = unescape(
                &p.highlight
                    .replace("<mark>", open)
                    .replace("</mark>", close),
            )
            .replace('\n', " ");
            let tags = if p.provisions.is_empty() {
                String::new()
            } else {
                format!(" [{}]", p.provisions.join(", "))
            };
            out!(
                "   {dim}p.{} {}{tags}{}  {}",
                p.page,
                p.label,
                reset,
                snippet
            );
        }
        if d.matching_passages > d.passages.len() as u64 {
            out!(
                "   {dim}… {} more matching passages{reset}",
                d.matching_passages - d.passages.len() as u64
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
