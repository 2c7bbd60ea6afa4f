"""Render known text to page images, the way a scanner or a phone would deliver it.

Used by bench/ocr_accuracy.py (accuracy and throughput of provisio's OCR) and by
tests/data/ocr/make_fixtures.py (the committed test scans). Needs Pillow and the Debian fonts
fonts-noto-cjk and fonts-wqy-zenhei (the font files are named below).
"""
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONTS = {
    # name: (file, index in a collection)
    "noto-serif-sc": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2),
    "noto-sans-sc": ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),
    "noto-serif-tc": ("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 3),
    "wqy-zenhei": ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
}


def font(name, px):
    path, index = FONTS[name]
    return ImageFont.truetype(path, px, index=index)


def wrap(line, fnt, width):
    """Break one paragraph into lines no wider than `width` pixels (by character for CJK,
    by word for Latin text)."""
    words = line.split(" ") if line.isascii() else list(line)
    sep = " " if line.isascii() else ""
    out, cur = [], ""
    for w in words:
        cand = cur + sep + w if cur else w
        if fnt.getlength(cand) <= width or not cur:
            cur = cand
        else:
            out.append(cur)
            cur = w
    if cur:
        out.append(cur)
    return out


def render_page(paragraphs, font_name="noto-serif-sc", pt=12, dpi=200, rotate=0.0,
                noise=0.0, blur=0.0, seed=1, size=(8.27, 11.69)):
    """An A4 (by default) grayscale page with `paragraphs` set in `font_name` at `pt` points,
    scanned at `dpi`, turned by `rotate` degrees, with Gaussian noise of `noise` (0-1)."""
    w, h = int(size[0] * dpi), int(size[1] * dpi)
    img = Image.new("L", (w, h), 255)
    draw = ImageDraw.Draw(img)
    px = max(8, round(pt * dpi / 72))
    fnt = font(font_name, px)
    margin = int(dpi * 0.9)
    y = margin
    for para in paragraphs:
        for line in wrap(para, fnt, w - 2 * margin):
            draw.text((margin, y), line, font=fnt, fill=0)
            y += int(px * 1.6)
        y += int(px * 0.4)
    if rotate:
        img = img.rotate(rotate, resample=Image.BICUBIC, fillcolor=255)
    if blur:
        img = img.filter(ImageFilter.GaussianBlur(blur))
    if noise:
        rng = random.Random(seed)
        sigma = 255 * noise
        px_data = img.load()
        for yy in range(0, h):
            for xx in range(0, w, 1):
                if rng.random() < 0.15:
                    v = px_data[xx, yy] + int(rng.gauss(0, sigma))
                    px_data[xx, yy] = max(0, min(255, v))
    return img
