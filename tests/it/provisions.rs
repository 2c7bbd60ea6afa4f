//! Provisions end to end: tagging at index time (with proximity), `provision:` filters,
//! English→Chinese expansion, re-tagging without re-extraction, the matrix (documents, not
//! passages) and the evidence export (CSV and JSON Lines parsed back).

use crate::common::{paths, search_in, Workspace};
use provisio::enrich::provisions::Taxonomy;
use provisio::export::{export, ExportFormat, COLUMNS};
use provisio::index::open_read;
use provisio::matrix::{matrix, RowKind};
use provisio::{IndexOptions, SearchRequest};
use std::sync::Arc;

/// Grants free warehousing in a clause, and again in a second clause (two passages).
const GRANT: &str = "成都市商务局关于支持二手车出口的通知\n成商务发〔2023〕9号\n各区（市）县商务主管部门：\n第一条 对纳入名单的出口企业，出口车辆在监管仓存放期间提供免费仓储，期限30天。\n第二条 对二手车出口企业在集中监管区域的仓储费用给予免费安排，所需资金由市财政承担。\n第三条 支持企业申领二手车出口许可证，商务部门5个工作日内完成初审并给予一次性补贴，申报材料中如有引号\"和逗号,照录。\n成都市商务局\n2023年4月1日\n";
/// Mentions 免费 and 仓储 far apart: not a warehousing grant.
const FAR: &str = "宁波市文化广电旅游局关于博物馆开放时间调整的通知\n甬文旅〔2023〕3号\n第一条 市博物馆自五月起每周二至周日免费向市民开放，周一闭馆，节假日照常开放并另行公告，新馆南侧的文物仓储用房暂不开放。\n宁波市文化广电旅游局\n2023年4月20日\n";

fn workspace() -> Workspace {
    let ws = Workspace::new();
    ws.write("zh/grant.txt", GRANT);
    ws.write("zh/far.txt", FAR);
    ws.index();
    ws
}

#[test]
fn passages_are_tagged_for_what_they_grant() {
    let ws = workspace();
    let r = ws.search("provision:free_warehousing");
    assert_eq!(
        paths(&r),
        ["zh/grant.txt"],
        "免费 far from 仓储 is no grant"
    );
    assert_eq!(r.total_passages, 2, "both clauses grant it");
    let d = &r.documents[0];
    assert!(d
        .passages
        .iter()
        .all(|p| p.provisions.iter().any(|id| id == "free_warehousing")));
    // The licence clause carries its own tags, not the warehousing ones.
    let lic = ws.search("出口许可证");
    let p = &lic.documents[0].passages[0];
    assert_eq!(p.label, "第三条");
    assert!(
        p.provisions.iter().any(|id| id == "export_licence"),
        "{:?}",
        p.provisions
    );
    assert!(!p.provisions.iter().any(|id| id == "free_warehousing"));
}

#[test]
fn english_words_reach_chinese_clauses_and_say_so() {
    let ws = workspace();
    let r = ws.search("export license");
    assert_eq!(paths(&r), ["zh/grant.txt"]);
    let terms = r
        .expanded
        .get("export license")
        .expect("expansion reported");
    assert!(terms.iter().any(|t| t == "出口许可证"), "{terms:?}");
    assert!(r.documents[0].passages[0].highlight.contains("<mark>"));
    // Turned off, the English words find nothing in Chinese text.
    let (idx, fields) = open_read(&ws.index_dir()).expect("open");
    let searcher = idx.reader().expect("reader").searcher();
    let mut req = SearchRequest::new("export license");
    req.expand = false;
    let r = provisio::search(&searcher, &fields, &req).expect("search");
    assert_eq!(r.total_documents, 0);
    assert!(r.expanded.is_empty());
}

const CUSTOM: &str = r#"
[[provision]]
id = "museum_hours"
label_en = "Museum opening hours"
label_zh = "开放时间"
terms_zh = ["开放时间"]
terms_en = ["opening hours"]
"#;

