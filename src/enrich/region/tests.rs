//! Unit tests of the gazetteer and region matching.

use super::*;

/// Shorthand for a province region.
fn p(province: &'static str) -> Region {
    Region {
        province,
        city: None,
    }
}

/// Shorthand for a prefecture region.
fn c(province: &'static str, city: &'static str) -> Region {
    Region {
        province,
        city: Some(city),
    }
}

/// Paths of `regions_in_text`, with counts.
fn text_paths(text: &str) -> Vec<(String, usize)> {
    regions_in_text(text)
        .into_iter()
        .map(|(r, n)| (r.path(), n))
        .collect()
}

/// Paths of `regions_of_issuer`.
fn issuer_paths(issuer: &str) -> Vec<String> {
    regions_of_issuer(issuer).iter().map(Region::path).collect()
}

/// Paths of `resolve_region_query`.
fn query_paths(value: &str) -> Vec<String> {
    resolve_region_query(value)
        .iter()
        .map(Region::path)
        .collect()
}

#[test]
fn gazetteer_parses_without_errors() {
    let (entries, errors) = parse_gazetteer(GAZETTEER_TSV);
    assert_eq!(errors, Vec::<String>::new());
    assert_eq!(entries.len(), 34 + 333);
}

/// Reference: PRC division list as of 2024 (unchanged at prefecture level since 莱芜市
/// merged into 济南市 in January 2019): 34 provincial-level divisions (23 provinces incl.
/// 台湾省, 5 autonomous regions, 4 municipalities, 2 SARs) and 333 prefecture-level
/// divisions (293 prefecture-level cities, 7 地区, 30 自治州, 3 盟).
#[test]
fn gazetteer_has_34_provinces_and_333_prefectures() {
    let g = gazetteer();
    let provinces: Vec<_> = g
        .entries
        .iter()
        .filter(|e| e.level == Level::Province)
        .collect();
    assert_eq!(provinces.len(), 34);
    let count = |suffix: &str| {
        provinces
            .iter()
            .filter(|e| e.name.ends_with(suffix))
            .count()
    };
    assert_eq!(count("省"), 23);
    assert_eq!(count("自治区"), 5);
    assert_eq!(count("市"), 4);
    assert_eq!(count("特别行政区"), 2);

    let cities: Vec<_> = g
        .entries
        .iter()
        .filter(|e| e.level == Level::City)
        .collect();
    assert_eq!(cities.len(), 333);
    let count = |suffix: &str| cities.iter().filter(|e| e.name.ends_with(suffix)).count();
    assert_eq!(count("市"), 293);
    assert_eq!(count("地区"), 7);
    assert_eq!(count("自治州"), 30);
    assert_eq!(count("盟"), 3);
}

#[test]
fn prefecture_counts_per_province() {
    let expected: &[(&str, usize)] = &[
        ("北京市", 0),
        ("天津市", 0),
        ("河北省", 11),
        ("山西省", 11),
        ("内蒙古自治区", 12),
        ("辽宁省", 14),
        ("吉林省", 9),
        ("黑龙江省", 13),
        ("上海市", 0),
        ("江苏省", 13),
        ("浙江省", 11),
        ("安徽省", 16),
        ("福建省", 9),
        ("江西省", 11),
        ("山东省", 16),
        ("河南省", 17),
        ("湖北省", 13),
        ("湖南省", 14),
        ("广东省", 21),
        ("广西壮族自治区", 14),
        ("海南省", 4),
        ("重庆市", 0),
        ("四川省", 21),
        ("贵州省", 9),
        ("云南省", 16),
        ("西藏自治区", 7),
        ("陕西省", 10),
        ("甘肃省", 14),
        ("青海省", 8),
        ("宁夏回族自治区", 5),
        ("新疆维吾尔自治区", 14),
        ("台湾省", 0),
        ("香港特别行政区", 0),
        ("澳门特别行政区", 0),
    ];
    let listed: Vec<&str> = provinces().collect();
    let names: Vec<&str> = expected.iter().map(|(name, _)| *name).collect();
    assert_eq!(listed, names);
    for (province, n) in expected {
        let actual = gazetteer()
            .entries
            .iter()
            .filter(|e| e.level == Level::City && e.province == *province)
            .count();
        assert_eq!(actual, *n, "{province}");
    }
}

