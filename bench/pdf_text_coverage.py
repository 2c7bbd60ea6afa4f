#!/usr/bin/env python3
"""Compare how much text provisio recovers from PDFs with poppler's pdftotext.

What it measures
----------------
For every PDF in a folder (by default ``../shared/testdata/pdfs`` next to the
repository), the script counts the characters of two classes in the text each
tool recovers:

* CJK: CJK Unified Ideographs (incl. extension A and the supplementary-plane
  extensions), compatibility ideographs, hiragana, katakana and hangul;
* Latin: ASCII letters and digits plus the letters of Latin-1 Supplement,
  Latin Extended-A/B and Latin Extended Additional.

Whitespace, punctuation and symbols are ignored because the two tools lay
text out differently. Both sides are normalised with NFKC before counting, so
ligatures (U+FB01 "fi"), full-width forms and Kangxi radicals count the same
as their plain equivalents.

The ratio is provisio's count divided by pdftotext's. The "capped" ratio
counts a file on which provisio recovers more than pdftotext as if it matched
pdftotext exactly, so extra text on one file cannot hide losses on another.
The ``--min-ratio`` threshold applies to the capped overall ratio.

This is a character-count comparison, not a content diff: garbled output
(wrong but plausible characters) counts the same as correct output on both
sides.

How to run
----------
Build provisio first (``cargo build --release``), then from anywhere::

    python3 bench/pdf_text_coverage.py
    python3 bench/pdf_text_coverage.py --provisio /path/to/provisio --json

Options: ``--provisio PATH`` (default ``target/release/provisio`` in the repo),
``--pdfs DIR`` (default ``../shared/testdata/pdfs`` relative to the repo root),
``--min-ratio R`` (default 0.95), ``--json`` (print a JSON summary instead of
the table).

Exit status: 0 when the capped ratio reaches ``--min-ratio`` or when the
comparison is skipped (pdftotext not on PATH, or the PDF folder is absent;
a line starting with ``SKIP:`` says why), 1 when the capped ratio is below
``--min-ratio``, 2 when provisio is missing or fails unexpectedly.

Only the Python 3 standard library is used.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
PDFTOTEXT_TIMEOUT = 60  # seconds per file

# Code point ranges (inclusive) counted as CJK.
CJK_RANGES = (
    (0x3400, 0x4DBF),    # CJK Unified Ideographs Extension A
    (0x4E00, 0x9FFF),    # CJK Unified Ideographs
    (0xF900, 0xFAFF),    # CJK Compatibility Ideographs
    (0x20000, 0x3134F),  # Extensions B-G (SIP/TIP)
    (0x2F800, 0x2FA1F),  # CJK Compatibility Ideographs Supplement
    (0x3040, 0x309F),    # Hiragana
    (0x30A0, 0x30FF),    # Katakana
    (0x31F0, 0x31FF),    # Katakana Phonetic Extensions
    (0xFF66, 0xFF9F),    # Halfwidth Katakana (NFKC widens these anyway)
    (0x1100, 0x11FF),    # Hangul Jamo
    (0x3130, 0x318F),    # Hangul Compatibility Jamo
    (0xA960, 0xA97F),    # Hangul Jamo Extended-A
    (0xAC00, 0xD7AF),    # Hangul Syllables
    (0xD7B0, 0xD7FF),    # Hangul Jamo Extended-B
)

# Code point ranges (inclusive) whose *letters* count as Latin.
LATIN_LETTER_RANGES = (
    (0x00C0, 0x024F),    # Latin-1 Supplement letters, Latin Extended-A/B
    (0x1E00, 0x1EFF),    # Latin Extended Additional
)


def in_ranges(cp, ranges):
    """Return True when code point ``cp`` falls in one of ``ranges``."""
    return any(lo <= cp <= hi for lo, hi in ranges)


def count_chars(text):
    """Count CJK and Latin characters in ``text`` after NFKC normalisation.

    Returns a ``(cjk, latin)`` tuple. Everything else (whitespace,
    punctuation, symbols, other scripts) is ignored.
    """
    cjk = latin = 0
    for ch in unicodedata.normalize("NFKC", text):
        cp = ord(ch)
        if cp < 0x80:
            if ch.isalnum():
                latin += 1
        elif in_ranges(cp, CJK_RANGES):
            cjk += 1
        elif in_ranges(cp, LATIN_LETTER_RANGES) and unicodedata.category(ch).startswith("L"):
            latin += 1
    return cjk, latin


def skip(reason, as_json):
    """Report that the comparison cannot run here and exit successfully."""
    if as_json:
        print(json.dumps({"status": "skip", "reason": reason}))
        print("SKIP: " + reason, file=sys.stderr)
    else:
        print("SKIP: " + reason)
    sys.exit(0)


def fail(message):
    """Report a setup error (not a coverage failure) and exit with status 2."""
    print("ERROR: " + message, file=sys.stderr)
    sys.exit(2)


def find_pdfs(folder):
    """List the PDFs under ``folder`` as POSIX paths relative to it, sorted."""
    found = []
    for path in folder.rglob("*"):
        if path.is_file() and path.suffix.lower() == ".pdf":
            found.append(path.relative_to(folder).as_posix())
    return sorted(found)


def file_id(rel_path):
    """Short label for a file: the part of its name before ``__`` (e.g. P016)."""
    name = rel_path.rsplit("/", 1)[-1]
    return name.split("__", 1)[0] if "__" in name else name.rsplit(".", 1)[0]


def run_provisio(binary, pdf_dir, workdir):
    """Index ``pdf_dir`` into a fresh index and export every passage.

    Returns ``(texts, failures, summary)``: ``texts`` maps a corpus-relative
    path to the concatenated text of its passages (in passage order),
    ``failures`` maps a path to provisio's failure reason, and ``summary`` is
    the index command's JSON summary. Exit status 1 of ``provisio index``
    (some files failed) is expected; any other non-zero status is fatal.
    """
    index_dir = Path(workdir) / "index"
    cmd = [str(binary), "index", "--corpus", str(pdf_dir), "--index", str(index_dir), "--json"]
    proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", errors="replace")
    if proc.returncode not in (0, 1):
        fail("provisio index exited with %d:\n%s" % (proc.returncode, proc.stderr.strip()))
    out = proc.stdout
    try:
        summary = json.loads(out[out.index("{"):])
    except ValueError:
        fail("could not parse the JSON summary of provisio index:\n%s\n%s" % (out, proc.stderr))
    failures = {}
    for item in summary.get("failed", []):
        failures[Path(item["path"]).as_posix()] = item.get("reason", "")

    export_file = Path(workdir) / "export.jsonl"
    cmd = [str(binary), "export", "--index", str(index_dir), "--format", "jsonl",
           "--out", str(export_file), "*"]
    proc = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", errors="replace")
    if proc.returncode != 0:
        fail("provisio export exited with %d:\n%s" % (proc.returncode, proc.stderr.strip()))

    passages = {}
    with open(export_file, encoding="utf-8-sig") as fh:
        for line in fh:
            line = line.strip()
            if not line:
                continue
            row = json.loads(line)
            key = Path(row["path"]).as_posix()
            order = (row.get("page") or 0, row.get("ordinal") or 0)
            passages.setdefault(key, []).append((order, row.get("text") or ""))
    texts = {}
    for key, parts in passages.items():
        parts.sort(key=lambda part: part[0])
        texts[key] = "\n".join(text for _, text in parts)
    return texts, failures, summary


def run_pdftotext(pdftotext, pdf_path):
    """Extract ``pdf_path`` with pdftotext.

    Returns ``(text, pages, error)``. On failure (non-zero exit or timeout)
    ``text`` is empty, ``pages`` is None and ``error`` says what happened.
    ``pages`` is the number of form feeds pdftotext wrote (one per page).
    """
    cmd = [pdftotext, "-enc", "UTF-8", str(pdf_path), "-"]
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=PDFTOTEXT_TIMEOUT)
    except subprocess.TimeoutExpired:
        return "", None, "timeout after %d s" % PDFTOTEXT_TIMEOUT
    if proc.returncode != 0:
        return "", None, "exit %d" % proc.returncode
    text = proc.stdout.decode("utf-8", errors="replace")
    return text, text.count("\f"), None


def ratio(got, expected):
    """``got / expected``, or None when nothing was expected."""
    return got / expected if expected else None


def fmt_ratio(value):
    """Format a ratio as a percentage, or ``-`` when undefined."""
    return "-" if value is None else "%.1f%%" % (100.0 * value)


def summarise(rows):
    """Compute plain and capped totals over the per-file ``rows``.

    Each ratio is provisio / pdftotext summed over all files; the capped
    variant sums ``min(provisio, pdftotext)`` per file instead of provisio's
    count, for the overall total and for each character class separately.
    """
    totals = {}
    for name, field in (("overall", "total"), ("cjk", "cjk"), ("latin", "latin")):
        ref = sum(r["pdftotext"][field] for r in rows)
        got = sum(r["provisio"][field] for r in rows)
        capped = sum(min(r["provisio"][field], r["pdftotext"][field]) for r in rows)
        totals[name] = {
            "pdftotext": ref,
            "provisio": got,
            "provisio_capped": capped,
            "ratio": ratio(got, ref),
            "capped_ratio": ratio(capped, ref),
        }
    return totals


def print_table(rows, totals, min_ratio, passed, timings):
    """Print the per-file table, the totals and the verdict."""
    header = ("id", "pages", "pdf CJK", "pdf Latin", "pv CJK", "pv Latin", "ratio", "note")
    lines = []
    for r in rows:
        note = []
        if r["provisio_failure"]:
            note.append("provisio: " + r["provisio_failure"])
        if r["pdftotext_error"]:
            note.append("pdftotext: " + r["pdftotext_error"])
        lines.append((r["id"], "-" if r["pages"] is None else str(r["pages"]),
                      str(r["pdftotext"]["cjk"]), str(r["pdftotext"]["latin"]),
                      str(r["provisio"]["cjk"]), str(r["provisio"]["latin"]),
                      fmt_ratio(r["ratio"]), "; ".join(note)))
    widths = [max(len(h), *(len(line[i]) for line in lines)) if lines else len(h)
              for i, h in enumerate(header)]
    for line in [header] + lines:
        cells = []
        for i, cell in enumerate(line):
            if i == len(line) - 1:
                cells.append(cell)  # the note column is left ragged
            elif i == 0:
                cells.append(cell.ljust(widths[i]))
            else:
                cells.append(cell.rjust(widths[i]))
        print("  ".join(cells).rstrip())

    print()
    print("%-8s %12s %12s %9s %14s %9s" % ("class", "pdftotext", "provisio", "ratio",
                                           "prov. capped", "capped"))
    for name in ("overall", "cjk", "latin"):
        t = totals[name]
        print("%-8s %12d %12d %9s %14d %9s" % (name, t["pdftotext"], t["provisio"],
                                               fmt_ratio(t["ratio"]), t["provisio_capped"],
                                               fmt_ratio(t["capped_ratio"])))
    print()
    print("time: provisio index+export %.1f s, pdftotext %.1f s, total %.1f s"
          % (timings["provisio"], timings["pdftotext"], timings["total"]))
    verdict = "PASS" if passed else "FAIL"
    print("%s: capped overall ratio %s (minimum %s)"
          % (verdict, fmt_ratio(totals["overall"]["capped_ratio"]), fmt_ratio(min_ratio)))


def main():
    """Parse arguments, run both extractors, compare, report, set exit status."""
    parser = argparse.ArgumentParser(
        description="Compare provisio's PDF text coverage with pdftotext's.")
    parser.add_argument("--provisio", type=Path, default=None,
                        help="provisio binary (default: target/release/provisio in the repo)")
    parser.add_argument("--pdfs", type=Path, default=None,
                        help="folder of PDFs (default: ../shared/testdata/pdfs from the repo root)")
    parser.add_argument("--min-ratio", type=float, default=0.95,
                        help="minimum capped overall ratio (default 0.95)")
    parser.add_argument("--json", action="store_true", help="print a JSON summary")
    args = parser.parse_args()

    started = time.monotonic()
    binary = args.provisio or REPO_ROOT / "target" / "release" / "provisio"
    pdf_dir = args.pdfs or REPO_ROOT / ".." / "shared" / "testdata" / "pdfs"
    binary = binary.resolve()
    pdf_dir = pdf_dir.resolve()

    pdftotext = shutil.which("pdftotext")
    if pdftotext is None:
        skip("pdftotext (poppler-utils) is not on PATH", args.json)
    if not pdf_dir.is_dir():
        skip("PDF folder %s is absent" % pdf_dir, args.json)
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        fail("provisio binary %s not found (run `cargo build --release` or pass --provisio)"
             % binary)
    pdfs = find_pdfs(pdf_dir)
    if not pdfs:
        skip("no PDFs in %s" % pdf_dir, args.json)

    with tempfile.TemporaryDirectory(prefix="provisio-coverage-") as workdir:
        texts, failures, _ = run_provisio(binary, pdf_dir, workdir)
    provisio_seconds = time.monotonic() - started

    rows = []
    pdftotext_started = time.monotonic()
    for rel in pdfs:
        ref_text, pages, error = run_pdftotext(pdftotext, pdf_dir / rel)
        ref_cjk, ref_latin = count_chars(ref_text)
        got_cjk, got_latin = count_chars(texts.get(rel, ""))
        rows.append({
            "id": file_id(rel),
            "path": rel,
            "pages": pages,
            "pdftotext": {"cjk": ref_cjk, "latin": ref_latin, "total": ref_cjk + ref_latin},
            "provisio": {"cjk": got_cjk, "latin": got_latin, "total": got_cjk + got_latin},
            "ratio": ratio(got_cjk + got_latin, ref_cjk + ref_latin),
            "provisio_failure": failures.get(rel),
            "pdftotext_error": error,
        })
    pdftotext_seconds = time.monotonic() - pdftotext_started

    totals = summarise(rows)
    capped = totals["overall"]["capped_ratio"]
    passed = capped is None or capped >= args.min_ratio
    timings = {"provisio": provisio_seconds, "pdftotext": pdftotext_seconds,
               "total": time.monotonic() - started}

    if args.json:
        print(json.dumps({
            "status": "pass" if passed else "fail",
            "min_ratio": args.min_ratio,
            "pdfs": str(pdf_dir),
            "provisio": str(binary),
            "totals": totals,
            "seconds": {k: round(v, 3) for k, v in timings.items()},
            "files": rows,
        }, ensure_ascii=False, indent=2))
    else:
        print_table(rows, totals, args.min_ratio, passed, timings)
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