#[test]
fn a_new_taxonomy_retags_without_reading_files_again() {
    let ws = workspace();
    let custom = Arc::new(Taxonomy::from_toml_str(CUSTOM).expect("custom taxonomy"));
    // Change a file's bytes but not its size or mtime: a run that re-read files would index
    // the new words; a re-tag must not.
    let far = ws.corpus().join("zh/far.txt");
    let meta = std::fs::metadata(&far).expect("stat");
    let mtime = meta.modified().expect("mtime");
    let changed = FAR.replace("博物馆", "美术馆");
    assert_eq!(changed.len(), FAR.len());
    std::fs::write(&far, &changed).expect("rewrite");
    std::fs::File::options()
        .write(true)
        .open(&far)
        .and_then(|f| f.set_modified(mtime))
        .expect("keep mtime");

    // And touch the other file without changing it: it is hashed, found identical, and must
    // still be re-tagged.
    let grant = ws.corpus().join("zh/grant.txt");
    std::fs::File::options()
        .write(true)
        .open(&grant)
        .and_then(|f| f.set_modified(mtime + std::time::Duration::from_secs(60)))
        .expect("touch");

    let mut opts = IndexOptions::new(ws.corpus(), ws.index_dir());
    opts.taxonomy = custom.clone();
    let s = provisio::run_index(&opts).expect("retag run");
    assert_eq!((s.added, s.updated, s.retagged), (0, 0, 2), "{s:?}");
    assert_eq!(s.unchanged, 2, "{s:?}");
    let r = ws.search("provision:museum_hours");
    assert_eq!(paths(&r), ["zh/far.txt"]);
    // The touched file lost the built-in tags too.
    assert!(
        r.documents[0].passages[0].text.contains("博物馆"),
        "stored text re-used"
    );
    assert_eq!(
        ws.search("美术馆").total_documents,
        0,
        "the file was not read"
    );
    assert_eq!(ws.search("provision:free_warehousing").total_documents, 0);
    // Readers use the taxonomy the index was tagged with.
    let saved = provisio::index::load_taxonomy(&ws.index_dir());
    assert_eq!(saved.hash(), custom.hash());

    // Same taxonomy again: nothing to do. `--retag` forces it.
    let s = provisio::run_index(&opts).expect("second run");
    assert_eq!(s.retagged, 0);
    opts.retag = true;
    assert_eq!(provisio::run_index(&opts).expect("forced").retagged, 2);
    // Back to the built-in taxonomy.
    let s = provisio::run_index(&IndexOptions::new(ws.corpus(), ws.index_dir())).expect("run");
    assert_eq!(s.retagged, 2);
    assert_eq!(
        paths(&ws.search("provision:free_warehousing")),
        ["zh/grant.txt"]
    );
}

#[test]
fn matrix_counts_documents_not_passages() {
    let ws = workspace();
    let (idx, fields) = open_read(&ws.index_dir()).expect("open");
    let searcher = idx.reader().expect("reader").searcher();
    let tax = Taxonomy::builtin();
    let m = matrix(&searcher, &fields, "*", RowKind::Region, tax, true).expect("matrix");
    assert_eq!(m.total_documents, 2);
    let col = m
        .columns
        .iter()
        .position(|c| c.id == "free_warehousing")
        .expect("column");
    assert_eq!(m.columns[col].documents, 1);
    let row = |v: &str| {
        m.rows
            .iter()
            .find(|r| r.value == v)
            .unwrap_or_else(|| panic!("{v}"))
    };
    // Two tagged passages, one document.
    assert_eq!(row("/四川省/成都市").cells[col], 1);
    assert_eq!(row("/四川省").cells[col], 1);
    assert_eq!(row("/浙江省/宁波市").cells[col], 0);
    assert_eq!(row("/浙江省").documents, 1);
    // A cell's query finds exactly the documents it counts.
    let cell = m.cell_query(row("/四川省"), Some(&m.columns[col]));
    assert_eq!(
        paths(&search_in(&ws.index_dir(), &cell, 3)),
        ["zh/grant.txt"]
    );
    // For every kind of row, every count equals what its link finds.
    for rows in [
        RowKind::Region,
        RowKind::Issuer,
        RowKind::Year,
        RowKind::Doctype,
    ] {
        let m = matrix(&searcher, &fields, "*", rows, tax, true).expect("matrix");
        assert!(!m.rows.is_empty(), "{rows:?}");
        for r in &m.rows {
            let found = search_in(&ws.index_dir(), &m.cell_query(r, None), 1).total_documents;
            assert_eq!(found as u64, r.documents, "{rows:?} {}", r.value);
            for (c, &n) in m.columns.iter().zip(&r.cells) {
                let q = m.cell_query(r, Some(c));
                let found = search_in(&ws.index_dir(), &q, 1).total_documents;
                assert_eq!(found as u64, n, "{q}");
            }
        }
    }
    // Restricted to a query.
    let m = matrix(&searcher, &fields, "博物馆", RowKind::Year, tax, true).expect("matrix");
    assert_eq!(m.total_documents, 1);
    assert_eq!(m.rows.len(), 1);
    assert_eq!(m.rows[0].value, "2023");
    assert!(m.rows[0].cells.iter().all(|&n| n == 0));
}

