#!/usr/bin/env python3
"""Deterministic synthetic corpus for the provisio benchmark (issue 6).

All text is synthesised here from vocabulary lists and templates written for this
benchmark (no copied text): Chinese policy notices (关于…的通知, 发文字号, 第X条),
Chinese news, English news/explainers. Output formats: TXT and HTML in UTF-8 or
GB18030, plus PDFs rendered with cairo and a CJK font (made once and cached).

Usage (system python, which has python3-cairo for the PDFs):
  gen_corpus.py --seed 6 --n 2000 --out DIR          # DIR/docs/..., DIR/meta.json
  gen_corpus.py --seed 6 --pdfs 300 --out PDFDIR     # PDFs only (cached separately)
  gen_corpus.py --seed 6 --n 20000 --uniform 2000 --out DIR   # scale mode: ~2 KB docs

Sizes follow a log-normal distribution (median ~6 KB) clipped to 1 KB - 2 MB.
"""
import argparse, json, math, os, random, sys

REGIONS = [  # province, short name for 发文字号, cities
    ("四川省", "川", ["成都市", "绵阳市", "宜宾市", "泸州市"]),
    ("广东省", "粤", ["广州市", "深圳市", "东莞市", "佛山市"]),
    ("浙江省", "浙", ["杭州市", "宁波市", "义乌市", "温州市"]),
    ("江苏省", "苏", ["南京市", "苏州市", "无锡市", "连云港市"]),
    ("重庆市", "渝", ["两江新区", "沙坪坝区", "江津区"]),
    ("新疆维吾尔自治区", "新", ["乌鲁木齐市", "喀什地区", "伊犁州"]),
    ("山东省", "鲁", ["青岛市", "济南市", "烟台市"]),
    ("福建省", "闽", ["厦门市", "福州市", "泉州市"]),
    ("湖北省", "鄂", ["武汉市", "襄阳市", "宜昌市"]),
    ("河南省", "豫", ["郑州市", "洛阳市", "开封市"]),
    ("海南省", "琼", ["海口市", "三亚市", "洋浦经济开发区"]),
    ("天津市", "津", ["滨海新区", "东疆综合保税区"]),
]
AGENCIES = [("商务厅", "商发"), ("财政厅", "财发"), ("发展和改革委员会", "发改"),
            ("人民政府办公厅", "府办发"), ("交通运输厅", "交发"), ("税务局", "税发")]
DOCTYPES = ["通知", "意见", "办法", "措施", "方案", "决定", "实施细则"]
TOPICS = ["支持二手车出口业务发展", "促进外贸稳规模优结构", "加快海外仓建设",
          "推进跨境电子商务综合试验区建设", "做好出口退税服务工作", "实施汽车以旧换新补贴",
          "进一步优化口岸营商环境", "支持中欧班列高质量发展", "促进汽车消费", "培育外贸新业态新模式",
          "加强粮食仓储安全管理", "开展河道清理专项行动", "推进学校食堂提质工作", "做好防汛抗旱工作"]
SUBJECTS = ["二手车出口企业", "外贸综合服务企业", "海外仓运营企业", "跨境电商企业", "汽车经销商",
            "物流企业", "中欧班列运营平台", "生产型出口企业", "县级以上商务主管部门", "各有关单位"]
