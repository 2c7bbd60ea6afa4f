#!/usr/bin/env python3
"""provisio benchmark harness (issue 6): indexes the same corpus with provisio and each
available peer, measures, and writes a Markdown report (report.py).

  harness.py --docs DIR --pdfs DIR --work DIR --out FILE [--quick] [--peers a,b,...]
"""
import argparse, json, os, random, re, shutil, statistics, subprocess, sys, time, traceback
from multiprocessing import Pool

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "peers"))
import measure as M
import report
from common import extract_many, scan, HAN
from queries import query_set

ALL_PEERS = ["provisio", "fts5-unicode61", "fts5-trigram", "postgres", "groonga", "sphinx",
             "recoll", "tantivy-cli"]


def load_peer(name):
    if name.startswith("fts5-"):
        import fts5
        return fts5.Peer(name[5:])
    mod = __import__(name.replace("-", "_"))
    return mod.Peer()


def log(*a):
    print(time.strftime("%H:%M:%S"), *a, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- floor
def _floor_file(args):
    path, level = args
    with open(path, "rb") as f:
        data = f.read()
    if level == "read" or data[:5] == b"%PDF-":
        return len(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("gb18030", "replace")
    if level == "tokenize":
        han = re.findall(f"[{HAN}]", text)
        words = re.findall(r"[A-Za-z]+", text.lower())
        return len(han) * 2 + len(words)
    return len(text)


def floor(corpus, files):
    """Read-only passes over the corpus with one process per core (Python)."""
    out = {}
    paths = [os.path.join(corpus, rel) for rel, _, _ in files]
    for level in ("read", "decode", "tokenize"):
        t = time.perf_counter()
        with Pool(os.cpu_count()) as pool:
            sum(pool.imap_unordered(_floor_file, [(p, level) for p in paths], chunksize=32))
        out[level] = time.perf_counter() - t
    return out


# ---------------------------------------------------------------- corpus changes
def touch_one_percent(corpus, round_no):
    """Modifies the content of 1% of the TXT/HTML files (new file, so hard links break)."""
    files = [rel for rel, _, _ in scan(corpus) if rel.endswith((".txt", ".html"))]
    rng = random.Random(1000 + round_no)
    chosen = rng.sample(files, max(1, len(files) // 100))
    for rel in chosen:
        p = os.path.join(corpus, rel)
        enc = "gb18030" if "-gb." in rel else "utf-8"
        with open(p, "rb") as f:
            text = f.read().decode(enc)
        add = f"补充说明：本文件于第{round_no + 1}轮修订，修订内容见附件{rng.randint(1, 99)}。"
        text = text.replace("</body>", f"<p>{add}</p></body>") if rel.endswith(".html") else text + add + "\n"
        with open(p + ".tmp", "wb") as f:
            f.write(text.encode(enc))
        os.replace(p + ".tmp", p)
    return len(chosen)


# ---------------------------------------------------------------- per-peer steps
class Runner:
    def __init__(self, a):
        self.a, self.res, self.peers = a, {}, {}
        self.corpus = os.path.join(a.work, "corpus")
        self.log = os.path.join(a.work, "commands.log")

    def r(self, peer):
        return self.res.setdefault(peer, {"index": [], "rss": [], "size": None, "noop": [],
                                          "change": [], "errors": []})

    def err(self, name, step, e):
        log(f"{name}: {step} failed: {e}")
        self.r(name)["errors"].append(f"{step}: {str(e).strip()[:300]}")

    def pdir(self, name):
        return os.path.join(self.a.work, "engines", name)

    def index_full(self, name, peer, runs):
        for k in range(runs):
            work = self.pdir(name)
            shutil.rmtree(work, ignore_errors=True)
            os.makedirs(work)
            if hasattr(peer, "setup"):
                peer.setup(work)
            extra = peer.index_pids() if hasattr(peer, "index_pids") else []
            dt, rss, _ = M.run_timed(peer.index_cmd(self.corpus, work), extra, log=self.log)
            self.r(name)["index"].append(dt)
            self.r(name)["rss"].append(rss)
            self.r(name).setdefault("rss_anon", []).append(rss.anon)
            log(f"{name}: full index {dt:.2f}s, peak RSS {rss / 2**20:.0f} MiB (anonymous {rss.anon / 2**20:.0f})")
        self.r(name)["size"] = peer.size(self.pdir(name)) if hasattr(peer, "size") else \
            M.du(peer.index_dir(self.pdir(name)))

    def reindex(self, name, peer, key):
        extra = peer.index_pids() if hasattr(peer, "index_pids") else []
        dt, _, _ = M.run_timed(peer.reindex_cmd(self.corpus, self.pdir(name)), extra, log=self.log)
        self.r(name)[key].append(dt)
        log(f"{name}: {key} reindex {dt:.3f}s")

    def queries(self, name, peer, qs, reps):
        res, work = self.r(name), self.pdir(name)
        res["lat"], res["counts"] = {}, {}
        if hasattr(peer, "worker_cmd"):
            p = subprocess.Popen(peer.worker_cmd(self.corpus, work), stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True)

            def ask(req):
                p.stdin.write(json.dumps(req) + "\n")
                p.stdin.flush()
                return json.loads(p.stdout.readline())
            try:
                for q in qs:
                    res["counts"][q["id"]] = ask({"q": q})["count"]
                for q in qs:
                    res["lat"][q["id"]] = [ask({"q": q})["ms"] for _ in range(reps)]
                s = M.RssSampler(lambda: [p.pid] + (peer.server_pids() if hasattr(peer, "server_pids") else []))
                res["conc"] = ask({"bench": qs, "clients": 16, "seconds": self.a.seconds})
                res["conc"]["rss"] = s.stop()
            finally:
                p.stdin.close()
                p.wait()
            return
        port = 18000 + ALL_PEERS.index(name)
        health = peer.start(self.corpus, work, port)
        try:
            if not M.wait_http(health, 120):
                raise RuntimeError("server did not come up")
            c = M.HttpClient(port)
            for q in qs:
                doc, _ = c.get(peer.http_path(q))
                res["counts"][q["id"]] = peer.count(doc)
            for q in qs:
                res["lat"][q["id"]] = [c.get(peer.http_path(q))[1] for _ in range(reps)]
            res["conc"] = M.wrk(port, [peer.http_path(q) for q in qs], self.a.seconds, 16,
                                self.a.work, peer.server_pids())
            if hasattr(peer, "lean_path"):
                # The same engine asked for less (provisio without facet counts): the
                # like-for-like figure against peers that return hits and a count only.
                lat = {q["id"]: [c.get(peer.lean_path(q))[1] for _ in range(reps)] for q in qs}
                conc = M.wrk(port, [peer.lean_path(q) for q in qs], self.a.seconds, 16,
                             self.a.work, peer.server_pids())
                res["lean"] = {"lat": lat, "conc": conc}
        finally:
            peer.stop()


def pdf_figure(a, runner):
    """provisio indexing only the PDFs vs pdftotext over them (sequential and one per core)."""
    pdfs = sorted(os.path.join(a.pdfs, f) for f in os.listdir(a.pdfs) if f.endswith(".pdf"))
    pdfs = pdfs[:a.npdf]
    d = os.path.join(a.work, "pdfonly")
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(os.path.join(d, "c"))
    for p in pdfs:
        os.link(p, os.path.join(d, "c", os.path.basename(p)))
    size = sum(os.path.getsize(p) for p in pdfs)
    out = {"files": len(pdfs), "bytes": size, "provisio": [], "pdftotext_seq": [], "pdftotext_par": []}
    import provisio
    for _ in range(a.runs_index):
        shutil.rmtree(os.path.join(d, "idx"), ignore_errors=True)
        dt, _, _ = M.run_timed(provisio.Peer().index_cmd(os.path.join(d, "c"), d), log=runner.log)
        out["provisio"].append(dt)
        # Both pdftotext figures start the processes the same way (xargs), so they differ only
        # in parallelism (a Python loop of subprocess.run adds ~10 ms a file).
        for key, jobs in (("pdftotext_seq", 1), ("pdftotext_par", os.cpu_count())):
            t = time.perf_counter()
            subprocess.run(f"ls {d}/c/*.pdf | nice -n 10 xargs -P {jobs} -I F pdftotext -q -enc UTF-8 F /dev/null",
                           shell=True)
            out[key].append(time.perf_counter() - t)
    log(f"pdf: provisio {statistics.median(out['provisio']):.2f}s, pdftotext seq "
        f"{statistics.median(out['pdftotext_seq']):.2f}s par {statistics.median(out['pdftotext_par']):.2f}s")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", required=True)
    ap.add_argument("--pdfs", required=True)
    ap.add_argument("--npdf", type=int, default=300)
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--peers", default=",".join(ALL_PEERS))
    ap.add_argument("--command", default="")
    ap.add_argument("--runs", type=int, default=3, help="full index runs per engine")
    a = ap.parse_args()
    a.runs_index = a.runs
    a.runs_noop, a.runs_change, a.reps = 5, 5, (5 if a.quick else 7)
    a.seconds = 5 if a.quick else 10
    t_start = time.time()
    os.makedirs(a.work, exist_ok=True)
    run = Runner(a)
    shutil.rmtree(run.corpus, ignore_errors=True)
    subprocess.run(["cp", "-al", a.docs, run.corpus], check=True)
    os.makedirs(os.path.join(run.corpus, "pdf"))
    for f in sorted(x for x in os.listdir(a.pdfs) if x.endswith(".pdf"))[:a.npdf]:
        os.link(os.path.join(a.pdfs, f), os.path.join(run.corpus, "pdf", f))
    files = scan(run.corpus)
    facts = report.machine_facts()
    facts.update(files=len(files), bytes=sum(s for _, s, _ in files),
                 pdfs=sum(1 for r, _, _ in files if r.endswith(".pdf")))
    log(f"corpus: {facts['files']} files, {facts['bytes'] / 1e6:.1f} MB")
    fl = {k: [] for k in ("read", "decode", "tokenize")}
    for _ in range(3):
        for k, v in floor(run.corpus, files).items():
            fl[k].append(v)
    log("floor:", {k: round(statistics.median(v), 3) for k, v in fl.items()})

    names = [n for n in a.peers.split(",") if n]
    status = {}
    for n in names:
        try:
            peer = load_peer(n)
            why = peer.check()
        except Exception as e:
            why = f"adapter failed to load: {e}"
        status[n] = why or "ok"
        if why:
            log(f"{n}: unavailable: {why}")
        else:
            run.peers[n] = peer
    for n, peer in list(run.peers.items()):
        try:
            run.index_full(n, peer, a.runs_index)
        except Exception as e:
            run.err(n, "index", e)
            traceback.print_exc()
            run.peers.pop(n)
    rebuilds = {n for n, p in run.peers.items() if p.incremental.startswith("no")}
    for n, peer in run.peers.items():
        for _ in range(1 if n in rebuilds else a.runs_noop):  # a rebuild: once is enough
            try:
                run.reindex(n, peer, "noop")
            except Exception as e:
                run.err(n, "no-op reindex", e)
                break
    changed = 0
    for k in range(a.runs_change):
        changed = touch_one_percent(run.corpus, k)
        for n, peer in run.peers.items():
            if n in rebuilds and k > 0:
                continue
            try:
                run.reindex(n, peer, "change")
            except Exception as e:
                run.err(n, "1% reindex", e)
    facts["changed_per_round"] = changed

    # Ground truth: plain substring scan of the extracted text of the final corpus state.
    t = time.perf_counter()
    texts = dict(extract_many(run.corpus, [rel for rel, _, _ in scan(run.corpus)]))
    extract_s = time.perf_counter() - t
    qs = query_set()
    truth = {q["id"]: sum(1 for tx in texts.values() if all(term in tx for term in q["terms"]))
             for q in qs if q["kind"] == "zh"}
    del texts
    log(f"extraction pass {extract_s:.1f}s; ground truth {truth}")
    for n, peer in run.peers.items():
        try:
            run.queries(n, peer, qs, a.reps)
            log(f"{n}: queries done, conc {run.res[n].get('conc')}")
        except Exception as e:
            run.err(n, "queries", e)
            traceback.print_exc()
        if hasattr(peer, "teardown"):
            peer.teardown()
    pdf = None
    try:
        pdf = pdf_figure(a, run)
    except Exception as e:
        log(f"pdf figure failed: {e}")
    facts["elapsed_min"] = (time.time() - t_start) / 60
    md = report.render(a, facts, status, run.peers, run.res, fl, extract_s, truth, qs, pdf)
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, "w") as f:
        f.write(md)
    with open(os.path.splitext(a.out)[0] + ".json", "w") as f:
        json.dump({"facts": facts, "status": status, "results": run.res, "floor": fl,
                   "extract_s": extract_s, "truth": truth, "pdf": pdf}, f, indent=1, default=str)
    log(f"wrote {a.out}")


if __name__ == "__main__":
    main()
