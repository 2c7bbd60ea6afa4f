#!/usr/bin/env python3
"""Scale mode: provisio alone on corpora of ~2.5 KB documents at 2k, 20k and 200k documents
(2.5M passages at 200k): indexing time, peak RSS, index size, query latency."""
import argparse, json, os, shutil, sys, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "peers"))
import measure as M
import report
from common import percentile
from provisio import Peer
from queries import query_set


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", required=True)
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--work", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--sizes", default="2000,20000,200000")
    ap.add_argument("--command", default="")
    a = ap.parse_args()
    facts, rows, peer, qs = report.machine_facts(), [], Peer(), query_set()
    for n in map(int, a.sizes.split(",")):
        docs = os.path.join(a.cache, f"scale-{a.seed}-{n}", "docs")
        work = os.path.join(a.work, str(n))
        shutil.rmtree(work, ignore_errors=True)
        os.makedirs(work)
        dt, rss, out = M.run_timed(peer.index_cmd(docs, work), timeout=6 * 3600)
        summary = json.loads(out)
        size = M.du(peer.index_dir(work))
        health = peer.start(docs, work, 18100)
        lat = {}
        try:
            M.wait_http(health, 300)
            c = M.HttpClient(18100)
            for q in qs:
                c.get(peer.http_path(q))
            for q in qs:
                lat[q["id"]] = [c.get(peer.http_path(q))[1] for _ in range(5)]
        finally:
            peer.stop()
        allat = [x for v in lat.values() for x in v]
        rows.append((n, summary.get("passages"), dt, rss, rss.anon, size, percentile(allat, 50),
                     percentile(allat, 99), max(lat.items(), key=lambda kv: sorted(kv[1])[2])))
        print(time.strftime("%H:%M:%S"), n, rows[-1][:7], file=sys.stderr, flush=True)
        shutil.rmtree(work, ignore_errors=True)
    L = [f"# provisio scale run — {facts['date']}\n",
         f"Command: `{a.command}` · provisio `{facts['provisio']}` · {facts['cpu']}, {facts['cores']} cores, "
         f"{facts['mem_gib']} GiB\n",
         "Documents of ~2.5 KB (generator `--uniform 2500`), provisio alone, full build, then "
         "single-client HTTP queries (each query ×5).\n",
         "Peak RSS: PSS of the process tree, index files mapped during merges included; "
         "anonymous: its heap (and stacks) alone.\n",
         "| documents | passages | index s | docs/s | peak RSS MiB | anonymous MiB | index MB | query p50 ms | p99 ms | slowest query (median ms) |",
         "|---|---|---|---|---|---|---|---|---|---|"]
    for n, p, dt, rss, anon, size, p50, p99, (sq, sl) in rows:
        L.append(f"| {n} | {p} | {dt:.1f} | {n / dt:.0f} | {rss / 2**20:.0f} | {anon / 2**20:.0f} | "
                 f"{size / 1e6:.1f} | {p50:.2f} | {p99:.2f} | `{sq}` {sorted(sl)[2]:.2f} |")
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, "w") as f:
        f.write("\n".join(L) + "\n")


if __name__ == "__main__":
    main()