#[test]
fn every_city_has_an_existing_province() {
    let provinces: HashSet<&str> = provinces().collect();
    for entry in &gazetteer().entries {
        assert!(provinces.contains(entry.province), "{}", entry.name);
        if entry.level == Level::Province {
            assert_eq!(entry.province, entry.name);
        }
    }
}

#[test]
fn no_duplicate_full_names() {
    let mut seen = HashSet::new();
    for entry in &gazetteer().entries {
        assert!(
            seen.insert((entry.province, entry.name, entry.level == Level::City)),
            "duplicate {} in {}",
            entry.name,
            entry.province
        );
    }
    // Prefecture names are in fact unique nationwide.
    let mut names = HashSet::new();
    for entry in gazetteer()
        .entries
        .iter()
        .filter(|e| e.level == Level::City)
    {
        assert!(names.insert(entry.name), "{}", entry.name);
    }
}

#[test]
fn every_row_has_short_and_english_names() {
    for entry in &gazetteer().entries {
        assert!(!entry.short.is_empty(), "{}", entry.name);
        assert!(!entry.en.is_empty(), "{}", entry.name);
        if entry.level == Level::City {
            assert!(
                entry.short.iter().all(|s| s.chars().count() >= 2),
                "{}",
                entry.name
            );
        }
    }
}

#[test]
fn hand_made_lists_are_consistent() {
    let g = gazetteer();
    for (text, province, city) in ALIASES_ZH {
        assert!(g.find(province, *city).is_some(), "alias {text}");
    }
    let names: HashSet<&str> = g
        .entries
        .iter()
        .flat_map(|e| std::iter::once(&e.name).chain(&e.short))
        .copied()
        .collect();
    for blocker in BLOCKERS_ZH {
        assert!(!names.contains(blocker), "blocker {blocker} is a name");
    }
    for weak in WEAK_ZH {
        assert!(names.contains(weak), "weak {weak} is not a name");
    }
    let mut seen = HashSet::new();
    for blocker in BLOCKERS_ZH {
        assert!(seen.insert(blocker), "duplicate blocker {blocker}");
    }
}

#[test]
fn region_paths() {
    assert_eq!(p("四川省").path(), "/四川省");
    assert_eq!(c("四川省", "成都市").path(), "/四川省/成都市");
}

#[test]
fn issuer_examples() {
    assert_eq!(issuer_paths("成都市商务局"), ["/四川省/成都市"]);
    assert_eq!(issuer_paths("四川省人民政府办公厅"), ["/四川省"]);
    assert_eq!(issuer_paths("苏州市人民政府"), ["/江苏省/苏州市"]);
    assert_eq!(issuer_paths("宁波市商务局"), ["/浙江省/宁波市"]);
    assert_eq!(issuer_paths("四川省成都市商务局"), ["/四川省/成都市"]);
    assert_eq!(issuer_paths("中共四川省委办公厅"), ["/四川省"]);
    assert_eq!(issuer_paths("国家税务总局四川省税务局"), ["/四川省"]);
    assert_eq!(issuer_paths("苏州工业园区管理委员会"), ["/江苏省/苏州市"]);
    assert_eq!(issuer_paths("凉山州人民政府"), ["/四川省/凉山彝族自治州"]);
    assert_eq!(issuer_paths("内蒙古自治区人民政府"), ["/内蒙古自治区"]);
    assert_eq!(
        issuer_paths("大兴安岭地区行政公署"),
        ["/黑龙江省/大兴安岭地区"]
    );
    assert_eq!(issuer_paths("海南州人民政府"), ["/青海省/海南藏族自治州"]);
    assert_eq!(issuer_paths("海南省人民政府"), ["/海南省"]);
    assert_eq!(issuer_paths("吉林市人民政府"), ["/吉林省/吉林市"]);
    assert_eq!(issuer_paths("吉林省商务厅"), ["/吉林省"]);
    // A provincial office located in another province belongs to its own province.
    assert_eq!(issuer_paths("四川省人民政府驻深圳办事处"), ["/四川省"]);
    // Weak short names count when they open the issuer name.
    assert_eq!(
        issuer_paths("中山火炬高技术产业开发区管理委员会"),
        ["/广东省/中山市"]
    );
    assert_eq!(issuer_paths("中山市人民政府"), ["/广东省/中山市"]);
    assert_eq!(
        issuer_paths("Sichuan Provincial Department of Commerce"),
        ["/四川省"]
    );
}

