#!/usr/bin/env python3
"""Check the generated corpus against the anchors that provisio's tests rely on.

Needs python3 and poppler-utils (pdftotext, pdfinfo).  Exits non-zero on the
first group of failures.  Run from anywhere: `python3 tools/corpus-src/verify.py`.
"""
import html.parser
import os
import re
import subprocess
import sys
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen  # noqa: E402

ROOT = gen.ROOT
CORPUS = os.path.join(ROOT, "corpus")
FREE_STORAGE = "免费" + "仓储"          # split so this file never matches a grep
OVERSEAS_WH_SUBSIDY = "海外仓建设" + "补贴"

# Documents expected to contain the free-warehousing phrase (anchor 10).
EXPECTED_FREE_STORAGE = sorted([
    "corpus/zh/suzhou-2023-18.pdf",
    "corpus/zh/shenzhen-measures-gbk.html",
    "corpus/zh/xinjiang-port-measures.html",
    "corpus/zh/hainan-yangpu-notice.txt",
])

failures = []


def check(cond, msg):
    print(("  ok   " if cond else "  FAIL ") + msg)
    if not cond:
        failures.append(msg)


def squash(s):
    return re.sub(r"\s+", "", s)


# ---------------------------------------------------------------- extraction

class TextOnly(html.parser.HTMLParser):
    def __init__(self, only=None):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip, self.only, self.depth = [], 0, only, 0
        self.stack = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        if self.only and tag == self.only:
            self.depth += 1
        if tag in ("p", "div", "br", "tr", "li", "h1", "h2", "h3", "td", "th"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip -= 1
        if self.only and tag == self.only:
            self.depth -= 1

    def handle_data(self, data):
        if self.skip:
            return
        if self.only and not self.depth:
            return
        self.parts.append(data)

    def text(self):
        return "".join(self.parts)


def html_text(s, only=None):
    p = TextOnly(only)
    p.feed(s)
    return p.text()


def pdf_pages(path, layout=True):
    """Per-page text with `pdftotext -layout` (line-by-line reading order)."""
    n = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", path], capture_output=True, text=True).stdout).group(1))
    opt = ["-layout"] if layout else []
    return [subprocess.run(["pdftotext"] + opt + ["-f", str(i), "-l", str(i), "-enc", "UTF-8", path, "-"],
                           capture_output=True, text=True, check=True).stdout for i in range(1, n + 1)]


def docx_pages(path):
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    pages = [""]
    for m in re.finditer(r'<w:br w:type="page"/>|<w:t[^>]*>([^<]*)</w:t>|</w:p>', xml):
        if m.group(0).startswith("<w:br"):
            pages.append("")
        elif m.group(0) == "</w:p>":
            pages[-1] += "\n"
        else:
            pages[-1] += gen.html.unescape(m.group(1))
    return pages


def decode(meta, data):
    enc = meta["encoding"]
    if enc == "utf-16le-bom":
        assert data[:2] == b"\xff\xfe"
        return data[2:].decode("utf-16-le")
    return data.decode(enc, errors="strict")


def extract(meta):
    path = os.path.join(ROOT, meta["out"])
    kind = meta["kind"]
    if kind == "pdf":
        return pdf_pages(path)
    if kind == "docx":
        return docx_pages(path)
    with open(path, "rb") as f:
        text = decode(meta, f.read())
    if kind in ("text", "raw"):
        return [text.replace("\r\n", "\n")]
    return [html_text(text)]


# ---------------------------------------------------------------- main

def main():
    srcdir = os.path.join(HERE, "docs")
    docs = []
    for name in sorted(os.listdir(srcdir)):
        if name.endswith(".src"):
            meta, body = gen.parse_source(os.path.join(srcdir, name))
            docs.append((meta, body))
    by_out = {m["out"]: (m, b) for m, b in docs}
    pages = {m["out"]: extract(m) for m, _ in docs}

    print("== inventory")
    on_disk = sorted(os.path.relpath(os.path.join(d, f), ROOT)
                     for d, _, fs in os.walk(CORPUS) for f in fs)
    generated = sorted(by_out)
    check(sorted(set(on_disk) - {"corpus/README.md"}) == generated,
          f"corpus/ holds exactly the {len(generated)} generated documents plus README.md")
    check(len(generated) >= 44, f"at least 44 documents ({len(generated)})")
    total = sum(os.path.getsize(os.path.join(ROOT, p)) for p in on_disk)
    check(total < 5 * 1024 * 1024, f"total size {total} bytes < 5 MB")
    kinds = {}
    for m, _ in docs:
        kinds.setdefault(m["kind"], []).append(m["out"])
    pdfs = kinds.get("pdf", [])
    check(len(pdfs) >= 4 and all(2 <= len(pages[p]) <= 4 for p in pdfs),
          f"{len(pdfs)} PDFs, each 2-4 pages: " + ", ".join(f"{os.path.basename(p)}={len(pages[p])}" for p in pdfs))
    check(len(kinds.get("docx", [])) >= 3, f"{len(kinds.get('docx', []))} DOCX")
    gb_html = [m["out"] for m, _ in docs if m["out"].endswith(".html") and m["encoding"] in ("gbk", "gb18030")]
    check(len(gb_html) >= 4, f"{len(gb_html)} GBK/GB18030 HTML pages")
    big5 = [m["out"] for m, _ in docs if m["encoding"] == "big5"]
    check(len(big5) >= 2, f"{len(big5)} Big5 files")
    check(any(m["encoding"] == "utf-16le-bom" for m, _ in docs), "a UTF-16LE file with BOM")
    check(any(m["out"].endswith(".md") for m, _ in docs), "a Markdown file")
    with open(os.path.join(CORPUS, "README.md"), encoding="utf-8") as f:
        readme = f.read()
    missing = [p for p in generated if p[len("corpus/"):] not in readme]
    check(not missing, f"README.md lists every file {missing if missing else ''}")
    check(FREE_STORAGE not in readme and OVERSEAS_WH_SUBSIDY not in readme,
          "README.md itself does not contain the counted anchor phrases")

    print("== text quality")
    for m, b in docs:
        text = "".join(pages[m["out"]])
        bad = [c for c in text if c == "\ufffd" or 0xE000 <= ord(c) <= 0xF8FF]
        check(not bad and "(cid:" not in text, f"{m['out']}: no replacement/PUA characters")
        if m.get("role") == "notice":
            n = len(re.findall(r"[\u4e00-\u9fff]", text if m["kind"] in ("pdf", "docx", "text", "raw") else
                           "".join(t for k, t in gen.parse_blocks(b))))
            check(600 <= n <= 3000, f"{m['out']}: notice length {n} Han characters in 600..3000")

    print("== PDF pages match their sources (every paragraph on its page)")
    for p in pdfs:
        meta, body = by_out[p]
        src_pages = [[]]
        for k, t in gen.parse_blocks(body):
            if k == "pagebreak":
                src_pages.append([])
            elif k == "table":
                src_pages[-1].extend(c for row in t for c in row)
            elif k != "blank":
                src_pages[-1].append(t)
        got = pages[p]
        raw = pdf_pages(os.path.join(ROOT, p), layout=False)
        check(len(src_pages) == len(got), f"{p}: {len(got)} pages as in the source")
        for i, (want, have, have_raw) in enumerate(zip(src_pages, got, raw), 1):
            # body text is checked in -layout order; a table cell that wraps
            # inside its cell is only contiguous in pdftotext's raw order
            h, hr = squash(have), squash(have_raw)
            miss = [w for w in want if squash(w) not in h and squash(w) not in hr]
            check(not miss, f"{p} page {i}: all {len(want)} paragraphs extracted intact"
                  + (f" (missing: {miss[0][:30]}...)" if miss else ""))

    print("== anchor 1: corpus/zh/suzhou-2023-18.pdf")
    a1 = pages["corpus/zh/suzhou-2023-18.pdf"]
    a1raw = pdf_pages(os.path.join(ROOT, "corpus/zh/suzhou-2023-18.pdf"), layout=False)
    check(all(FREE_STORAGE in p[1] and "2023年6月8日" in p[2] for p in (a1, a1raw)),
          "same result with and without pdftotext -layout")
    info = subprocess.run(["pdfinfo", os.path.join(ROOT, "corpus/zh/suzhou-2023-18.pdf")],
                          capture_output=True, text=True).stdout
    check(len(a1) == 3, "3 pages")
    check("苏州市商务局" in a1[0] and "苏商发〔2023〕18号" in a1[0], "page 1: 苏州市商务局, 苏商发〔2023〕18号")
    check("二手车出口" in re.search(r"Title:\s+(.*)", info).group(1) and "二手车出口" in a1[0],
          "title (PDF /Title and page 1) contains 二手车出口")
    check(FREE_STORAGE in a1[1], "page 2 contains the free-warehousing phrase (on one line)")
    check(FREE_STORAGE not in squash(a1[0]) and FREE_STORAGE not in squash(a1[2]),
          "pages 1 and 3 do not contain it (even ignoring line breaks)")
    check("苏州市商务局" in a1[2] and "2023年6月8日" in a1[2], "page 3: signature 苏州市商务局 and 2023年6月8日")

    print("== anchor 2: corpus/zh/guangdong-zero-mileage-gb18030.html")
    raw = open(os.path.join(ROOT, "corpus/zh/guangdong-zero-mileage-gb18030.html"), "rb").read()
    t = raw.decode("gb18030")
    four = [c for c in t if len(c.encode("gb18030")) == 4]
    check(bool(four), f"contains GB18030 four-byte character(s) outside GBK: {''.join(sorted(set(four)))}")
    try:
        raw.decode("gbk")
        check(False, "not decodable as plain GBK")
    except UnicodeDecodeError:
        check(True, "not decodable as plain GBK")
    check('charset=gb2312"' in t, "declares charset=gb2312")
    check('<meta name="PubDate" content="2023-09-15' in t, "PubDate 2023-09-15")
    check("零公里二手车" in t and "出口许可证" in t, "contains 零公里二手车 and 出口许可证")
    arts = ["第" + n + "条" for n in "一二三四五六七八"]
    body = html_text(t, only="div")
    check(all(a in body for a in arts) and "第九条" not in t, "body has 第一条 … 第八条 (and no 第九条)")

    print("== anchor 3: corpus/zh/ningbo-nodecl-gbk.html")
    raw = open(os.path.join(ROOT, "corpus/zh/ningbo-nodecl-gbk.html"), "rb").read()
    t = raw.decode("gbk")
    check(b"charset" not in raw.lower() and b"encoding=" not in raw.lower(), "no charset declaration anywhere")
    try:
        raw.decode("utf-8")
        check(False, "not valid UTF-8")
    except UnicodeDecodeError:
        check(True, "not valid UTF-8")
    check(t.count(OVERSEAS_WH_SUBSIDY) == 1, f"the overseas-warehouse subsidy phrase occurs once ({t.count(OVERSEAS_WH_SUBSIDY)})")
    others = [m["out"] for m, _ in docs if m["out"] != "corpus/zh/ningbo-nodecl-gbk.html"
              and OVERSEAS_WH_SUBSIDY in squash("".join(pages[m["out"]]))]
    check(not others, f"no other document contains it {others}")

    print("== anchor 4: corpus/news/taiwan-big5.txt")
    raw = open(os.path.join(ROOT, "corpus/news/taiwan-big5.txt"), "rb").read()
    t = raw.decode("big5")
    check("出口退稅" in t and "零公里二手車" in t, "Big5 text contains 出口退稅 and 零公里二手車")
    try:
        raw.decode("utf-8")
        check(False, "not valid UTF-8")
    except UnicodeDecodeError:
        check(True, "not valid UTF-8")

    print("== anchor 5: corpus/zh/chengdu-subsidy-table.docx")
    with zipfile.ZipFile(os.path.join(ROOT, "corpus/zh/chengdu-subsidy-table.docx")) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    cells = ["".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", c)) for c in re.findall(r"<w:tc>(.*?)</w:tc>", xml)]
    check("<w:tbl>" in xml and "海外仓租金补贴" in cells, "a table cell is exactly 海外仓租金补贴")
    p5 = docx_pages(os.path.join(ROOT, "corpus/zh/chengdu-subsidy-table.docx"))
    check('<w:br w:type="page"/>' in xml and len(p5) == 2, "one explicit page break, 2 pages")
    check("申报材料" in p5[1] and "申报材料" not in p5[0], "申报材料 on page 2 (not on page 1)")

    print("== anchor 6: corpus/en/reuters-style-zero-mileage.html")
    t = open(os.path.join(ROOT, "corpus/en/reuters-style-zero-mileage.html"), encoding="utf-8").read()
    art = html_text(t, only="article")
    nav = html_text(t, only="nav")
    check("warehousing" in art and "zero-mileage used cars" in art, "article has 'warehousing' and 'zero-mileage used cars'")
    check("Subscribe" in nav and "subscribe" not in art.lower(), "'Subscribe' is in <nav>, not in <article>")
    check('property="article:published_time"' in t, "article:published_time meta")

    print("== anchor 7: corpus/zh/long-run.txt")
    t = open(os.path.join(ROOT, "corpus/zh/long-run.txt"), encoding="utf-8").read()
    run = max(re.findall(r"[\u4e00-\u9fff]+", t), key=len)
    check(len(run) >= 300, f"longest Han run {len(run)} chars")

    print("== anchor 8: corpus/zh/layout-broken.txt")
    t = open(os.path.join(ROOT, "corpus/zh/layout-broken.txt"), encoding="utf-8").read()
    check("2023 年 5 月 12 日" in t and "外\n贸企业" in t and "ＡＢＣ１２３" in t,
          "has '2023 年 5 月 12 日', '外\\n贸企业' and 'ＡＢＣ１２３'")

    print("== anchor 9: distractor with 仓储 in an unrelated sense")
    d9 = [m["out"] for m, _ in docs if m.get("role") == "distractor" and "仓储" in "".join(pages[m["out"]])]
    check(bool(d9) and all(FREE_STORAGE not in squash("".join(pages[p])) for p in d9), f"{d9}")

    print("== anchor 10: documents containing the free-warehousing phrase")
    hits = sorted(m["out"] for m, _ in docs if FREE_STORAGE in "".join(pages[m["out"]]))
    hits_sq = sorted(m["out"] for m, _ in docs if FREE_STORAGE in squash("".join(pages[m["out"]])))
    for h in hits:
        print("       " + h)
    check(hits == EXPECTED_FREE_STORAGE and hits_sq == hits, f"{len(hits)} documents, as listed in README")

    print()
    if failures:
        print(f"{len(failures)} check(s) FAILED")
        sys.exit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
