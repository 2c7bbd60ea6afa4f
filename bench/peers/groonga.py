"""Groonga: TokenBigram + NormalizerAuto full-text index with positions.

Gets text extracted by the adapter (timed), loaded through `groonga DB` on stdin (index
column created after the bulk load; incremental loads update it online). Incremental:
adapter manifest; `load` replaces a changed document by its key, `delete` removes.
Queries over Groonga's own HTTP server (`groonga -s --protocol http`, query cache disabled
with --cache-limit 0 and cache=no).

  python groonga.py index|reindex CORPUS WORK
"""
import json, os, shutil, subprocess, sys
from urllib.parse import quote
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Manifest, extract_many, ServerPeer, ScriptPeer

SCHEMA = """table_create Docs TABLE_HASH_KEY ShortText
column_create Docs body COLUMN_SCALAR LongText
table_create Terms TABLE_PAT_KEY ShortText --default_tokenizer TokenBigram --normalizer NormalizerAuto
"""
INDEX = "column_create Terms docs_body COLUMN_INDEX|WITH_POSITION Docs body\n"


class Peer(ServerPeer, ScriptPeer):
    script = __file__

    name = "groonga"
    extracts = False
    incremental = "adapter (manifest, load by key / delete)"
    query_via = "HTTP (groonga -s --protocol http, cache off)"

    def check(self):
        return None if shutil.which("groonga") else "groonga not installed"

    def index_dir(self, work):
        return os.path.join(work, "db")

    def start(self, corpus, work, port):
        self.proc = subprocess.Popen(["groonga", "-s", "--protocol", "http", "--bind-address", "127.0.0.1",
                                      "--port", str(port), "--cache-limit", "0",
                                      os.path.join(work, "db", "db")],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return f"http://127.0.0.1:{port}/d/status"

    def http_path(self, q):
        query = " ".join('"' + t.replace('"', '\\"') + '"' for t in q["terms"])
        return (f"/d/select?table=Docs&match_columns=body&query={quote(query)}&limit=10"
                f"&output_columns=_key&cache=no")

    def count(self, doc):
        return doc[1][0][0][0]


def build(corpus, work, full):
    dbdir = os.path.join(work, "db")
    man = Manifest(os.path.join(work, "manifest.json"))
    if full:
        shutil.rmtree(dbdir, ignore_errors=True)
        os.makedirs(dbdir)
        man.files = {}
    db = os.path.join(dbdir, "db")
    argv = ["groonga", "-n", db] if full else ["groonga", db]
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    changed, removed, now = man.diff(corpus)
    w = p.stdin.write
    if full:
        w(SCHEMA)
    for rel in removed:
        w(f"delete Docs --key {json.dumps(rel)}\n")
    if changed:
        w("load --table Docs\n[\n")
        for rel, text in extract_many(corpus, changed):
            w(json.dumps({"_key": rel, "body": text}, ensure_ascii=False) + ",\n")
        w("]\n")
    if full:
        w(INDEX)
    p.stdin.close()
    if p.wait():
        raise SystemExit(f"groonga exited {p.returncode}")
    man.save(now)


if __name__ == "__main__":
    build(sys.argv[2], sys.argv[3], sys.argv[1] == "index")
