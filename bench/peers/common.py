"""Shared pieces of the peer adapters: corpus scan, text extraction, manifests, the
query-worker protocol. Standard library only (runs under the venv python and the system
python that has the recoll and cairo bindings).

Extraction (used by peers that cannot read the files themselves, and for ground truth):
  - PDF: poppler `pdftotext -enc UTF-8 FILE -`, then whitespace between two Han characters
    is removed (line breaks of the PDF layout; provisio ignores such whitespace too);
  - HTML: charset from <meta> (else UTF-8, else GB18030), <script>/<style> dropped,
    tags stripped, entities unescaped;
  - text: UTF-8, else GB18030.
"""
import html, json, os, re, subprocess, sys, threading, time
from concurrent.futures import ThreadPoolExecutor
from multiprocessing import Pool

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_GAP = re.compile(f"(?<=[{HAN}])\\s+(?=[{HAN}])")
HAN_CHAR = re.compile(f"([{HAN}])")
META_CS = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_-]+)""", re.I)
SCRIPT = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)
TAG = re.compile(r"<[^>]*>")
BLOCK = re.compile(r"</?(p|div|h[1-6]|br|li|tr|title)\b[^>]*>", re.I)


def scan(root):
    """Sorted list of (relative path, size, mtime_ns) of every regular non-hidden file."""
    out = []
    for dp, dns, fns in os.walk(root):
        dns[:] = sorted(d for d in dns if not d.startswith("."))
        for fn in fns:
            if fn.startswith("."):
                continue
            p = os.path.join(dp, fn)
            st = os.stat(p)
            out.append((os.path.relpath(p, root), st.st_size, st.st_mtime_ns))
    out.sort()
    return out


def decode(data, hint=None):
    for enc in ([hint] if hint else []) + ["utf-8", "gb18030"]:
        try:
            return data.decode(enc)
        except (LookupError, UnicodeDecodeError):
            pass
    return data.decode("utf-8", "replace")


def extract_path(path):
    """Plain text of one file (see module docs)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:5] == b"%PDF-":
        r = subprocess.run(["pdftotext", "-q", "-enc", "UTF-8", path, "-"], capture_output=True)
        return HAN_GAP.sub("", r.stdout.decode("utf-8", "replace"))
    head = data[:2048].lower()
    if b"<html" in head or b"<!doctype html" in head:
        m = META_CS.search(data[:4096])
        text = decode(data, m.group(1).decode().lower() if m else None)
        text = SCRIPT.sub(" ", text)
        text = BLOCK.sub("\n", text)
        return html.unescape(TAG.sub("", text))
    return decode(data)


def _extract_one(args):
    root, rel = args
    return rel, extract_path(os.path.join(root, rel))


def extract_many(root, rels, jobs=None):
    """Yields (rel, text) in order, extracting with one process per core."""
    jobs = jobs or os.cpu_count() or 1
    if len(rels) < 8 or jobs == 1:
        for rel in rels:
            yield _extract_one((root, rel))
        return
    with Pool(jobs) as pool:
        yield from pool.imap(_extract_one, [(root, r) for r in rels], chunksize=16)


def han_spaced(text):
    """Han characters separated by spaces, for engines whose tokenizer keeps a Han run as one
    word (Postgres 'simple', tantivy 'default'): each character becomes a token and a phrase
    query over the characters is an exact substring match."""
    return HAN_CHAR.sub(r" \1 ", text)


class Manifest:
    """size/mtime manifest of what an adapter has indexed, for incremental updates."""

    def __init__(self, path):
        self.path = path
        try:
            with open(path) as f:
                self.files = json.load(f)
        except FileNotFoundError:
            self.files = {}

    def diff(self, root):
        """(changed or new relative paths, removed paths, current scan as dict)."""
        cur = {rel: [size, mt] for rel, size, mt in scan(root)}
        changed = [r for r, v in cur.items() if self.files.get(r) != v]
        removed = [r for r in self.files if r not in cur]
        return sorted(changed), removed, cur

    def save(self, cur):
        self.files = cur
        with open(self.path + ".tmp", "w") as f:
            json.dump(cur, f)
        os.replace(self.path + ".tmp", self.path)


def percentile(xs, p):
    xs = sorted(xs)
    if not xs:
        return float("nan")
    k = (len(xs) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def query_worker(make_searcher):
    """JSON-lines protocol on stdin/stdout for in-process peers.

    {"q": QUERY}                              -> {"count": N, "ms": latency}
    {"bench": [QUERY...], "clients": C, "seconds": S}
                                              -> {"qps": .., "p50": .., "p99": .., "n": ..}
    make_searcher() returns a function query -> count (one per thread, so each client has
    its own connection)."""
    local = threading.local()

    def search(q):
        if not hasattr(local, "fn"):
            local.fn = make_searcher()
        return local.fn(q)

    for line in sys.stdin:
        req = json.loads(line)
        if "q" in req:
            t = time.perf_counter()
            try:
                n = search(req["q"])
                out = {"count": n, "ms": (time.perf_counter() - t) * 1000}
            except Exception as e:  # report, keep serving
                out = {"count": None, "error": str(e)[:200]}
        else:
            qs, stop = req["bench"], time.perf_counter() + req["seconds"]
            lat, lock = [], threading.Lock()

            def client(k):
                i, mine = k, []
                while time.perf_counter() < stop:
                    t = time.perf_counter()
                    search(qs[i % len(qs)])
                    mine.append((time.perf_counter() - t) * 1000)
                    i += 1
                with lock:
                    lat.extend(mine)

            t0 = time.perf_counter()
            with ThreadPoolExecutor(req["clients"]) as ex:
                list(ex.map(client, range(req["clients"])))
            el = time.perf_counter() - t0
            out = {"qps": len(lat) / el, "p50": percentile(lat, 50), "p99": percentile(lat, 99),
                   "n": len(lat)}
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()


class ServerPeer:
    """Base of peers queried through a server process of their own (`self.proc`)."""

    def stop(self):
        self.proc.terminate()
        self.proc.wait()

    def server_pids(self):
        return [self.proc.pid]


class ScriptPeer:
    """Base of peers whose adapter script indexes (`index` / `reindex CORPUS WORK` verbs).
    Subclasses set `script = __file__`."""

    script = None

    def _me(self):
        return [sys.executable, os.path.abspath(self.script)]

    def index_cmd(self, corpus, work):
        return self._me() + ["index", corpus, work]

    def reindex_cmd(self, corpus, work):
        return self._me() + ["reindex", corpus, work]
