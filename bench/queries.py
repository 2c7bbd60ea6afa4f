"""The fixed query set. Each query: provisio syntax, and `terms` for the peers (all must
match; each term a phrase). Chinese queries without filters are checked against ground truth
(substring scan of the extracted text). Filter queries use provisio's metadata filters; peers
get the filter value as an extra text term (comparable work, not comparable results)."""

ZH = [  # (term, note)
    ("出口退税", "policy term"),
    ("补贴", "2 chars, common"),
    ("免费仓储", "policy term"),
    ("海外仓", "3 chars"),
    ("零公里二手车", "long phrase"),
    ("第十二条", "clause number"),
    ("关于支持", "title fragment"),
    ("中欧班列", "medium"),
    ("霍尔果斯", "rare"),
    ("保税维修", "rare"),
    ("企业", "very common"),
    ("川商发〔2023〕", "docno prefix, punctuation"),
    ("粤财发〔2023〕278号", "full docno"),
    ("反倾销调查", "absent (0 expected)"),
]
EN = [
    ("export", ["export"]),
    ("subsidies", ["subsidies"]),
    ('"overseas warehouse"', ["overseas warehouse"]),
    ("Khorgos", ["Khorgos"]),
    ("the", ["the"]),
    ("rebate", ["rebate"]),
]
FILTERS = [
    ('year:2023 "出口退税"', ["出口退税", "2023"]),
    ('region:四川 "补贴"', ["补贴", "四川"]),
    ('type:通知 "海外仓"', ["海外仓", "通知"]),
]


def query_set():
    out = []
    for term, note in ZH:
        out.append({"id": term, "kind": "zh", "note": note, "provisio": f'"{term}"', "terms": [term]})
    for q, terms in EN:
        out.append({"id": q, "kind": "en", "note": "", "provisio": q, "terms": terms})
    for q, terms in FILTERS:
        out.append({"id": q, "kind": "filter", "note": "", "provisio": q, "terms": terms})
    return out
