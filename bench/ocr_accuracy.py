#!/usr/bin/env python3
"""OCR accuracy and throughput of provisio on pages rendered from known text.

Renders Chinese and English policy text (written for this benchmark) in several fonts, sizes,
resolutions, with slight rotation and noise (bench/ocr_render.py), indexes the images with
`provisio index` (which OCRs them with Tesseract), exports the passages, and compares each
page's text with the text it was made from:

    character accuracy = 1 - edit distance / length of the true text

(whitespace is ignored for Chinese and collapsed for English). Throughput is pages per second
of wall time for the whole `provisio index` run, OCR cache empty.

    python3 -m venv ~/.cache/provisio-ocr-venv && ~/.cache/provisio-ocr-venv/bin/pip install pillow==11.0.0
    ~/.cache/provisio-ocr-venv/bin/python bench/ocr_accuracy.py --provisio target/release/provisio

Needs tesseract (chi_sim, eng), fonts-noto-cjk and fonts-wqy-zenhei. `--shared` also reports,
for every scanned PDF in ../shared/testdata/pdfs, how many pages and characters OCR yields.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ocr_render import render_page  # noqa: E402

ZH = [
    "示范省商务厅关于进一步支持二手车出口业务发展的通知",
    "各市商务主管部门：",
    "为推动二手车出口业务高质量发展，经研究，现将有关事项通知如下。",
    "一、对取得二手车出口资质的企业，海关、税务部门应优化出口退税流程，在材料齐全的情况下于十个工作日内办结退税。",
    "二、对在省内港口集中仓储待出口车辆的企业，前三十天免费仓储，超期部分按标准减半收取。",
    "三、鼓励企业在重点市场建设海外仓，对经认定的公共海外仓给予一次性奖励五十万元。",
    "四、零公里二手车办理注册登记后可直接申请出口许可证，有关部门应在三个工作日内完成审核。",
    "五、本通知自二〇二四年五月一日起施行，有效期三年。",
]

EN = [
    "Provincial commerce department notice on used car exports",
    "Enterprises holding a used car export qualification may apply for an export licence "
    "online. Customs and tax offices shall process export tax rebates within ten working days "
    "once the documents are complete.",
    "Vehicles awaiting export at the provincial ports are stored free of charge for the first "
    "thirty days; after that, half of the standard storage fee applies.",
    "A one-off reward of five hundred thousand yuan is granted to each recognised public "
    "overseas warehouse.",
]

# (name, paragraphs, font, points, dpi, rotation, noise)
CONDITIONS = [
    ("zh serif 16pt 300dpi", ZH, "noto-serif-sc", 16, 300, 0.0, 0.0),
    ("zh serif 12pt 300dpi", ZH, "noto-serif-sc", 12, 300, 0.0, 0.0),
    ("zh serif 10.5pt 200dpi", ZH, "noto-serif-sc", 10.5, 200, 0.0, 0.0),
    ("zh sans 12pt 300dpi", ZH, "noto-sans-sc", 12, 300, 0.0, 0.0),
    ("zh wqy-zenhei 12pt 300dpi", ZH, "wqy-zenhei", 12, 300, 0.0, 0.0),
    ("zh serif 12pt 300dpi rot 1.5", ZH, "noto-serif-sc", 12, 300, 1.5, 0.0),
    ("zh serif 12pt 300dpi noise", ZH, "noto-serif-sc", 12, 300, 0.0, 0.12),
    ("zh serif 12pt 200dpi rot 1 noise", ZH, "noto-serif-sc", 12, 200, 1.0, 0.12),
    ("zh traditional serif 12pt 300dpi", None, "noto-serif-tc", 12, 300, 0.0, 0.0),
    ("en serif 11pt 300dpi", EN, "noto-serif-sc", 11, 300, 0.0, 0.0),
    ("en serif 11pt 200dpi rot 1.5 noise", EN, "noto-serif-sc", 11, 200, 1.5, 0.12),
    ("en sans 10pt 300dpi", EN, "noto-sans-sc", 10, 300, 0.0, 0.0),
]

# Traditional forms of the Chinese text (read with --ocr-lang chi_sim+chi_tra+eng).
ZH_TRAD = [
    "示範省商務廳關於進一步支持二手車出口業務發展的通知",
    "各市商務主管部門：",
    "為推動二手車出口業務高質量發展，經研究，現將有關事項通知如下。",
    "一、對取得二手車出口資質的企業，海關、稅務部門應優化出口退稅流程，在材料齊全的情況下於十個工作日內辦結退稅。",
    "二、對在省內港口集中倉儲待出口車輛的企業，前三十天免費倉儲，超期部分按標準減半收取。",
]


def levenshtein(a, b):
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def norm(text, chinese):
    if chinese:
        return re.sub(r"\s+", "", text)
    return re.sub(r"\s+", " ", text).strip()


def accuracy(truth, got, chinese):
    t, g = norm(truth, chinese), norm(got, chinese)
    return max(0.0, 1 - levenshtein(t, g) / max(1, len(t)))


def run_index(provisio, corpus, index, langs):
    started = time.monotonic()
    out = subprocess.run(
        [provisio, "index", "--corpus", corpus, "--index", index, "--json", "--ocr-lang", langs],
        capture_output=True, text=True)
    wall = time.monotonic() - started
    summary = json.loads(out.stdout)
    return summary, wall


def export(provisio, index):
    out = subprocess.run([provisio, "export", "--index", index, "--format", "jsonl", "*"],
                         capture_output=True, text=True, check=True)
    texts = {}
    for line in out.stdout.splitlines():
        row = json.loads(line)
        texts.setdefault(row["path"], []).append((row["ordinal"], row["text"]))
    return {p: "\n".join(t for _, t in sorted(rows)) for p, rows in texts.items()}


def synthetic(provisio):
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for langs, subset in (("chi_sim+eng", [c for c in CONDITIONS if c[1] is not None]),
                              ("chi_sim+chi_tra+eng", [c for c in CONDITIONS if c[1] is None])):
            corpus = os.path.join(tmp, langs, "corpus")
            os.makedirs(corpus)
            truth = {}
            for i, (name, paras, fnt, pt, dpi, rot, noise) in enumerate(subset):
                paras = paras or ZH_TRAD
                img = render_page(paras, fnt, pt=pt, dpi=dpi, rotate=rot, noise=noise, seed=i)
                path = f"page{i:02d}.png"
                img.save(os.path.join(corpus, path), dpi=(dpi, dpi))
                truth[path] = (name, "\n".join(paras), paras is not EN)
            summary, wall = run_index(provisio, corpus, os.path.join(tmp, langs, "index"), langs)
            got = export(provisio, os.path.join(tmp, langs, "index"))
            for path, (name, text, chinese) in sorted(truth.items()):
                acc = accuracy(text, got.get(path, ""), chinese)
                rows.append((name, langs, acc))
            pages = summary.get("ocr_pages", 0)
            rows.append((f"throughput ({langs})", f"{pages} pages in {wall:.1f} s",
                         pages / wall if wall else 0.0))
    return rows


def shared(provisio):
    pdfs = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "testdata", "pdfs")
    manifest = os.path.join(pdfs, "manifest.tsv")
    if not os.path.exists(manifest):
        print(f"SKIP --shared: {manifest} is absent")
        return []
    scanned = []
    with open(manifest, encoding="utf-8") as f:
        for line in f:
            cols = line.rstrip("\n").split("\t")
            if len(cols) > 9 and re.search(r"scanned|image-only", cols[9]):
                scanned.append((cols[0], cols[1], cols[7], cols[9]))
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        corpus = os.path.join(tmp, "corpus")
        os.makedirs(corpus)
        for _, name, _, _ in scanned:
            shutil.copy(os.path.join(pdfs, name), os.path.join(corpus, name))
        out = subprocess.run([provisio, "index", "--corpus", corpus,
                              "--index", os.path.join(tmp, "index"), "--json"],
                             capture_output=True, text=True)
        summary = json.loads(out.stdout)
        failed = {f["path"]: f["reason"] for f in summary["failed"]}
        got = export(provisio, os.path.join(tmp, "index"))
        for pid, name, pages, category in scanned:
            text = got.get(name, "")
            rows.append((pid, category, pages, len(re.sub(r"\s+", "", text)),
                         failed.get(name, "")))
        rows.append(("all", "", summary.get("ocr_pages", 0), summary.get("seconds", 0), ""))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--provisio", default="target/release/provisio")
    ap.add_argument("--shared", action="store_true",
                    help="also OCR the scanned PDFs of ../shared/testdata/pdfs")
    args = ap.parse_args()
    print("| condition | languages | character accuracy |\n|---|---|---|")
    for name, langs, value in synthetic(args.provisio):
        if name.startswith("throughput"):
            print(f"| {name} | {langs} | {value:.2f} pages/s |")
        else:
            print(f"| {name} | {langs} | {value * 100:.1f}% |")
    if args.shared:
        print("\n| file | category | pages | characters by OCR | failure |\n|---|---|---|---|---|")
        for pid, category, pages, chars, why in shared(args.provisio):
            if pid == "all":
                print(f"| all | | {pages} pages OCR'd | in {chars:.1f} s | |")
            else:
                print(f"| {pid} | {category} | {pages} | {chars} | {why} |")


if __name__ == "__main__":
    main()
