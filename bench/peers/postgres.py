"""PostgreSQL full-text search: GIN index on a tsvector, configuration 'simple'.

Postgres' parser keeps a run of Han characters as one word, so the adapter writes Han
characters space-separated (common.han_spaced) and queries them as a phrase
(phraseto_tsquery), which is an exact substring match. Gets text extracted by the adapter
(timed). Server: a private cluster (initdb) started on loopback as the `postgres` user;
its processes count towards peak RSS. Incremental: adapter manifest, DELETE+INSERT.
Queries in-process (psycopg2), one connection per client thread.

  python postgres.py index|reindex CORPUS WORK PORT ; python postgres.py worker WORK PORT
"""
import glob, io, os, shutil, subprocess, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import Manifest, extract_many, han_spaced, query_worker, ScriptPeer

PORT = 18999
BIN = (sorted(glob.glob("/usr/lib/postgresql/*/bin")) or ["/nonexistent"])[-1]
DATA = f"/tmp/provisio-bench-pg-{PORT}"


def as_pg(*argv):
    return subprocess.run(["runuser", "-u", "postgres", "--"] + list(argv), capture_output=True, text=True)


class Peer(ScriptPeer):
    script = __file__

    name = "postgres"
    extracts = False
    incremental = "adapter (manifest, DELETE+INSERT)"
    query_via = "in-process (psycopg2, one connection per client thread)"

    def check(self):
        if not os.path.exists(f"{BIN}/postgres"):
            return "PostgreSQL server not installed"
        try:
            import psycopg2  # noqa: F401
        except ImportError:
            return "psycopg2 not installed in the venv"
        return None

    def setup(self, work):
        self.teardown()
        shutil.rmtree(DATA, ignore_errors=True)
        os.makedirs(DATA)
        shutil.chown(DATA, "postgres", "postgres")
        r = as_pg(f"{BIN}/initdb", "-D", f"{DATA}/data", "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8")
        if r.returncode:
            raise RuntimeError("initdb: " + r.stderr[-300:])
        r = as_pg(f"{BIN}/pg_ctl", "-D", f"{DATA}/data", "-l", f"{DATA}/log", "-w", "start", "-o",
                  f"-p {PORT} -k {DATA} -c listen_addresses=127.0.0.1 -c max_connections=40")
        if r.returncode:
            raise RuntimeError("pg_ctl start: " + r.stderr[-300:] + open(f"{DATA}/log").read()[-300:])

    def teardown(self):
        if os.path.exists(f"{DATA}/data/postmaster.pid"):
            as_pg(f"{BIN}/pg_ctl", "-D", f"{DATA}/data", "-m", "fast", "-w", "stop")

    def index_pids(self):
        try:
            return [int(open(f"{DATA}/data/postmaster.pid").readline())]
        except (OSError, ValueError):
            return []
    server_pids = index_pids

    def worker_cmd(self, corpus, work):
        return self._me() + ["worker", work]

    def size(self, work):
        con = connect()
        cur = con.cursor()
        cur.execute("SELECT pg_total_relation_size('docs')")
        return cur.fetchone()[0]


def connect():
    import psycopg2
    con = psycopg2.connect(host="127.0.0.1", port=PORT, user="postgres", dbname="postgres")
    con.autocommit = True
    return con


def clean(s):
    return s.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ").replace("\r", " ").replace("\x00", "")


def build(corpus, work, full):
    man = Manifest(os.path.join(work, "manifest.json"))
    con = connect()
    cur = con.cursor()
    if full:
        man.files = {}
        cur.execute("DROP TABLE IF EXISTS docs")
        cur.execute("CREATE TABLE docs (path text PRIMARY KEY, body text, tsv tsvector)")
    changed, removed, now = man.diff(corpus)
    con.autocommit = False
    if removed or not full:
        cur.execute("DELETE FROM docs WHERE path = ANY(%s)", (removed + changed,))
    buf, n = io.StringIO(), 0
    for rel, text in extract_many(corpus, changed):
        buf.write(f"{clean(rel)}\t{clean(text)}\t{clean(han_spaced(text))}\n")
        n += 1
        if n % 500 == 0 or buf.tell() > 64 << 20:
            flush(cur, buf)
            buf = io.StringIO()
    flush(cur, buf)
    if full:
        cur.execute("CREATE INDEX docs_tsv ON docs USING gin(tsv)")
    con.commit()
    man.save(now)


def flush(cur, buf):
    """COPY a batch into a staging table, then INSERT with to_tsvector computed by the server."""
    buf.seek(0)
    cur.execute("CREATE TEMP TABLE IF NOT EXISTS stage (path text, body text, spaced text)")
    cur.execute("TRUNCATE stage")
    cur.copy_expert("COPY stage FROM STDIN", buf)
    cur.execute("INSERT INTO docs SELECT path, body, to_tsvector('simple', spaced) FROM stage")


def searcher(work):
    con = connect()
    cur = con.cursor()

    def run(q):
        parts = " && ".join(["phraseto_tsquery('simple', %s)"] * len(q["terms"]))
        args = [han_spaced(t) for t in q["terms"]]
        cur.execute(f"SELECT path FROM docs, ({'SELECT ' + parts}) q(q) WHERE tsv @@ q "
                    "ORDER BY ts_rank(tsv, q) DESC LIMIT 10", args)
        cur.fetchall()
        cur.execute(f"SELECT count(*) FROM docs WHERE tsv @@ ({parts})", args)
        return cur.fetchone()[0]
    return run


if __name__ == "__main__":
    if sys.argv[1] in ("index", "reindex"):
        build(sys.argv[2], sys.argv[3], sys.argv[1] == "index")
    elif sys.argv[1] == "worker":
        query_worker(lambda: searcher(sys.argv[2]))