SUPPORTS = ["一次性奖励", "财政补贴", "运费补贴", "贷款贴息", "保险费补助", "仓储费用补助"]
PLACES = ["中亚", "中东", "非洲", "东南亚", "俄罗斯", "拉美", "东欧"]
ZH_TERMS_CLAUSE = [
    "对{s}给予{a}万元{sup}，所需资金由{r}财政统筹安排。",
    "{s}在{p}设立海外仓的，按照实际投资额的{pct}%给予补助，最高不超过{a}万元。",
    "符合条件的企业可享受出口退税“即报即退”服务，办理时间压缩至{n}个工作日以内。",
    "对新建公共海外仓的企业提供{n}个月免费仓储，并在租金方面给予优惠。",
    "零公里二手车出口应当如实申报车辆信息，严禁以二手车名义出口未经登记的新车。",
    "{s}应当建立出口车辆质量追溯制度，按月报送出口数据。",
    "鼓励金融机构为{s}提供出口信用保险和供应链融资服务，单户授信额度不超过{a}万元。",
    "海关、税务等部门应当加强协同，推行“一窗受理、并联审批”，提高通关便利化水平。",
    "对年度出口额超过{a}万美元的{s}，给予不超过{n}万元的补贴。",
    "各地应当结合实际制定配套措施，明确责任分工，确保政策落地见效。",
    "本{dt}由{r}商务厅负责解释，自印发之日起施行，有效期{n}年。",
    "支持{s}参加境外展会，展位费补助比例不超过{pct}%。",
    "对通过{c}口岸出口的二手车，实行“提前申报、货到验放”的监管模式。",
    "加强部门间数据共享，依托国际贸易“单一窗口”办理出口许可证申领手续。",
]
ZH_FILLER = [
    "坚持稳中求进工作总基调，完整、准确、全面贯彻新发展理念。",
    "各地各部门要高度重视，加强组织领导，认真抓好贯彻落实。",
    "进一步优化营商环境，激发市场主体活力，推动经济高质量发展。",
    "加强宣传解读，及时回应企业关切，营造良好的舆论氛围。",
    "建立健全工作机制，定期调度工作进展，及时协调解决存在的问题。",
    "统筹发展和安全，防范化解重大风险，守住不发生系统性风险的底线。",
    "强化督促检查，对工作推进不力的单位予以通报。",
    "做好统计监测和分析研判，为科学决策提供依据。",
]
ZH_NEWS = [
    "记者从{r}{c}获悉，今年以来当地已有{n}家企业开展二手车出口业务。",
    "一位从事汽车贸易多年的经销商告诉记者，{p}市场对国产二手车需求旺盛。",
    "据海关统计，{y}年前{m}个月，{c}口岸累计出口二手车{a}辆，同比增长{pct}%。",
    "业内人士指出，所谓零公里二手车，是指完成注册登记后几乎未行驶即出口的车辆。",
    "{c}一家海外仓运营企业负责人表示，免费仓储政策明显降低了企业的物流成本。",
    "专家认为，出口退税和各类补贴叠加，使部分车型的出口价格低于国内售价。",
    "当天上午，满载{n}辆商品车的中欧班列从{c}驶出，预计{n}天后抵达{p}。",
]
EN_SENT = [
    "Exporters in {ec} shipped {a} used cars to {ep} in {mon}, according to customs data.",
    "The provincial commerce department said it would pay subsidies of up to {a} yuan per vehicle.",
    "So-called zero-mileage used cars are registered in China and exported almost immediately.",
    "Companies that open an overseas warehouse can receive {pct} percent of their investment back.",
    "Dealers said export tax rebates now arrive within {n} working days instead of months.",
    "Free storage for the first {n} months makes the new warehouses attractive to small exporters.",
    "Analysts warned that the rebate and the subsidy together may breach trade rules.",
    "A freight train carrying {n} vehicles left {ec} for {ep} on {mon} {n}.",
    "Officials did not respond to a request for comment on the export licence rules.",
    "The notice, numbered {docno}, was published on the government website.",
    "Trade lawyers in Brussels are studying the measures for a possible anti-subsidy case.",
    "Local football fans packed the stadium as the home team won {n} to {m}.",
    "The city library will open a new reading room for children in {mon}.",
    "Prices at the harbour market rose by {pct} percent over the summer.",
]
EN_CITIES = ["Chengdu", "Chongqing", "Guangzhou", "Shenzhen", "Ningbo", "Tianjin", "Urumqi", "Xiamen"]
EN_PLACES = ["Kazakhstan", "Uzbekistan", "the United Arab Emirates", "Russia", "Nigeria", "Chile", "Jordan"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
RARE_ZH = ["霍尔果斯", "保税维修", "平行进口汽车"]   # inserted with low probability
RARE_EN = ["Khorgos", "cabotage"]
CN_DIG = "零一二三四五六七八九"


def cn_num(n):
    """1..999 as Chinese numerals (第十二条, 第一百零五条)."""
    if n >= 100:
        h, r = divmod(n, 100)
        return CN_DIG[h % 10] + "百" + ("" if r == 0 else ("零" + CN_DIG[r] if r < 10 else
                                        ("一" if r < 20 else "") + cn_num(r)))
    if n < 10:
        return CN_DIG[n]
    t, u = divmod(n, 10)
    return ("" if t == 1 else CN_DIG[t]) + "十" + (CN_DIG[u] if u else "")


class Doc:
    def __init__(self, rng, i):
        self.rng, self.i = rng, i
        r = rng.randrange(len(REGIONS))
        self.prov, self.short, cities = REGIONS[r]
        self.city = rng.choice(cities)
        self.agency, self.code = rng.choice(AGENCIES)
        self.year = rng.choice([2019, 2020, 2021, 2022, 2023, 2023, 2024, 2024])
        self.docno = f"{self.short}{self.code}〔{self.year}〕{rng.randint(1, 300)}号"
        self.dt = rng.choice(DOCTYPES)
        self.topic = rng.choice(TOPICS)
        self.month = rng.randint(1, 12)
        self.day = rng.randint(1, 28)
        self.rare = rng.random() < 0.01   # a rare term appears once in about 1% of documents

    def fill(self, tpl):
        rng = self.rng
        return tpl.format(s=rng.choice(SUBJECTS), a=rng.choice([5, 10, 20, 50, 100, 200, 500]),
                          sup=rng.choice(SUPPORTS), r=self.prov, p=rng.choice(PLACES),
                          pct=rng.choice([10, 20, 30, 50]), n=rng.randint(2, 30), dt=self.dt,
                          c=self.city, y=self.year, m=rng.randint(2, 11),
                          ec=rng.choice(EN_CITIES), ep=rng.choice(EN_PLACES),
                          mon=rng.choice(MONTHS), docno=self.docno)


def zh_policy(d, target):
    rng = d.rng
    title = f"{d.prov}{d.agency}关于{d.topic}的{d.dt}"
    out = [title, d.docno, "", "各市（州）、县（市、区）有关部门：", ""]
    size, art = 0, 1
    while size < target:
        if (art - 1) % 8 == 0:
            out.append(f"第{cn_num((art - 1) // 8 + 1)}章　{rng.choice(['总则', '支持措施', '保障措施', '附则', '监督管理'])}")
        parts = [d.fill(rng.choice(ZH_TERMS_CLAUSE)) if rng.random() < 0.6 else rng.choice(ZH_FILLER)
                 for _ in range(rng.randint(1, 4))]
        if d.rare and art == 3:
            parts.append(f"涉及{rng.choice(RARE_ZH)}业务的，按有关规定执行。")
        line = f"第{cn_num((art - 1) % 999 + 1)}条　" + "".join(parts)
        out.append(line)
        size += len(line) * 3
        art += 1
    out += ["", f"{d.prov}{d.agency}", f"{d.year}年{d.month}月{d.day}日"]
    return title, "\n".join(out)


def zh_news(d, target):
    rng = d.rng
    title = f"{d.city}：{rng.choice(['二手车出口驶入快车道', '海外仓建设提速', '外贸企业享政策红利', '中欧班列开行再创新高'])}"
    out = [title, f"{d.year}-{d.month:02d}-{d.day:02d}　来源：{d.city}日报", ""]
    size = 0
    while size < target:
        para = "".join(d.fill(rng.choice(ZH_NEWS + ZH_FILLER[:3])) for _ in range(rng.randint(2, 5)))
        if d.rare and size == 0:
            para += f"另据了解，{rng.choice(RARE_ZH)}试点也在推进之中。"
        out.append("　　" + para)
        size += len(para) * 3
    return title, "\n".join(out)


def en_news(d, target):
    rng = d.rng
    title = rng.choice(["Used-car exports surge from inland hubs", "Provinces race to fund overseas warehouses",
                        "Rebates and subsidies: how local governments back car exporters",
                        "Harbour market prices climb", "New library wing opens"])
    out = [title, f"{MONTHS[d.month - 1]} {d.day}, {d.year}", ""]
    size = 0
    while size < target:
        para = " ".join(d.fill(rng.choice(EN_SENT)) for _ in range(rng.randint(2, 6)))
        if d.rare and size == 0:
            para += f" Traders also mentioned {rng.choice(RARE_EN)} as a bottleneck."
        out.append(para)
        size += len(para)
    return title, "\n\n".join(out)


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_html(title, text, charset, rng):
    paras = "\n".join(f"<p>{esc(p)}</p>" for p in text.split("\n") if p.strip())
    meta = (f'<meta charset="{charset}">' if rng.random() < 0.5 else
            f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">')
    return (f"<!DOCTYPE html>\n<html><head>{meta}<title>{esc(title)}</title>"
            f"<style>p {{ line-height: 1.8 }}</style>"
            f"<script>var pageId = {rng.randint(1, 10**6)};</script></head>\n<body>"
            f"<div class=\"nav\"><a href=\"/\">首页</a> &gt; <a href=\"/zwgk\">政务公开</a></div>\n"
            f"<div class=\"article\"><h1>{esc(title)}</h1>\n{paras}\n</div>"
            f"<div class=\"footer\">主办单位：本网站 &copy; 版权所有</div></body></html>\n")


def draw_size(rng, uniform):
    if uniform:
        return uniform
    return int(min(2_000_000, max(1024, rng.lognormvariate(math.log(6000), 1.1))))


def make_doc(seed, i, uniform=0):
    """Returns (relative path, bytes, meta) for document i; deterministic in (seed, i)."""
    rng = random.Random(seed * 1_000_003 + i)
    d = Doc(rng, i)
    target = draw_size(rng, uniform)
    kind = rng.choices(["zh_policy", "zh_news", "en"], [0.6, 0.15, 0.25])[0]
    if kind == "zh_policy":
        title, text = zh_policy(d, target)
    elif kind == "zh_news":
        title, text = zh_news(d, target)
    else:
        title, text = en_news(d, target)
    enc = "gb18030" if kind != "en" and rng.random() < 0.3 else "utf-8"
    fmt = "html" if rng.random() < (0.7 if kind == "zh_news" else 0.45) else "txt"
    sub = {"zh_policy": "zh", "zh_news": "news", "en": "en"}[kind]
    rel = f"{sub}/{i // 1000:03d}/{kind}-{i:07d}{'-gb' if enc != 'utf-8' else ''}.{fmt}"
    body = to_html(title, text, enc, rng) if fmt == "html" else text + "\n"
    return rel, body.encode(enc), {"kind": kind, "enc": enc, "fmt": fmt, "year": d.year,
                                   "region": d.prov, "doctype": d.dt if kind == "zh_policy" else ""}


def write_pdfs(seed, count, out):
    import cairo  # python3-cairo (Debian); the PDFs are made once and cached
    os.makedirs(out, exist_ok=True)
    for i in range(count):
        rng = random.Random(seed * 7_000_001 + i)
        d = Doc(rng, i)
        target = int(min(60_000, max(1500, rng.lognormvariate(math.log(8000), 0.8))))
        kind = "en" if rng.random() < 0.2 else "zh_policy"
        title, text = (en_news if kind == "en" else zh_policy)(d, target)
        path = os.path.join(out, f"{kind}-{i:05d}.pdf")
        surf = cairo.PDFSurface(path + ".tmp", 595, 842)
        ctx = cairo.Context(surf)
        ctx.select_font_face("Noto Sans CJK SC")
        ctx.set_font_size(10.5)
        y = 60
        for line in wrap(text, 44 if kind != "en" else 95):
            if y > 790:
                surf.show_page(); y = 60
            ctx.move_to(50, y); ctx.show_text(line); y += 17
        surf.finish()
        os.replace(path + ".tmp", path)


def wrap(text, width):
    """Break long lines, preferring a punctuation or space break, for the PDF layout."""
    for para in text.split("\n"):
        while len(para) > width:
            cut = max(para.rfind(ch, width // 2, width) for ch in "，。；、 ")
            cut = cut + 1 if cut > 0 else width
            yield para[:cut].rstrip()
            para = para[cut:].lstrip(" ")
        yield para


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=6)
    ap.add_argument("--n", type=int, default=0)
    ap.add_argument("--pdfs", type=int, default=0)
    ap.add_argument("--uniform", type=int, default=0, help="fixed document size in bytes (scale mode)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    if a.pdfs:
        write_pdfs(a.seed, a.pdfs, a.out)
        return
    docs, meta = os.path.join(a.out, "docs"), {}
    total = 0
    for i in range(a.n):
        rel, data, m = make_doc(a.seed, i, a.uniform)
        p = os.path.join(docs, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)
        m["bytes"] = len(data)
        meta[rel] = m
        total += len(data)
    with open(os.path.join(a.out, "meta.json"), "w") as f:
        json.dump({"seed": a.seed, "n": a.n, "bytes": total, "docs": meta}, f)
    print(f"generated {a.n} documents, {total / 1e6:.1f} MB in {docs}", file=sys.stderr)


if __name__ == "__main__":
    main()
