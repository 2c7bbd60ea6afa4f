"""tantivy-cli (crates.io, built by run.sh into the cache): the same library provisio uses,
with its stock `default` tokenizer, which keeps a Han run as one token; so the adapter writes
Han characters space-separated (common.han_spaced) and queries them as a phrase, an exact
substring match. Gets text extracted by the adapter (timed) as JSON lines on the stdin of
`tantivy index`. Body not stored (`tantivy serve` returns every stored field of each hit;
provisio does store its passages, so index sizes are not like for like). No incremental mode:
reindex = full rebuild. Queries over `tantivy serve` (HTTP; no result cache).

  python tantivy_cli.py stream CORPUS
"""
import json, os, shutil, subprocess, sys
from urllib.parse import quote
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import extract_many, han_spaced, scan, ServerPeer

TCLI = os.environ.get("TANTIVY_CLI", os.path.expanduser("~/.cache/provisio-bench/tantivy-cli/bin/tantivy"))
META = {"index_settings": {"docstore_compression": "lz4", "docstore_blocksize": 16384},
        "segments": [], "opstamp": 0,
        "schema": [{"name": "path", "type": "text", "options": {"indexing": None, "stored": True, "fast": False}},
                   {"name": "body", "type": "text", "options": {
                       "indexing": {"record": "position", "fieldnorms": True, "tokenizer": "default"},
                       "stored": False, "fast": False}}]}


class Peer(ServerPeer):
    name = "tantivy-cli"
    extracts = False
    incremental = "no: reindex = full rebuild"
    query_via = "HTTP (tantivy serve)"

    def check(self):
        return None if os.access(TCLI, os.X_OK) else f"not built yet ({TCLI}; run.sh builds it in the background)"

    def index_cmd(self, corpus, work):
        idx = os.path.join(work, "idx")
        shutil.rmtree(idx, ignore_errors=True)
        os.makedirs(idx)
        with open(os.path.join(idx, "meta.json"), "w") as f:
            json.dump(META, f)
        me = f"{sys.executable} {os.path.abspath(__file__)}"
        return ["sh", "-c", f"{me} stream '{corpus}' | {TCLI} index -i '{idx}' -t 2"]

    reindex_cmd = index_cmd

    def index_dir(self, work):
        return os.path.join(work, "idx")

    def start(self, corpus, work, port):
        self.proc = subprocess.Popen([TCLI, "serve", "-i", os.path.join(work, "idx"), "--host", "127.0.0.1",
                                      "--port", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return f"http://127.0.0.1:{port}/api/?q=x&nhits=1"

    def http_path(self, q):
        query = " ".join('+"' + han_spaced(t).strip().replace('"', "") + '"' for t in q["terms"])
        return f"/api/?q={quote(query)}&nhits=10"

    def count(self, doc):
        return doc["num_hits"]


if __name__ == "__main__":
    corpus = sys.argv[2]
    out = sys.stdout
    for rel, text in extract_many(corpus, [r for r, _, _ in scan(corpus)]):
        out.write(json.dumps({"path": rel, "body": han_spaced(text)}, ensure_ascii=False) + "\n")
