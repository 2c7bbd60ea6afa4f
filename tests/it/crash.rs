//! Crash safety: `provisio index` killed with SIGKILL at random moments, over and over, while
//! the corpus changes between runs. After every kill the index opens and answers, no passage
//! is there twice; once a run completes, the index is exactly what a clean full build gives.

use crate::common::Workspace;
use provisio::export::{export, ExportFormat};
use provisio::index::{open_read, Manifest};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const FILES: usize = 240;
const KILLS: usize = 20;

/// A small deterministic generator (no dependency; the seed is printed).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn body(i: usize, version: u64) -> String {
    format!(
        "第{i}号文件 版本{version}\n\n第一条 对出口企业提供免费仓储服务，编号{i}-{version}。\n\n第二条 加快出口退税进度，补贴标准第{version}档。\n\n第三条 Export licence applications number {i} revision {version}.\n"
    )
}

/// Every passage as `(path, ordinal, page, label, text)`, from an export of the whole index.
fn passages(index: &Path) -> Vec<(String, u64, u64, String, String)> {
    let (idx, fields) = open_read(index).expect("index opens after a kill");
    let searcher = idx.reader().expect("reader").searcher();
    let mut out = Vec::new();
    let tax = provisio::index::load_taxonomy(index);
    export(
        &searcher,
        &fields,
        "*",
        ExportFormat::Jsonl,
        &tax,
        false,
        &mut out,
    )
    .expect("export");
    let mut rows: Vec<_> = String::from_utf8(out)
        .expect("utf-8")
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).expect("json");
            (
                v["path"].as_str().unwrap_or("").to_string(),
                v["ordinal"].as_u64().unwrap_or(0),
                v["page"].as_u64().unwrap_or(0),
                v["label"].as_str().unwrap_or("").to_string(),
                v["text"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    rows.sort();
    rows
}

fn file_hashes(index: &Path) -> BTreeMap<String, String> {
    Manifest::load(index)
        .expect("manifest")
        .files
        .into_iter()
        .map(|(p, e)| (p, e.hash.to_string()))
        .collect()
}

fn index_command(ws: &Workspace, index: &Path) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("provisio"));
    cmd.args(["index", "--checkpoint-files", "16", "--corpus"])
        .arg(ws.corpus())
        .arg("--index")
        .arg(index)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

#[test]
fn killed_at_random_the_index_stays_sound_and_converges() {
    let seed = 0x5eed_u64 ^ u64::from(std::process::id());
    eprintln!("crash test seed {seed}");
    let mut rng = Lcg(seed);
    let ws = Workspace::new();
    let mut versions = vec![0u64; FILES];
    for (i, v) in versions.iter().enumerate() {
        ws.write(&format!("d{:02}/f{i:03}.txt", i % 12), body(i, *v));
    }
    let index = ws.index_dir();
    // How long an uninterrupted full run takes, to aim the kills inside it.
    let started = std::time::Instant::now();
    let status = index_command(&ws, &index).status().expect("run");
    assert!(status.success());
    let full_run = started.elapsed().max(Duration::from_millis(50));
    std::fs::remove_dir_all(&index).expect("reset");

    let mut killed_mid_run = 0;
    let mut max_wait = full_run.as_millis() as u64 / 2;
    for round in 0..KILLS {
        // Change part of the corpus: rewrite, delete and re-create files.
        for _ in 0..FILES / 6 {
            let i = rng.below(FILES as u64) as usize;
            let path = format!("d{:02}/f{i:03}.txt", i % 12);
            if rng.below(10) == 0 {
                let _ = std::fs::remove_file(ws.corpus().join(&path));
            } else {
                versions[i] += 1;
                ws.write(&path, body(i, versions[i]));
            }
        }
        let mut child = index_command(&ws, &index).spawn().expect("spawn");
        // Aim inside the run: start from half a full run (incremental runs redo a sixth of the
        // files) and shorten the window whenever a run finished before its kill.
        let wait = rng.below(max_wait + 1);
        std::thread::sleep(Duration::from_millis(wait));
        if child.try_wait().expect("poll").is_none() {
            killed_mid_run += 1;
        } else {
            max_wait = (max_wait * 2 / 3).max(5);
        }
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        if !index.join("meta.json").exists() {
            continue; // killed before the index existed
        }
        // The index opens, searches, and holds no passage twice.
        let rows = passages(&index);
        let mut seen = HashSet::new();
        for r in &rows {
            assert!(
                seen.insert((r.0.clone(), r.1)),
                "round {round}: passage {} #{} twice",
                r.0,
                r.1
            );
        }
        let r = crate::common::search_in(&index, "免费仓储", 1);
        assert_eq!(r.total_documents as u64, {
            let docs: HashSet<&String> = rows.iter().map(|r| &r.0).collect();
            docs.len() as u64
        });
    }
    eprintln!("{killed_mid_run} of {KILLS} kills landed while indexing");
    assert!(
        killed_mid_run >= KILLS / 4,
        "too few kills hit a running indexer"
    );

    // One complete run converges to a clean full build of the same corpus.
    let out = index_command(&ws, &index)
        .stderr(Stdio::piped())
        .output()
        .expect("run");
    assert!(
        out.status.success(),
        "final run: {:?} {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let clean = ws.dir.path().join("clean-index");
    let status = Command::new(assert_cmd::cargo::cargo_bin("provisio"))
        .args(["index", "--full", "--corpus"])
        .arg(ws.corpus())
        .arg("--index")
        .arg(&clean)
        .stdout(Stdio::null())
        .status()
        .expect("clean run");
    assert!(status.success());
    assert_eq!(file_hashes(&index), file_hashes(&clean));
    let (a, b) = (passages(&index), passages(&clean));
    assert_eq!(a.len(), b.len(), "passage counts");
    assert!(a == b, "the converged index differs from a clean build");
}