#[test]
fn export_round_trips_through_csv_and_json_lines() {
    let ws = workspace();
    let (idx, fields) = open_read(&ws.index_dir()).expect("open");
    let searcher = idx.reader().expect("reader").searcher();
    let tax = Taxonomy::builtin();
    let total = ws.search("*").total_passages;

    let mut csv_bytes = Vec::new();
    let n = export(
        &searcher,
        &fields,
        "*",
        ExportFormat::Csv,
        tax,
        true,
        &mut csv_bytes,
    )
    .expect("csv export");
    assert_eq!(n, total);
    assert!(
        csv_bytes.starts_with("\u{feff}".as_bytes()),
        "BOM for spreadsheets"
    );
    let mut rd = csv::Reader::from_reader(&csv_bytes[3..]);
    let header: Vec<String> = rd
        .headers()
        .expect("header")
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(header, COLUMNS);
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.expect("record")).collect();
    assert_eq!(rows.len() as u64, total);

    let mut jsonl = Vec::new();
    export(
        &searcher,
        &fields,
        "*",
        ExportFormat::Jsonl,
        tax,
        true,
        &mut jsonl,
    )
    .expect("jsonl");
    let lines: Vec<serde_json::Value> = String::from_utf8(jsonl)
        .expect("utf-8")
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    assert_eq!(lines.len() as u64, total);
    // Same rows, same order, same text (quotes, commas and line breaks survive CSV).
    for (rec, v) in rows.iter().zip(&lines) {
        for (i, col) in COLUMNS.iter().enumerate() {
            let want = match &v[*col] {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            assert_eq!(&rec[i], want, "{col}");
        }
    }
    let clause = lines
        .iter()
        .find(|v| v["label"] == "第三条" && v["path"] == "zh/grant.txt")
        .expect("licence clause");
    assert!(clause["text"]
        .as_str()
        .expect("text")
        .contains("引号\"和逗号,"));
    assert_eq!(clause["docno"], "成商务发〔2023〕9号");
    assert_eq!(clause["issuer"], "成都市商务局");
    assert_eq!(clause["date"], "2023-04-01");
    assert_eq!(clause["region"], "/四川省/成都市");
    assert_eq!(clause["page"], 1);
    let hash = blake3::hash(GRANT.as_bytes()).to_hex().to_string();
    assert_eq!(clause["blake3"], hash, "the citation can be re-verified");
    assert!(clause["provisions"]
        .as_str()
        .expect("provisions")
        .contains("export_licence"));

    // Only matching passages, grouped by document.
    let mut only = Vec::new();
    let n = export(
        &searcher,
        &fields,
        "免费仓储",
        ExportFormat::Jsonl,
        tax,
        true,
        &mut only,
    )
    .expect("export");
    assert_eq!(n, ws.search("免费仓储").total_passages);
}

fn provisio() -> assert_cmd::Command {
    assert_cmd::Command::cargo_bin("provisio").expect("binary")
}

#[test]
fn cli_matrix_export_and_taxonomy_errors() {
    let ws = workspace();
    let index = ws.index_dir();
    let index = index.to_str().expect("utf-8 path");

    // matrix --csv: a BOM, a header with every provision, a row per region.
    let out = provisio()
        .args(["matrix", "--index", index, "--csv"])
        .output()
        .expect("run");
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).expect("utf-8");
    let text = text.strip_prefix('\u{feff}').expect("BOM");
    let mut rd = csv::Reader::from_reader(text.as_bytes());
    let header = rd.headers().expect("header").clone();
    assert_eq!(&header[0], "region");
    let col = header
        .iter()
        .position(|h| h == "free_warehousing")
        .expect("column");
    let rows: Vec<csv::StringRecord> = rd.records().map(|r| r.expect("row")).collect();
    let chengdu = rows
        .iter()
        .find(|r| &r[0] == "/四川省/成都市")
        .expect("Chengdu row");
    assert_eq!(&chengdu[col], "1");
    provisio()
        .args(["matrix", "--index", index, "--rows", "colour"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--rows must be"));

    // export --out: written whole, then renamed; the rows parse back.
    let file = ws.dir.path().join("evidence.jsonl");
    provisio()
        .args(["export", "--index", index, "--format", "jsonl", "--out"])
        .arg(&file)
        .arg("provision:free_warehousing")
        .assert()
        .success()
        .stderr(predicates::str::contains("wrote 2 passages"));
    let body = std::fs::read_to_string(&file).expect("export file");
    assert_eq!(body.lines().count(), 2);
    assert!(body
        .lines()
        .all(|l| l.contains("\"path\":\"zh/grant.txt\"")));
    provisio()
        .args(["export", "--index", index, "--format", "xlsx", "*"])
        .assert()
        .code(2);

    // A broken taxonomy is refused with the file and the problem, and the index is untouched.
    let bad = ws.dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[[provision]]\nid = \"Bad Id\"\nlabel_en = \"x\"\nlabel_zh = \"x\"\nterms_zh = [\"x\"]\n",
    )
    .expect("write");
    provisio()
        .args(["index", "--corpus"])
        .arg(ws.corpus())
        .args(["--index", index, "--provisions"])
        .arg(&bad)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("bad.toml"))
        .stderr(predicates::str::contains("Bad Id"));
    assert_eq!(ws.search("provision:free_warehousing").total_documents, 1);
}