#[test]
fn joint_issuers() {
    assert_eq!(issuer_paths("广东省商务厅、广东省财政厅"), ["/广东省"]);
    assert_eq!(
        issuer_paths("四川省人民政府、重庆市人民政府"),
        ["/四川省", "/重庆市"]
    );
    assert_eq!(
        issuer_paths("成都市商务局，成都市财政局；德阳市商务局"),
        ["/四川省/成都市", "/四川省/德阳市"]
    );
    assert_eq!(
        issuer_paths("深圳市人民政府 香港特别行政区政府"),
        ["/广东省/深圳市", "/香港特别行政区"]
    );
    assert_eq!(issuer_paths("商务部、四川省商务厅"), ["/四川省"]);
}

#[test]
fn national_and_placeless_issuers() {
    for issuer in [
        "国务院办公厅",
        "国务院",
        "中共中央办公厅、国务院办公厅",
        "国家发展改革委",
        "工业和信息化部",
        "海关总署",
        "交通运输部",
        "自然资源部",
        "国家市场监督管理总局",
        "省商务厅",
        "市人民政府",
        "川商务厅",
        "中山大学",
        "朝阳区人民政府",
        "",
    ] {
        assert_eq!(issuer_paths(issuer), Vec::<String>::new(), "{issuer}");
    }
}

#[test]
fn text_counts_and_order() {
    let text = "四川省成都市和绵阳市加快发展。成都将建设国际消费中心城市，四川全省推进。广东深圳也有类似举措。";
    assert_eq!(
        text_paths(text),
        vec![
            ("/四川省".to_string(), 5),
            ("/四川省/成都市".to_string(), 2),
            ("/广东省".to_string(), 2),
            ("/四川省/绵阳市".to_string(), 1),
            ("/广东省/深圳市".to_string(), 1),
        ]
    );
}

#[test]
fn text_full_and_short_names() {
    assert_eq!(
        text_paths("凉山彝族自治州与凉山州、甘孜"),
        vec![
            ("/四川省".to_string(), 3),
            ("/四川省/凉山彝族自治州".to_string(), 2),
            ("/四川省/甘孜藏族自治州".to_string(), 1),
        ]
    );
    assert_eq!(
        text_paths("内蒙古自治区和内蒙古"),
        vec![("/内蒙古自治区".to_string(), 2)]
    );
    assert_eq!(
        text_paths("新疆维吾尔自治区"),
        vec![("/新疆维吾尔自治区".to_string(), 1)]
    );
    assert_eq!(text_paths("台湾同胞"), vec![("/台湾省".to_string(), 1)]);
    assert_eq!(
        text_paths("太原"),
        vec![
            ("/山西省".to_string(), 1),
            ("/山西省/太原市".to_string(), 1)
        ]
    );
    assert_eq!(
        text_paths("黄山"),
        vec![
            ("/安徽省".to_string(), 1),
            ("/安徽省/黄山市".to_string(), 1)
        ]
    );
    assert_eq!(
        text_paths("通化"),
        vec![
            ("/吉林省".to_string(), 1),
            ("/吉林省/通化市".to_string(), 1)
        ]
    );
    assert_eq!(
        text_paths("丽江古城"),
        vec![
            ("/云南省".to_string(), 1),
            ("/云南省/丽江市".to_string(), 1)
        ]
    );
    assert_eq!(
        text_paths("抚州"),
        vec![
            ("/江西省".to_string(), 1),
            ("/江西省/抚州市".to_string(), 1)
        ]
    );
}

