"""Recoll (Debian `recoll`): reads the files itself (its own HTML handler, pdftotext for PDF,
text files in the locale's charset), CJK indexed as bigrams (cjkngramlen = 2, the default).
Incremental: recollindex's own (mtime). Queries in-process with the Python binding
(python3-recoll, system python), one connection per client thread.

  /usr/bin/python3 recoll.py worker WORK
"""
import os, shutil, sys
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

SYSPY = "/usr/bin/python3"
CONF = """topdirs = {corpus}
dbdir = {work}/xapiandb
indexstemminglanguages = english
cjkngramlen = 2
loglevel = 2
logfilename = {work}/recoll.log
idxflushmb = 50
"""


class Peer:
    name = "recoll"
    extracts = True
    incremental = "yes (recollindex, mtime)"
    query_via = "in-process (python3-recoll binding), threads for concurrency"

    def check(self):
        if not shutil.which("recollindex"):
            return "recoll not installed"
        if not os.path.exists("/usr/lib/python3/dist-packages/recoll"):
            return "python3-recoll not installed"
        return None

    def conf(self, corpus, work):
        d = os.path.join(work, "conf")
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "recoll.conf"), "w") as f:
            f.write(CONF.format(corpus=corpus, work=work))
        return d

    def env(self):
        return ["env", "LANG=C.UTF-8", "LC_ALL=C.UTF-8"]

    def index_cmd(self, corpus, work):
        return self.env() + ["recollindex", "-c", self.conf(corpus, work), "-z"]

    def reindex_cmd(self, corpus, work):
        return self.env() + ["recollindex", "-c", self.conf(corpus, work)]

    def index_dir(self, work):
        return os.path.join(work, "xapiandb")

    def worker_cmd(self, corpus, work):
        return self.env() + [SYSPY, os.path.abspath(__file__), "worker", os.path.join(work, "conf")]


def searcher(confdir):
    here = os.path.dirname(os.path.abspath(__file__))  # this file is recoll.py: not the binding
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    from recoll import recoll
    db = recoll.connect(confdir=confdir)

    def run(q):
        query = db.query()
        n = query.execute(" ".join('"' + t + '"' for t in q["terms"]), stemming=0)
        query.fetchmany(10)
        return n
    return run


if __name__ == "__main__":
    from common import query_worker  # noqa: E402 (before searcher() drops this folder from sys.path)
    query_worker(lambda: searcher(sys.argv[2]))
