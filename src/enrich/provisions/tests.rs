//! Unit tests of the taxonomy parser and the tagger.

use super::*;

/// A one-provision taxonomy around `body` (the lines after `id`).
fn one(body: &str) -> Result<Taxonomy, TaxonomyError> {
    Taxonomy::from_toml_str(&format!(
        "[[provision]]\nid = \"p\"\nlabel_en = \"P\"\nlabel_zh = \"甲\"\n{body}\n"
    ))
}

fn err(src: &str) -> String {
    match Taxonomy::from_toml_str(src) {
        Ok(_) => panic!("accepted: {src}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn builtin_is_complete() {
    let tax = Taxonomy::builtin();
    assert!(tax.provisions().len() >= 12);
    for p in tax.provisions() {
        assert!(!p.label_en.is_empty() && !p.label_zh.is_empty(), "{}", p.id);
        assert!(!p.terms_zh.is_empty(), "{} has no terms_zh", p.id);
        assert!(!p.terms_en.is_empty(), "{} has no terms_en", p.id);
    }
    for id in [
        "export_rebate",
        "fiscal_subsidy",
        "export_licence",
        "free_warehousing",
        "overseas_warehouse",
        "logistics_port",
        "vehicle_registration",
        "cross_border_ecommerce",
        "export_credit",
        "land_rent_utilities",
        "customs_facilitation",
        "zero_mileage_used_cars",
    ] {
        assert!(tax.get(id).is_some(), "missing {id}");
    }
    assert!(tax.get("nope").is_none());
    assert_eq!(tax.hash(), Taxonomy::builtin().hash());
}

#[test]
fn builtin_tags_typical_clauses() {
    let tax = Taxonomy::builtin();
    let cases = [
        ("对纳税信用A级企业加快退税进度", "export_rebate"),
        (
            "出口车辆在集中监管仓存放的,前30天提供免费仓储",
            "free_warehousing",
        ),
        ("集散基地仓储费用按市场价的六折收取", "free_warehousing"),
        ("支持企业在重点市场建设公共海外仓", "overseas_warehouse"),
        ("出口许可证实行网上申领", "export_licence"),
        ("允许企业集中批量申请临时号牌", "vehicle_registration"),
        ("支持企业在阿里巴巴国际站开设店铺", "cross_border_ecommerce"),
        ("对投保出口信用保险的企业给予保费补助", "export_credit"),
        (
            "海关对二手车出口实行提前申报和抵港直装",
            "customs_facilitation",
        ),
        ("规范零公里二手车出口", "zero_mileage_used_cars"),
        (
            "Cities subsidise storage and pay 30 per cent of overseas warehouse rent.",
            "overseas_warehouse",
        ),
    ];
    for (text, id) in cases {
        assert!(tax.tag(text).contains(&id), "{text} → {:?}", tax.tag(text));
    }
}

#[test]
fn builtin_skips_known_false_friends() {
    let tax = Taxonomy::builtin();
    let cases = [
        (
            "以假报出口骗取国家出口退税款的,追缴其骗取的退税款",
            "export_rebate",
        ),
        (
            "税收的开征、停征以及减税、免税、退税、补税",
            "export_rebate",
        ),
        (
            "对举报属实的单位和个人,有关部门应当给予奖励",
            "fiscal_subsidy",
        ),
        ("建立健全奖励和惩罚机制", "fiscal_subsidy"),
        (
            "做好夏粮收购期间粮食仓储安全,免费开放检测",
            "free_warehousing",
        ),
        ("三、补贴标准新车购车价格(含税)", "zero_mileage_used_cars"),
        ("纳税人应当在办理注销登记前结清税款", "vehicle_registration"),
        ("Deduct an amount for export credit terms", "export_credit"),
        ("the subsidy rate for all other producers", "fiscal_subsidy"),
    ];
    for (text, id) in cases {
        assert!(!tax.tag(text).contains(&id), "{text} → {:?}", tax.tag(text));
    }
    // An excluded occurrence does not hide a real one elsewhere in the passage.
    let both = "严禁骗取出口退税。税务部门对出口企业加快出口退税办理";
    assert!(tax.tag(both).contains(&"export_rebate"));
}

#[test]
fn proximity_counts_characters_between_terms_in_any_order() {
    let tax = one(r#"near = [ { all = ["免费", "仓储"], within = 10 } ]"#).unwrap();
    let gap = |n: usize| "一".repeat(n);
    assert_eq!(tax.tag(&format!("免费{}仓储", gap(10))), vec!["p"]);
    assert!(tax.tag(&format!("免费{}仓储", gap(11))).is_empty());
    assert_eq!(tax.tag(&format!("仓储{}免费", gap(10))), vec!["p"]);
    assert!(tax.tag(&format!("仓储{}免费", gap(11))).is_empty());
    assert_eq!(tax.tag("免费仓储"), vec!["p"]);
    assert!(tax.tag("免费停车").is_empty());
    // Any occurrence pair may satisfy the rule.
    assert_eq!(
        tax.tag(&format!("免费{}免费{}仓储", gap(30), gap(3))),
        vec!["p"]
    );
    // Windows stay inside one sentence.
    assert!(tax.tag("费用全免费。仓储另计").is_empty());
    assert!(tax.tag("免费;仓储").is_empty());
}

#[test]
fn proximity_with_alternatives_and_three_entries() {
    let tax =
        one(r#"near = [ { all = [["注销", "登记"], "车辆", ["专窗", "即到即办"]], within = 5 } ]"#)
            .unwrap();
    assert_eq!(tax.tag("车辆注销即到即办"), vec!["p"]);
    assert_eq!(tax.tag("设立专窗办理车辆登记"), vec!["p"]);
    assert!(tax.tag("车辆注销").is_empty());
    assert!(tax.tag("车辆注销一二三四五六即到即办").is_empty());
}

#[test]
fn english_terms_match_stems_on_word_boundaries() {
    let tax = Taxonomy::builtin();
    assert!(tax
        .tag("Exporters must hold EXPORT LICENSES.")
        .contains(&"export_licence"));
    assert!(tax
        .tag("the export licence is issued")
        .contains(&"export_licence"));
    assert!(tax
        .tag("Free warehousing for 30 days")
        .contains(&"free_warehousing"));
    assert!(tax
        .tag("free warehouses at the port")
        .contains(&"free_warehousing"));
    assert!(tax
        .tag("zero mileage cars")
        .contains(&"zero_mileage_used_cars"));
    // Word boundaries: no match inside a longer word.
    let t = one(r#"terms_en = ["rebate"]"#).unwrap();
    assert!(t.tag("rebates paid").contains(&"p"));
    assert!(t.tag("prebate").is_empty());
    // Multi-word terms need consecutive words.
    let t = one(r#"terms_en = ["export licence"]"#).unwrap();
    assert!(t.tag("an export (licence)").contains(&"p"));
    assert!(t.tag("an export and a licence").is_empty());
}

#[test]
fn english_proximity_counts_words() {
    let tax = one(r#"near = [ { all = ["free", "storage"], within = 2 } ]"#).unwrap();
    assert_eq!(tax.tag("free or discounted storage"), vec!["p"]);
    assert_eq!(tax.tag("storage is free"), vec!["p"]);
    assert!(tax.tag("free of any charge, storage").is_empty());
    assert!(tax.tag("it is free; storage is extra").is_empty());
}

#[test]
fn exclude_phrases_and_contexts() {
    let tax = one(r#"terms_zh = ["奖励"]
exclude = ["奖励和惩罚", { near = ["举报"], within = 6 }]"#)
    .unwrap();
    assert_eq!(tax.tag("给予一次性奖励"), vec!["p"]);
    assert!(tax.tag("完善奖励和惩罚制度").is_empty());
    assert!(tax.tag("对举报人给予奖励").is_empty());
    assert_eq!(tax.tag("举报一二三四五六七八给予奖励"), vec!["p"]);
}

#[test]
fn tags_come_in_taxonomy_order() {
    let tax = Taxonomy::builtin();
    let tags = tax.tag("零公里二手车出口企业可享受出口退税和免费仓储");
    let order: Vec<usize> = tags
        .iter()
        .map(|id| tax.provisions().iter().position(|p| p.id == *id).unwrap())
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{tags:?}");
    assert!(tags.contains(&"export_rebate") && tags.contains(&"zero_mileage_used_cars"));
    assert!(tax.tag("").is_empty());
}

#[test]
fn expand_english_finds_provisions() {
    let tax = Taxonomy::builtin();
    let ex = tax.expand_english(&["export", "license"]);
    assert_eq!(ex.len(), 1, "{ex:?}");
    assert_eq!(ex[0].provision, "export_licence");
    assert_eq!((ex[0].start, ex[0].len), (0, 2));
    assert_eq!(ex[0].phrase, "export license");
    assert!(ex[0].zh_terms.iter().any(|t| t == "出口许可证"));

    let ex = tax.expand_english(&["Free", "Warehouses", "in", "Xinjiang"]);
    assert_eq!(ex.len(), 1, "{ex:?}");
    assert_eq!(ex[0].provision, "free_warehousing");
    assert_eq!(ex[0].phrase, "Free Warehouses");
    assert!(tax.expand_english(&["football", "results"]).is_empty());
    // query_en phrases expand but do not tag.
    let ex = tax.expand_english(&["subsidies"]);
    assert_eq!(ex[0].provision, "fiscal_subsidy");
    assert!(ex[0].zh_terms.iter().any(|t| t == "补贴"));
    assert!(!tax.tag("subsidies").contains(&"fiscal_subsidy"));
    assert!(tax.expand_english(&[]).is_empty());
}

#[test]
fn expand_english_prefers_the_longest_phrase() {
    let tax = Taxonomy::from_toml_str(
        r#"
[[provision]]
id = "credit"
label_en = "Credit"
label_zh = "信贷"
terms_zh = ["出口信贷"]
terms_en = ["export credit"]

[[provision]]
id = "insurance"
label_en = "Insurance"
label_zh = "保险"
terms_zh = ["出口信用保险"]
terms_en = ["export credit insurance", "insurance"]
"#,
    )
    .unwrap();
    let ex = tax.expand_english(&[
        "cheap",
        "export",
        "credit",
        "insurance",
        "and",
        "export",
        "credits",
    ]);
    let got: Vec<(&str, usize, usize)> = ex
        .iter()
        .map(|e| (e.provision.as_str(), e.start, e.len))
        .collect();
    assert_eq!(got, vec![("insurance", 1, 3), ("credit", 5, 2)]);
    assert_eq!(ex[1].phrase, "export credits");
    // A typed word is never split: "e-commerce" is one query word with two stems.
    let t = one(r#"terms_en = ["cross-border e-commerce"]"#).unwrap();
    let ex = t.expand_english(&["cross-border", "e-commerce", "platforms"]);
    assert_eq!((ex[0].start, ex[0].len), (0, 2));
}

#[test]
fn errors_name_the_problem() {
    let head =
        |id: &str| format!("[[provision]]\nid = \"{id}\"\nlabel_en = \"A\"\nlabel_zh = \"甲\"\n");
    let e = err(&format!(
        "{}terms_zh = [\"甲\"]\n{}terms_zh = [\"乙\"]\n",
        head("dup"),
        head("dup")
    ));
    assert!(
        e.contains("duplicate id") && e.contains("\"dup\" (#2)") && e.contains("#1"),
        "{e}"
    );
    let e = err(&format!(
        "{}terms_zh = [\"甲\"]\n",
        head("Free Warehousing")
    ));
    assert!(
        e.contains("bad id") && e.contains("Free Warehousing"),
        "{e}"
    );
    let e = err(&format!("{}terms_zh = [\"甲\"]\n", head("")));
    assert!(e.contains("bad id"), "{e}");
    let e = err(&head("empty"));
    assert!(e.contains("\"empty\"") && e.contains("no terms"), "{e}");
    let e = err(&format!("{}terms_zh = [\"甲\", \" \"]\n", head("blank")));
    assert!(e.contains("terms_zh has an empty term"), "{e}");
    let e = err(&format!("{}terms_en = [\"---\"]\n", head("punct")));
    assert!(e.contains("has no words"), "{e}");
    let e = err(&format!("{}terms_en = [\"出口\"]\n", head("zh_in_en")));
    assert!(e.contains("put it in terms_zh"), "{e}");
    let e = err(&format!(
        "{}near = [ {{ all = [\"免费\", \"仓储\"], within = 0 }} ]\n",
        head("w0")
    ));
    assert!(
        e.contains("near rule 1") && e.contains("within must be at least 1"),
        "{e}"
    );
    let e = err(&format!(
        "{}near = [ {{ all = [\"免费\"], within = 3 }} ]\n",
        head("n1")
    ));
    assert!(e.contains("needs 2 to"), "{e}");
    let e = err(&format!(
        "{}near = [ {{ all = [\"免费\", \"storage\"], within = 3 }} ]\n",
        head("mix")
    ));
    assert!(e.contains("mixes Chinese and English"), "{e}");
    let e = err(&format!(
        "{}terms_zh = [\"甲\"]\nexclude = [{{ near = [\"乙\"], within = 0 }}]\n",
        head("ex0")
    ));
    assert!(e.contains("exclude: within"), "{e}");
    let e = err(&format!("{}label_zh = \"乙\"\n", head("twice")));
    assert!(
        e.contains("invalid provision taxonomy") && e.contains("line"),
        "{e}"
    );
    let e = err("[[provision]]\nid = \"x\"\nlabel_en = \"A\"\nterms_zh = [\"甲\"]\n");
    assert!(e.contains("label_zh"), "{e}");
    let e = err(&format!("{}terms_cn = [\"甲\"]\n", head("typo")));
    assert!(e.contains("terms_cn"), "{e}");
    let e = err("[[provision]\nid = \"x\"\n");
    assert!(
        e.starts_with("<string>: invalid provision taxonomy") && e.contains("line 1"),
        "{e}"
    );
    let e = err(&format!(
        "{}near = [ {{ all = [\"甲\", 3], within = 2 }} ]\n",
        head("badentry")
    ));
    assert!(
        e.contains("a list of alternatives") && e.contains("line 5"),
        "{e}"
    );
    let e = err(&format!(
        "{}terms_zh = [\"甲\"]\nexclude = [{{ nearby = [\"乙\"], within = 2 }}]\n",
        head("badex")
    ));
    assert!(e.contains("nearby"), "{e}");
    let e = err("# nothing here\n");
    assert!(e.contains("no provisions"), "{e}");
    let e = err(&format!("{}terms_zh = \"甲\"\n", head("notalist")));
    assert!(e.contains("terms_zh") || e.contains("sequence"), "{e}");
}

#[test]
fn errors_name_the_file() {
    let dir = std::env::temp_dir().join(format!("provisions-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("mine.toml");
    std::fs::write(
        &path,
        "[[provision]]\nid = \"a b\"\nlabel_en = \"A\"\nlabel_zh = \"甲\"\nterms_zh = [\"甲\"]\n",
    )
    .unwrap();
    let e = Taxonomy::from_path(&path).unwrap_err().to_string();
    assert!(
        e.starts_with(&path.display().to_string()) && e.contains("bad id"),
        "{e}"
    );
    let e = Taxonomy::from_path(&dir.join("missing.toml"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("missing.toml") && e.contains("cannot read"),
        "{e}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The English prefilter skips stemming for words whose first two letters start no term
/// stem; that is only sound while the stemmer keeps a word's first two letters.
#[test]
fn stems_keep_prefix() {
    let words = "a an as is it its of on to us bus dies lies ties flies cries eyes used \
        uses owes aged eased being doing dying ties'  shipping hopped licences licensing \
        subsidies subsidised warehouses warehousing rebating exporters zero-mileage \
        e-commerce ro-ro sinosure eximbank's sellers' buyer's analyses crises ltar";
    let mut buf = String::new();
    for_each_word(words, &mut buf, |w, _| {
        let s = stem(w);
        let p = |x: &str| x.chars().take(2).collect::<String>();
        assert_eq!(p(&s), p(w), "{w} -> {s}");
    });
}

#[test]
fn hash_follows_the_source_text() {
    let a = one(r#"terms_zh = ["甲"]"#).unwrap();
    let b = one(r#"terms_zh = ["甲"]"#).unwrap();
    let c = one(r#"terms_zh = ["乙"]"#).unwrap();
    assert_eq!(a.hash(), b.hash());
    assert_ne!(a.hash(), c.hash());
    assert_eq!(a.hash().len(), 64);
    assert!(a.hash().bytes().all(|b| b.is_ascii_hexdigit()));
    assert_ne!(a.hash(), Taxonomy::builtin().hash());
}