#[test]
fn province_and_prefecture_sharing_a_name() {
    assert_eq!(text_paths("吉林"), vec![("/吉林省".to_string(), 1)]);
    assert_eq!(
        text_paths("吉林市"),
        vec![
            ("/吉林省".to_string(), 1),
            ("/吉林省/吉林市".to_string(), 1)
        ]
    );
    assert_eq!(text_paths("吉林市场主体"), vec![("/吉林省".to_string(), 1)]);
    assert_eq!(text_paths("海南自贸港"), vec![("/海南省".to_string(), 1)]);
    assert_eq!(
        text_paths("海南州"),
        vec![
            ("/青海省".to_string(), 1),
            ("/青海省/海南藏族自治州".to_string(), 1)
        ]
    );
}

#[test]
fn false_positives_are_guarded() {
    for text in [
        // One-character abbreviations are not matched in running text.
        "川渝合作",
        "粤港澳大湾区",
        "京津冀协同发展",
        "沪苏浙皖",
        // Streets named after places.
        "上海南路",
        "中山路",
        "中山东路",
        "北京路",
        "南京大街",
        "四川北路",
        // Idioms, common words, institutions.
        "长春藤",
        "三明治",
        "大理石",
        "孙中山",
        "中山大学",
        "中山装",
        "长治久安",
        "四平八稳",
        "玉树临风",
        "邯郸学步",
        "北京时间",
        "阿里巴巴",
        "阿里云",
        "各位来宾",
        "朝阳产业",
        "长白山",
        "白山黑水",
        "小兴安岭",
        "北海道",
        "德州扑克",
        "哈密瓜",
        // Banks and slopes.
        "黄河南岸",
        "泰山东麓",
        "渤海南部",
        "洞庭湖南",
        "沿海口岸",
        // Glued bigrams across word boundaries.
        "推广安全生产",
        "确保定期检查",
        "重大理论问题",
        "形成都市圈",
        "隆重庆祝",
        "每天津贴",
        "一路平安顺利",
        "东西部协作",
        "西南充分发挥",
        "指南平台",
        "华东营销中心",
        "盛大庆典",
        "境内江河",
        "创新乡村治理",
        "幸福安康",
        "扩大连锁经营",
        "国内蒙古族",
        // Weak names without their province.
        "世界大同",
        "日照时数",
        "白银价格",
        "朝阳",
        "来宾",
        "中山",
        "集中山区",
        // Districts named like a prefecture elsewhere.
        "朝阳区",
        "海南区",
        "大同区",
        // Villages, customs offices.
        "左权县河南村煤矿",
        "2个以上海关都有管辖权",
        "线上海量数据",
        "黄石公园",
    ] {
        assert_eq!(text_paths(text), Vec::<(String, usize)>::new(), "{text}");
    }
}

#[test]
fn overlapping_names_resolve_sensibly() {
    assert_eq!(text_paths("美丽江苏"), vec![("/江苏省".to_string(), 1)]);
    assert_eq!(text_paths("稳定西藏"), vec![("/西藏自治区".to_string(), 1)]);
    assert_eq!(
        text_paths("维护安定西藏"),
        vec![("/西藏自治区".to_string(), 1)]
    );
    assert_eq!(text_paths("其中山东省"), vec![("/山东省".to_string(), 1)]);
    assert_eq!(text_paths("其中山西"), vec![("/山西省".to_string(), 1)]);
    assert_eq!(text_paths("浙江西部"), vec![("/浙江省".to_string(), 1)]);
    assert_eq!(text_paths("山东营商环境"), vec![("/山东省".to_string(), 1)]);
    assert_eq!(text_paths("江西宁都"), vec![("/江西省".to_string(), 1)]);
    assert_eq!(
        text_paths("浙江宁波"),
        vec![
            ("/浙江省".to_string(), 2),
            ("/浙江省/宁波市".to_string(), 1)
        ]
    );
    assert_eq!(
        text_paths("珠海南站"),
        vec![
            ("/广东省".to_string(), 1),
            ("/广东省/珠海市".to_string(), 1)
        ]
    );
    assert_eq!(
        text_paths("推广东莞经验"),
        vec![
            ("/广东省".to_string(), 1),
            ("/广东省/东莞市".to_string(), 1)
        ]
    );
    assert_eq!(text_paths("四川路桥"), vec![("/四川省".to_string(), 1)]);
    assert_eq!(text_paths("山东村镇银行"), vec![("/山东省".to_string(), 1)]);
    assert_eq!(text_paths("海南区域协调"), vec![("/海南省".to_string(), 1)]);
}

