"""Measurement primitives: timed subprocesses with peak-RSS sampling, HTTP latency, wrk."""
import http.client, json, os, subprocess, threading, time
from urllib.parse import urlparse

import psutil

NICE = ["nice", "-n", "10"]


class Mem(int):
    """Bytes of memory; `.anon` is the part that is not file-backed (heap, stacks, shared
    memory), where the rest are mapped files (an index's segments, binaries) that the kernel
    can drop and read again."""
    anon = None


def _pss(proc):
    """Proportional set size (shared pages divided among their users), else RSS; and its
    anonymous part (Pss_Anon + Pss_Shmem) when the kernel reports it."""
    try:
        with open(f"/proc/{proc.pid}/smaps_rollup") as f:
            pss, anon = None, 0
            for line in f:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1]) * 1024
                elif line.startswith(("Pss_Anon:", "Pss_Shmem:")):
                    anon += int(line.split()[1]) * 1024
            if pss is not None:
                return pss, anon
    except OSError:
        pass
    rss = proc.memory_info().rss
    return rss, rss


def tree_rss(pids):
    """Memory of the given processes and all their descendants: the sum of their PSS, so
    that memory shared between them (Postgres' shared buffers, a forked worker's pages)
    counts once. A Mem (int) with `.anon`."""
    seen, total, anon = set(), 0, 0
    for pid in pids:
        try:
            p = psutil.Process(pid)
            procs = [p] + p.children(recursive=True)
        except psutil.Error:
            continue
        for q in procs:
            if q.pid in seen:
                continue
            seen.add(q.pid)
            try:
                t, a = _pss(q)
                total, anon = total + t, anon + a
            except psutil.Error:
                pass
    m = Mem(total)
    m.anon = anon
    return m


class RssSampler:
    """Samples tree_rss(pids_fn()) every 50 ms in a thread; .peak in bytes."""

    def __init__(self, pids_fn):
        self.pids_fn, self.peak, self.peak_anon, self._stop = pids_fn, 0, 0, threading.Event()
        self.t = threading.Thread(target=self._run, daemon=True)
        self.t.start()

    def _run(self):
        while not self._stop.is_set():
            m = tree_rss(self.pids_fn())
            self.peak = max(self.peak, m)
            self.peak_anon = max(self.peak_anon, m.anon)
            time.sleep(0.05)

    def stop(self):
        """The peak (a Mem: the largest total, and `.anon` the largest anonymous part)."""
        self._stop.set()
        self.t.join()
        m = Mem(self.peak)
        m.anon = self.peak_anon
        return m


def run_timed(argv, extra_pids=(), env=None, log=None, timeout=3600):
    """Runs argv under nice; returns (seconds, peak RSS bytes of its tree + extra_pids, stdout)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(NICE + argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    s = RssSampler(lambda: [p.pid] + list(extra_pids))
    out, err = p.communicate(timeout=timeout)
    dt = time.perf_counter() - t0
    peak = s.stop()
    if log:
        with open(log, "ab") as f:
            f.write(b"$ " + " ".join(argv).encode() + b"\n" + out[-4000:] + err[-4000:] + b"\n")
    if p.returncode != 0:
        raise RuntimeError(f"{argv[:3]} exited {p.returncode}: {err[-600:].decode(errors='replace')}")
    return dt, peak, out.decode(errors="replace")


def du(path):
    if os.path.isfile(path):
        return os.path.getsize(path)
    total = 0
    for dp, _, fns in os.walk(path):
        for fn in fns:
            try:
                total += os.lstat(os.path.join(dp, fn)).st_size
            except OSError:
                pass
    return total


def wait_http(url, timeout=60):
    end = time.time() + timeout
    while time.time() < end:
        try:
            u = urlparse(url)
            c = http.client.HTTPConnection(u.hostname, u.port, timeout=2)
            c.request("GET", u.path + (("?" + u.query) if u.query else ""))
            if c.getresponse().status < 500:
                return True
        except OSError:
            time.sleep(0.2)
    return False


class HttpClient:
    """One keep-alive connection; get(path) -> (parsed JSON, milliseconds)."""

    def __init__(self, port):
        self.port = port
        self.c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def get(self, path):
        t = time.perf_counter()
        try:
            self.c.request("GET", path)
            r = self.c.getresponse()
            body = r.read()
        except (http.client.HTTPException, OSError):
            self.c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self.c.request("GET", path)
            r = self.c.getresponse()
            body = r.read()
        ms = (time.perf_counter() - t) * 1000
        return json.loads(body), ms


WRK_LUA = """
paths = %s
i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("WRKJSON {\\"requests\\": %%d, \\"seconds\\": %%f, \\"p50\\": %%f, \\"p99\\": %%f, \\"errors\\": %%d, \\"non2xx\\": %%d}\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status))
end
"""


def wrk(port, paths, seconds, clients, workdir, server_pids=()):
    """16-client HTTP load with wrk rotating over paths; returns dict (qps, p50/p99 ms, peak RSS)."""
    lua = os.path.join(workdir, "rotate.lua")
    with open(lua, "w") as f:
        f.write(WRK_LUA % ("{" + ", ".join(json.dumps(p) for p in paths) + "}"))
    sampler = RssSampler(lambda: list(server_pids))
    r = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{seconds}s", "--timeout", "10s", "-s", lua,
                        f"http://127.0.0.1:{port}"], capture_output=True, text=True)
    peak = sampler.stop()
    line = next((l for l in r.stdout.splitlines() if l.startswith("WRKJSON ")), None)
    if not line:
        raise RuntimeError("wrk failed: " + r.stdout[-500:] + r.stderr[-500:])
    d = json.loads(line[8:])
    d["qps"] = d["requests"] / d["seconds"]
    d["rss"] = peak
    return d
