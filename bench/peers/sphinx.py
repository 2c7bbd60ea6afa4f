"""Sphinx 2.2 (Debian `sphinxsearch`): plain index from a tsvpipe source.

Sphinx 2.2 has no CJK bigrams; Han characters are indexed as unigrams (ngram_len = 1,
ngram_chars over the CJK blocks) and a quoted query is a phrase over them, which is an
exact substring match. Gets text extracted by the adapter (timed; the tsvpipe command
runs the extraction). No incremental mode is used: reindex = full rebuild (`indexer`)
(a main+delta scheme would be possible). Queries in-process over SphinxQL (pymysql), one
connection per client thread; Sphinx 2.2 has no query cache.

  python sphinx.py stream CORPUS     (the tsvpipe command)   ;   python sphinx.py worker WORK
"""
import os, re, shutil, subprocess, sys, time
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import extract_many, query_worker, scan

PORT = 18998
CONF = """source src {{
  type = tsvpipe
  tsvpipe_command = {py} {me} stream {corpus}
  tsvpipe_field = body
}}
index idx {{
  source = src
  path = {work}/idx/idx
  charset_table = 0..9, A..Z->a..z, _, a..z, U+410..U+42F->U+430..U+44F, U+430..U+44F
  ngram_len = 1
  ngram_chars = U+3000..U+2FA1F
}}
indexer {{
  mem_limit = 256M
}}
searchd {{
  listen = 127.0.0.1:{port}:mysql41
  log = {work}/searchd.log
  query_log = {work}/query.log
  pid_file = {work}/searchd.pid
  binlog_path =
}}
"""


class Peer:
    name = "sphinx"
    extracts = False
    incremental = "no: reindex = full rebuild"
    query_via = "in-process client (pymysql over SphinxQL to searchd), one connection per client thread"

    def check(self):
        if not shutil.which("indexer") or not shutil.which("searchd"):
            return "sphinxsearch not installed"
        try:
            import pymysql  # noqa: F401
        except ImportError:
            return "pymysql not installed in the venv"
        return None

    def conf(self, corpus, work):
        os.makedirs(os.path.join(work, "idx"), exist_ok=True)
        path = os.path.join(work, "sphinx.conf")
        with open(path, "w") as f:
            f.write(CONF.format(py=sys.executable, me=os.path.abspath(__file__), corpus=corpus,
                                work=work, port=PORT))
        return path

    def index_cmd(self, corpus, work):
        return ["indexer", "--quiet", "--config", self.conf(corpus, work), "--all"]

    reindex_cmd = index_cmd

    def index_dir(self, work):
        return os.path.join(work, "idx")

    def worker_cmd(self, corpus, work):
        conf = self.conf(corpus, work)
        subprocess.run(["searchd", "--config", conf], check=True, capture_output=True)
        self.work = work
        time.sleep(1)
        return [sys.executable, os.path.abspath(__file__), "worker", work]

    def server_pids(self):
        try:
            return [int(open(os.path.join(self.work, "searchd.pid")).read())]
        except (OSError, ValueError, AttributeError):
            return []

    def teardown(self):
        if hasattr(self, "work"):
            subprocess.run(["searchd", "--config", os.path.join(self.work, "sphinx.conf"), "--stopwait"],
                           capture_output=True)


def escape(t):
    return re.sub(r'([\\()|\-!@~"&/^$=<])', r"\\\1", t)


def searcher():
    import pymysql
    con = pymysql.connect(host="127.0.0.1", port=PORT, user="", autocommit=True)
    cur = con.cursor()

    def run(q):
        cur.execute("SELECT id FROM idx WHERE MATCH(%s) LIMIT 10",
                    (" ".join(f'"{escape(t)}"' for t in q["terms"]),))
        cur.fetchall()
        cur.execute("SHOW META")
        return int(dict(cur.fetchall())["total_found"])
    return run


if __name__ == "__main__":
    if sys.argv[1] == "stream":
        corpus = sys.argv[2]
        out = sys.stdout
        for i, (rel, text) in enumerate(extract_many(corpus, [r for r, _, _ in scan(corpus)])):
            body = re.sub(r"[\t\r\n]+", " ", text)
            out.write(f"{i + 1}\t{body}\n")
    elif sys.argv[1] == "worker":
        query_worker(searcher)