#[test]
fn weak_names_count_with_their_province() {
    assert_eq!(
        text_paths("山西大同"),
        vec![
            ("/山西省".to_string(), 2),
            ("/山西省/大同市".to_string(), 1)
        ]
    );
    assert_eq!(
        text_paths("广东中山、佛山"),
        vec![
            ("/广东省".to_string(), 3),
            ("/广东省/中山市".to_string(), 1),
            ("/广东省/佛山市".to_string(), 1),
        ]
    );
    assert_eq!(
        text_paths("中山市"),
        vec![
            ("/广东省".to_string(), 1),
            ("/广东省/中山市".to_string(), 1)
        ]
    );
    assert_eq!(
        text_paths("朝阳市"),
        vec![
            ("/辽宁省".to_string(), 1),
            ("/辽宁省/朝阳市".to_string(), 1)
        ]
    );
    assert_eq!(
        text_paths("西藏阿里"),
        vec![
            ("/西藏自治区".to_string(), 2),
            ("/西藏自治区/阿里地区".to_string(), 1)
        ]
    );
}

#[test]
fn english_names() {
    assert_eq!(
        text_paths("Sichuan's capital Chengdu; CHENGDU and chengdu."),
        vec![
            ("/四川省".to_string(), 4),
            ("/四川省/成都市".to_string(), 3)
        ]
    );
    assert_eq!(
        text_paths("Guangdong, Shenzhen and Zhejiang's Ningbo"),
        vec![
            ("/广东省".to_string(), 2),
            ("/浙江省".to_string(), 2),
            ("/广东省/深圳市".to_string(), 1),
            ("/浙江省/宁波市".to_string(), 1),
        ]
    );
    assert_eq!(text_paths("Jilin"), vec![("/吉林省".to_string(), 1)]);
    assert_eq!(
        text_paths("Jilin City"),
        vec![
            ("/吉林省".to_string(), 1),
            ("/吉林省/吉林市".to_string(), 1)
        ]
    );
    assert_eq!(
        text_paths("Xi'an and Nanjing"),
        vec![
            ("/江苏省".to_string(), 1),
            ("/江苏省/南京市".to_string(), 1),
            ("/陕西省".to_string(), 1),
            ("/陕西省/西安市".to_string(), 1),
        ]
    );
    assert_eq!(
        text_paths("Hong Kong and Macao"),
        vec![
            ("/澳门特别行政区".to_string(), 1),
            ("/香港特别行政区".to_string(), 1),
        ]
    );
    assert_eq!(
        text_paths("Inner Mongolia"),
        vec![("/内蒙古自治区".to_string(), 1)]
    );
    assert_eq!(text_paths("Tibet"), vec![("/西藏自治区".to_string(), 1)]);
    assert_eq!(text_paths("在Sichuan省"), vec![("/四川省".to_string(), 1)]);
    // Ambiguous, partial-word, street and institution uses count nothing.
    for text in [
        "Taizhou",
        "Fuzhou",
        "Suzhou",
        "Yichun",
        "Yulin",
        "Tibetan",
        "Mongolia",
        "Sichuanese",
        "Nanjing Road",
        "Jinan University",
        "Dali",
        "Zhongshan Road",
        "ABA",
        "Jian",
        "Chengdu2023",
        "ILI cases",
        "the canton of Zurich",
        "Baoshan Group",
    ] {
        assert_eq!(text_paths(text), Vec::<(String, usize)>::new(), "{text}");
    }
}

#[test]
fn mixed_chinese_and_english_counts_add_up() {
    assert_eq!(
        text_paths("成都 Chengdu 成都市"),
        vec![
            ("/四川省".to_string(), 3),
            ("/四川省/成都市".to_string(), 3)
        ]
    );
}

