"""Make the scans the OCR tests read. The text is written for provisio's tests (示范市 is a
made-up "demo city"; these are not real notices). Run once; the outputs are committed:

    python3 -m venv /tmp/v && /tmp/v/bin/pip install pillow==11.0.0
    /tmp/v/bin/python tests/data/ocr/make_fixtures.py

scan-notice.pdf   two image-only pages (JPEG in a PDF, no text layer), Chinese notice
notice-pages.tif  two pages, CCITT group 4, Chinese, another font
notice-photo.png  one English page, turned 1.5 degrees, with noise
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "..", "bench"))
from ocr_render import render_page  # noqa: E402

PDF_PAGES = [
    [
        "示范市商务局关于开展二手车出口扫描件试点的通知",
        "示商函〔2024〕9号",
        "各区县商务主管部门：",
        "为便于检验扫描文件的检索，现就有关事项通知如下：",
        "一、对开展二手车出口业务的企业，及时办理出口退税。",
        "二、对新建海外仓的企业给予一次性奖励。",
    ],
    [
        "三、零公里二手车出口企业可享受免费仓储服务，期限六个月。",
        "四、本通知自印发之日起施行。",
        "示范市商务局",
        "2024年3月15日",
    ],
]

TIFF_PAGES = [
    [
        "关于支持跨境电商出口平台建设的意见",
        "第一条 鼓励企业利用跨境电商平台开拓国际市场。",
        "第二条 对年出口额超过一千万元的平台企业给予补贴。",
    ],
    [
        "第三条 支持企业申请出口许可证和二手车出口资质。",
        "第四条 本意见由示范市商务局负责解释。",
    ],
]

PNG_PAGE = [
    "Demo City Bureau of Commerce",
    "Notice on support for overseas warehouses",
    "Article 5. Enterprises that rent overseas warehouses receive a subsidy of thirty "
    "percent of the rent for two years.",
    "Article 6. Free warehousing is offered at the bonded port for vehicles awaiting export.",
]


def main():
    pages = [render_page(p, "noto-serif-sc", pt=14, dpi=150, seed=i) for i, p in enumerate(PDF_PAGES)]
    pages[0].save(os.path.join(HERE, "scan-notice.pdf"), save_all=True,
                  append_images=pages[1:], resolution=150, quality=70)
    tiff = [render_page(p, "wqy-zenhei", pt=14, dpi=200, seed=10 + i).point(lambda v: 255 if v > 128 else 0).convert("1")
            for i, p in enumerate(TIFF_PAGES)]
    tiff[0].save(os.path.join(HERE, "notice-pages.tif"), save_all=True,
                 append_images=tiff[1:], compression="group4", dpi=(200, 200))
    png = render_page(PNG_PAGE, "noto-serif-sc", pt=13, dpi=150, rotate=1.5, noise=0.15,
                      seed=20, size=(8.27, 4.5))
    png.save(os.path.join(HERE, "notice-photo.png"), optimize=True, dpi=(150, 150))


if __name__ == "__main__":
    main()
