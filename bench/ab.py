#!/usr/bin/env python3
"""Compare two running provisio servers on the bench queries, interleaved.

    bench/ab.py http://127.0.0.1:7001 http://127.0.0.1:7002 [--rounds 8] [--extra 'q1' 'q2' ...]

Serve the two builds (or the two indexes) side by side with `--result-cache 0`, then run this.
After one untimed pass, each round asks every query of each server in turn (the order
alternates per round, each server first equally often, with a pause before each request), so a
shared host's speed drifts affect both alike; the figure is the `took_ms` the server reports
(search time, without HTTP). Prints each query's median per server, whether their document and
passage counts agree, and the ratio of the summed medians (B ÷ A).
"""

import argparse
import json
import os
import statistics
import sys
import time
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
    ap.add_argument("--rounds", type=int, default=8,
                    help="rounds (rounded up to even, so each server goes first equally often)")
    ap.add_argument("--gap-ms", type=float, default=25.0,
                    help="pause before each request, so one server's after-work (freeing, "
                         "purging) does not run during the other's search")
    ap.add_argument("--extra", nargs="*", default=[], help="more queries")
    args = ap.parse_args()
    queries = [q["provisio"] for q in query_set()] + args.extra
    took = {s: {q: [] for q in queries} for s in (args.a, args.b)}
    counts = {s: {} for s in (args.a, args.b)}
    # One untimed pass first: a server's first searches build its per-segment tables and
    # fault its index in, and an A/B right after starting the servers once came out inverted.
    for q in queries:
        for server in (args.a, args.b):
            ask(server, q)
    rounds = args.rounds + args.rounds % 2
    for rnd in range(rounds):
        for q in queries:
            order = (args.a, args.b) if rnd % 2 == 0 else (args.b, args.a)
            for server in order:
                time.sleep(args.gap_ms / 1000)
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