#[test]
fn query_resolution() {
    for value in [
        "四川",
        "四川省",
        "川",
        "蜀",
        "Sichuan",
        "sichuan",
        " SICHUAN ",
        "/四川省",
        "Sichuan Province",
    ] {
        assert_eq!(query_paths(value), ["/四川省"], "{value}");
    }
    for value in [
        "成都",
        "成都市",
        "Chengdu",
        "chengdu",
        "/四川省/成都市",
        "Chengdu City",
    ] {
        assert_eq!(query_paths(value), ["/四川省/成都市"], "{value}");
    }
    assert_eq!(query_paths("粤"), ["/广东省"]);
    assert_eq!(query_paths("京"), ["/北京市"]);
    assert_eq!(query_paths("内蒙古"), ["/内蒙古自治区"]);
    assert_eq!(query_paths("Nei Mongol"), ["/内蒙古自治区"]);
    assert_eq!(query_paths("hongkong"), ["/香港特别行政区"]);
    assert_eq!(query_paths("Macau"), ["/澳门特别行政区"]);
    assert_eq!(query_paths("Xizang"), ["/西藏自治区"]);
    assert_eq!(query_paths("xian"), ["/陕西省/西安市"]);
    assert_eq!(query_paths("Xi’an"), ["/陕西省/西安市"]);
    assert_eq!(query_paths("Canton"), ["/广东省/广州市"]);
    assert_eq!(query_paths("凉山"), ["/四川省/凉山彝族自治州"]);
    assert_eq!(query_paths("凉山彝族自治州"), ["/四川省/凉山彝族自治州"]);
    assert_eq!(query_paths("吉林"), ["/吉林省"]);
    assert_eq!(query_paths("吉林市"), ["/吉林省/吉林市"]);
    assert_eq!(query_paths("海南"), ["/海南省"]);
    assert_eq!(query_paths("海南州"), ["/青海省/海南藏族自治州"]);
    assert_eq!(query_paths("台湾"), ["/台湾省"]);
    assert_eq!(query_paths("Suzhou"), ["/江苏省/苏州市", "/安徽省/宿州市"]);
    assert_eq!(query_paths("Aba"), ["/四川省/阿坝藏族羌族自治州"]);
    for value in [
        "",
        "  ",
        "火星",
        "Atlantis",
        "/四川省/深圳市",
        "/不存在省",
        "/四川省/成都市/武侯区",
        "省",
    ] {
        assert_eq!(query_paths(value), Vec::<String>::new(), "{value}");
    }
}

#[test]
fn provinces_list() {
    let all: Vec<&str> = provinces().collect();
    assert_eq!(all.len(), 34);
    assert_eq!(all.first(), Some(&"北京市"));
    assert!(all.contains(&"台湾省"));
    assert!(all.contains(&"香港特别行政区"));
}

#[test]
fn every_short_and_english_name_finds_itself() {
    let g = gazetteer();
    for entry in &g.entries {
        let region = entry.region();
        let expected = |name: &str| {
            // A name shared with a province means the province (吉林, Jilin).
            let province = g.entries.iter().find(|e| {
                e.level == Level::Province && (e.short.contains(&name) || e.en.contains(&name))
            });
            province.map_or(region.clone(), Entry::region)
        };
        for &short in entry.short.iter().filter(|s| s.chars().count() >= 2) {
            let found: Vec<Region> = regions_in_text(short).into_iter().map(|(r, _)| r).collect();
            if WEAK_ZH.contains(&short) {
                assert_eq!(found, Vec::<Region>::new(), "{short}");
            } else {
                assert!(found.contains(&expected(short)), "{short}: {found:?}");
            }
        }
        for &en in &entry.en {
            let key = en_words(en).join(" ");
            let ambiguous = resolve_region_query(en).len() > 1;
            let found: Vec<Region> = regions_in_text(en).into_iter().map(|(r, _)| r).collect();
            if ambiguous
                || WEAK_EN.contains(&key.as_str())
                || EN_TEXT_EXCLUDED.contains(&key.as_str())
            {
                assert_eq!(found, Vec::<Region>::new(), "{en}");
            } else {
                assert!(found.contains(&expected(en)), "{en}: {found:?}");
            }
        }
    }
}

#[test]
fn every_name_finds_itself() {
    // Every full name resolves to its own row, in text and as a query.
    for entry in &gazetteer().entries {
        let region = entry.region();
        let found = regions_in_text(entry.name);
        assert!(found.iter().any(|(r, _)| *r == region), "{}", entry.name);
        assert_eq!(resolve_region_query(entry.name), vec![region.clone()]);
        assert_eq!(resolve_region_query(&region.path()), vec![region]);
    }
}
