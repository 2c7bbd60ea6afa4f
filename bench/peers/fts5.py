"""SQLite FTS5 (Python sqlite3), tokenizer `unicode61` or `trigram`.

Gets text extracted by the adapter (peers/common.py: pdftotext, GB18030-aware HTML decode +
tag strip; 2 worker processes), timed as part of indexing. Incremental: the adapter keeps a
size/mtime manifest and replaces changed rows. Queries run in-process (worker protocol).
Query: each term a quoted FTS5 phrase, ANDed. trigram cannot MATCH terms shorter than 3
characters: those fall back to instr(body, term) > 0 (a scan), as an application would
(LIKE '%补贴%' on a trigram table returns no rows with SQLite 3.40).

  python fts5.py index|reindex TOKENIZER CORPUS WORK
  python fts5.py worker TOKENIZER WORK
"""
import os, sqlite3, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Manifest, extract_many, query_worker


class Peer:
    extracts = False
    incremental = "adapter (manifest, DELETE+INSERT of changed rows)"
    query_via = "in-process (python sqlite3), threads for concurrency"

    def __init__(self, tok):
        self.tok = tok
        self.name = f"fts5-{tok}"

    def check(self):
        return None

    def _me(self):
        return [sys.executable, os.path.abspath(__file__)]

    def index_cmd(self, corpus, work):
        return self._me() + ["index", self.tok, corpus, work]

    def reindex_cmd(self, corpus, work):
        return self._me() + ["reindex", self.tok, corpus, work]

    def index_dir(self, work):
        return os.path.join(work, "fts.db")

    def worker_cmd(self, corpus, work):
        return self._me() + ["worker", self.tok, work]


def build(tok, corpus, work, full):
    os.makedirs(work, exist_ok=True)
    db = os.path.join(work, "fts.db")
    man = Manifest(os.path.join(work, "manifest.json"))
    if full:
        for p in (db, db + "-wal"):
            if os.path.exists(p):
                os.remove(p)
        man.files = {}
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE IF NOT EXISTS files(path TEXT PRIMARY KEY, id INTEGER)")
    con.execute(f"CREATE VIRTUAL TABLE IF NOT EXISTS docs USING fts5(body, tokenize='{tok}')")
    changed, removed, cur = man.diff(corpus)
    with con:
        for rel in removed + changed:
            row = con.execute("SELECT id FROM files WHERE path=?", (rel,)).fetchone()
            if row:
                con.execute("DELETE FROM docs WHERE rowid=?", row)
                con.execute("DELETE FROM files WHERE path=?", (rel,))
        for rel, text in extract_many(corpus, changed):
            rowid = con.execute("INSERT INTO docs(body) VALUES (?)", (text,)).lastrowid
            con.execute("INSERT INTO files VALUES (?, ?)", (rel, rowid))
    con.close()
    man.save(cur)


def searcher(tok, work):
    con = sqlite3.connect(os.path.join(work, "fts.db"), check_same_thread=False)

    def run(q):
        terms = q["terms"]
        match = [t for t in terms if tok != "trigram" or len(t) >= 3]
        like = [t for t in terms if t not in match]
        where, args = [], []
        if match:
            where.append("docs MATCH ?")
            args.append(" AND ".join('"' + t.replace('"', '""') + '"' for t in match))
        for t in like:
            where.append("instr(body, ?) > 0")
            args.append(t)
        w = " AND ".join(where)
        order = "ORDER BY rank" if match else ""
        con.execute(f"SELECT rowid FROM docs WHERE {w} {order} LIMIT 10", args).fetchall()
        return con.execute(f"SELECT count(*) FROM docs WHERE {w}", args).fetchone()[0]
    return run


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd in ("index", "reindex"):
        build(sys.argv[2], sys.argv[3], sys.argv[4], cmd == "index")
    elif cmd == "worker":
        query_worker(lambda: searcher(sys.argv[2], sys.argv[3]))
