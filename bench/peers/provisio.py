"""provisio itself: reads PDF/HTML/TXT itself (extraction counted), incremental index,
queries through its HTTP API (`provisio serve --no-index`), facets included as the API does."""
import os, subprocess
from urllib.parse import quote

from common import ServerPeer

BIN = os.environ.get("PROVISIO_BIN", os.path.join(os.path.dirname(__file__), "..", "..", "target", "release", "provisio"))


class Peer(ServerPeer):
    name = "provisio"
    extracts = True
    incremental = "yes (size/mtime manifest, blake3)"
    query_via = "HTTP (provisio serve --result-cache 0, /api/search, facets on, expand=false)"

    def check(self):
        return None if os.access(BIN, os.X_OK) else f"{BIN} not found"

    def index_cmd(self, corpus, work):
        return [BIN, "index", "--corpus", corpus, "--index", os.path.join(work, "idx"), "--json"]

    reindex_cmd = index_cmd

    def index_dir(self, work):
        return os.path.join(work, "idx")

    def start(self, corpus, work, port):
        self.proc = subprocess.Popen([BIN, "serve", "--no-index", "--index", os.path.join(work, "idx"),
                                      "--corpus", corpus, "--addr", f"127.0.0.1:{port}",
                                      "--result-cache", "0"],  # no cached results, like the peers
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self.port = port
        return f"http://127.0.0.1:{port}/health"

    def http_path(self, q):
        return f"/api/search?q={quote(q['provisio'])}&limit=10&expand=false"

    def lean_path(self, q):
        return self.http_path(q) + "&facets=false"

    def count(self, doc):
        return doc["total_documents"]
