#!/usr/bin/env python3
"""Compare two running provisio servers on the bench queries, interleaved.

    bench/ab.py http://127.0.0.1:7001 http://127.0.0.1:7002 [--rounds 7] [--extra 'q1' 'q2' ...]

Serve the two builds (or the two indexes) side by side with `--result-cache 0`, then run this.
Each round asks every query of each server in turn (the order alternates per round), so a
shared host's speed drifts affect both alike; the figure is the `took_ms` the server reports
(search time, without HTTP). Prints each query's median per server, whether their document and
passage counts agree, and the ratio of the summed medians (B ÷ A).
"""

import argparse
import json
import os
import statistics
import sys
import urllib.parse
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from queries import query_set  # noqa: E402


def ask(base, q):
    url = f"{base}/api/search?q={urllib.parse.quote(q)}&limit=10"
    with urllib.request.urlopen(url) as r:
        d = json.load(r)
    return d["took_ms"], d["total_documents"], d["total_passages"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--extra", nargs="*", default=[], help="more queries")
    args = ap.parse_args()
    queries = [q["provisio"] for q in query_set()] + args.extra
    took = {s: {q: [] for q in queries} for s in (args.a, args.b)}
    counts = {s: {} for s in (args.a, args.b)}
    for rnd in range(args.rounds):
        for q in queries:
            order = (args.a, args.b) if rnd % 2 == 0 else (args.b, args.a)
            for server in order:
                ms, docs, passages = ask(server, q)
                took[server][q].append(ms)
                counts[server][q] = (docs, passages)
    total = {s: 0.0 for s in took}
    for q in queries:
        ma, mb = (statistics.median(took[s][q]) for s in (args.a, args.b))
        total[args.a] += ma
        total[args.b] += mb
        same = "" if counts[args.a][q] == counts[args.b][q] else "  COUNTS DIFFER"
        print(f"{q:30} A {ma:8.2f} ms   B {mb:8.2f} ms   {counts[args.a][q]}{same}")
    print(f"sum of medians: A {total[args.a]:.1f} ms, B {total[args.b]:.1f} ms, "
          f"B/A {total[args.b] / total[args.a]:.3f}")


if __name__ == "__main__":
    main()
