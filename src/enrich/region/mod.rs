//! Chinese administrative regions: provinces and prefecture-level divisions.
//!
//! The gazetteer (`gazetteer.tsv`, compiled in) lists all 34 provincial-level divisions
//! and all 333 prefecture-level divisions with their short and English names. On top of
//! it this module offers three resolvers:
//!
//! * [`regions_of_issuer`]: the region(s) of an issuing authority's name;
//! * [`regions_in_text`]: the regions a text is about, with mention counts;
//! * [`resolve_region_query`]: the regions named by a `region:` filter value.
//!
//! Chinese text is scanned left to right; at each position the longest known string wins
//! and its characters are consumed. The strings are full names (四川省, 凉山彝族自治州),
//! short names of two or more characters (四川, 成都, 凉山) and a few hand-made entries.
//! One-character provincial abbreviations (川, 粤, 沪 …) are never matched in text; they
//! are only accepted as query values. English names are matched as whole words,
//! case-insensitively. The classic false positives are handled by:
//!
//! * **blockers**: words that contain a name without being about the place (长春藤,
//!   三明治, 中山大学) or that would otherwise glue onto a following name (推广|安全,
//!   形成|都市, 稳定|西藏, 黄河|南岸); they are consumed and never counted;
//! * **aliases**: longer strings resolved to a specific region (吉林市场 → 吉林省);
//! * **context guards**: a short name followed by a street suffix (中山路, 北京东路,
//!   上海南路) or by a bank/slope word after a direction (河南岸, 山东麓) is ignored;
//! * **overlap rule**: a short name yields to a full name that starts inside it and runs
//!   past it (其中山东省 → 山东省), and a weak name yields to a non-weak one;
//! * **weak names**: short names that are also common words or other places' names
//!   (大同, 朝阳, 中山, 来宾, 阿里 …) only count when their province is also mentioned by a
//!   non-weak name (in an issuer name, also when they open the name);
//! * **ambiguous names**: a name shared by two prefectures (English Taizhou, Fuzhou,
//!   Suzhou, Yichun, Yulin) is consumed but not counted; a name shared by a province and
//!   a prefecture (吉林, Jilin) means the province.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;
use std::sync::OnceLock;

/// The gazetteer data: one row per provincial-level or prefecture-level division.
const GAZETTEER_TSV: &str = include_str!("gazetteer.tsv");

/// Short names that are also common words or the names of other places. They count in
/// running text only when their province is mentioned by a non-weak name too.
const WEAK_ZH: &[&str] = &[
    "大同", // 世界大同, 大同小异; 大同区 (大庆)
    "日照", // sunshine (日照时数)
    "安康", // well-being (幸福安康)
    "白银", // silver
    "中卫", // centre-back (football)
    "山南", // south of a mountain
    "中山", // 孙中山, 中山路, 中山大学; 中山区 (大连)
    "朝阳", // 朝阳区 (北京, 长春), 朝阳产业
    "来宾", // guests
    "阿里", // 阿里巴巴
    "兴安", // 兴安县 (桂林), 大/小兴安岭
    "海西", // 海峡西岸经济区 (福建)
    "白山", // 长白山, 白山黑水
    "巴州", // 巴州区 (巴中)
    "克州", // rare outside 新疆 texts
];

/// Strings resolved to a region other than what their parts would suggest:
/// (string, province full name, prefecture full name).
const ALIASES_ZH: &[(&str, &str, Option<&str>)] = &[
    ("吉林市场", "吉林省", None),           // 吉林 market, not 吉林市 + 场
    ("定西藏", "西藏自治区", None),         // 稳定西藏, 安定西藏 …
    ("海南区域", "海南省", None),           // beats the 海南区 (乌海) blocker
    ("西安区域", "陕西省", Some("西安市")), // beats the 西安区 (辽源, 牡丹江) blocker
];

/// Words that contain, or would otherwise glue onto, a place name without being about
/// the place. The scanner consumes them and counts nothing.
#[rustfmt::skip]
const BLOCKERS_ZH: &[&str] = &[
    // Idioms, common words and products containing a short name.
    "长春藤", "长春花", "长治久安", "三明治", "四平八稳", "邯郸学步", "孝感动天", "玉树临风",
    "洛阳纸贵", "大理石", "大理念", "大同小异", "世界大同", "白山黑水", "北京时间", "香港脚",
    "哈密瓜", "淮南子", "海东青", "朝阳产业", "朝阳行业", "幸福", "祝福", "造福", "开封后",
    "开封前", "未开封", "已开封", "开封即", "日照时", "日照充足", "天津贴", "新乡村", "新乡贤",
    "广元宇", "营口径", "河源头", "周年大庆", "黄石公园", "线上", "网上",
    // Companies, institutions, people and foreign places.
    "阿里巴巴", "阿里云", "阿里集团", "阿里健康", "阿里研究院", "阿里系", "阿里妈妈", "各位来宾",
    "来宾们", "中外来宾", "来宾席", "美国德州", "德州扑克", "德州仪器", "北海道", "北海公园",
    "北海舰队", "北海关", "北海岸", "北海域", "国泰安", "巴中关系", "巴中两国", "喀什米尔",
    "以上海关", "孙中山", "中山大学", "中山装", "中山公园", "中山陵", "中山医院", "中山先生",
    "中山舰", "中山纪念", "广安门", "朝阳门", "小兴安岭", "兴安县", "海西经济区", "内蒙古族",
    // Districts named like a prefecture elsewhere.
    "朝阳区", "中山区", "海南区", "西安区", "大同区", "巴州区",
    // Rivers, lakes, seas and mountains: 黄河|南岸, 泰山|东麓, 沿海|口岸.
    "黄河", "淮河", "长江", "珠江", "辽河", "海河", "渭河", "汉江", "湘江", "松花江", "洞庭湖",
    "太湖", "西湖", "鄱阳湖", "巢湖", "洪湖", "东海", "南海", "黄海", "渤海", "沿海", "近海",
    "出海", "入海", "大海", "航海", "下海", "泰山", "华山", "嵩山", "衡山", "庐山", "太行山",
    "天山", "昆仑山", "燕山", "阴山", "祁连山", "大别山", "武夷山", "井冈山", "长白山",
    // Directions and regions: 东西|部, 西南|充分, 华东|营销.
    "东西", "东南", "西南", "东北", "西北", "南北", "华东", "华南", "华北", "华中", "江南", "江北",
    // Common words ending in the first character of a name: 推广|安全, 确保|定期, 重大|理论,
    // 其中|山东, 形成|都市, 稳定|西藏, 境内|江河.
    "推广", "平安", "公安", "治安", "保安", "平台", "指南", "美丽", "隆重", "盛大", "确保", "担保",
    "环保", "医保", "社保", "参保", "投保", "重大", "伟大", "强大", "扩大", "巨大", "远大", "庞大",
    "广大", "壮大", "宏大", "光大", "博大", "其中", "集中", "之中", "当中", "高中", "初中", "空中",
    "完成", "形成", "建成", "构成", "组成", "达成", "造成", "变成", "促成", "生成", "养成", "赞成",
    "落成", "集成", "合成", "制成", "改成", "分成", "换成", "办成", "已成", "做成", "稳定", "确定",
    "决定", "规定", "制定", "认定", "鉴定", "约定", "指定", "选定", "锁定", "奠定", "坚定", "审定",
    "核定", "评定", "界定", "判定", "设定", "固定", "特定", "一定", "法定", "既定", "商定", "肯定",
    "境内", "国内", "区内", "省内", "市内", "县内", "域内", "体内", "室内", "年内", "以内", "之内",
    "党内",
    // Bigrams across word boundaries: 指南|通道, 东|营销, 南|充分.
    "南通道", "南充分", "南充足", "南充满", "南充实", "南平衡", "南阳台", "西安全", "西安排",
    "西安置", "东营业", "东营销", "东营收", "东营运", "东营造",
];

/// English names (normalised: lower case, apostrophes removed) too ambiguous for running
/// text: "Aba" (ABA, the bar association …) and "Ji'an" (= "Jian", a common given name,
/// and also 集安). They still resolve as query values.
const EN_TEXT_EXCLUDED: &[&str] = &["aba", "jian"];

/// English names (normalised) that are also common given names, words, companies or
/// other places' names; they count only when their province is mentioned too. Baoshan is
/// usually Baosteel or Shanghai's 宝山区, Canton a Swiss canton, ILI an abbreviation,
/// Yili the dairy group 伊利, Kashi also Varanasi.
#[rustfmt::skip]
const WEAK_EN: &[&str] = &[
    "zhongshan", "chaoyang", "dali", "baoshan", "nanyang", "shannan", "xingan", "xinyu", "jinhua",
    "yiyang", "yuxi", "xinyang", "canton", "ili", "yili", "kashi", "luan",
];

/// English phrases containing a name but not about the place.
const BLOCKERS_EN: &[&str] = &[
    "Jinan University",      // 暨南大学, Guangzhou
    "Nanyang Technological", // Singapore
    "Nanyang Polytechnic",   // Singapore
];

/// English words that, following a name, make it a street name ("Nanjing Road").
const STREETS_EN: &[&str] = &[
    "road",
    "rd",
    "street",
    "st",
    "avenue",
    "ave",
    "lu",
    "boulevard",
    "blvd",
];

/// A place in the gazetteer: province plus optional prefecture-level city.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Region {
    /// Full name of the provincial-level division, e.g. `四川省`.
    pub province: &'static str,
    /// Full name of the prefecture-level division, e.g. `成都市`, if the region is one.
    pub city: Option<&'static str>,
}

impl Region {
    /// Facet path: "/四川省" or "/四川省/成都市".
    pub fn path(&self) -> String {
        match self.city {
            Some(city) => format!("/{}/{}", self.province, city),
            None => format!("/{}", self.province),
        }
    }

    /// The provincial-level region containing this one (itself for a province).
    fn province_region(&self) -> Region {
        Region {
            province: self.province,
            city: None,
        }
    }
}

/// The region(s) of an issuing authority name such as "成都市商务局", "四川省人民政府办公厅",
/// "苏州市人民政府", "宁波市商务局", "国务院办公厅" (→ none: national), "广东省商务厅、广东省财政厅"
/// (joint: each).
///
/// The most specific region wins: "成都市商务局" and "四川省成都市商务局" → /四川省/成都市.
/// Short names of two or more characters count ("苏州工业园区管理委员会" → 苏州市, "凉山州人民政府"
/// → 凉山彝族自治州); one-character abbreviations do not ("川商务厅", "省商务厅" → none).
///
/// Joint issuers are split on `、，,；;/|` and whitespace. Each part contributes the first
/// region it names, refined to a later-named prefecture of the same province; a later
/// place in another province is ignored ("四川省人民政府驻深圳办事处" → 四川省). Duplicates are
/// removed, the order of first appearance is kept.
pub fn regions_of_issuer(issuer: &str) -> Vec<Region> {
    let g = gazetteer();
    let mut out: Vec<Region> = Vec::new();
    for part in issuer.split(is_issuer_separator).filter(|p| !p.is_empty()) {
        let hits = g.scan(part);
        let confirmed = confirmed_provinces(&hits);
        let mut usable = hits.iter().filter(|h| {
            !h.weak
                || h.start == 0
                || part[..h.start].ends_with("中共")
                || confirmed.contains(h.region.province)
        });
        let Some(first) = usable.next() else {
            continue;
        };
        let province = first.region.province;
        let chosen = match first.region.city {
            Some(_) => first.region.clone(),
            None => usable
                .find(|h| h.region.city.is_some() && h.region.province == province)
                .map_or_else(|| first.region.clone(), |h| h.region.clone()),
        };
        if !out.contains(&chosen) {
            out.push(chosen);
        }
    }
    out
}

/// Regions a text is about (for news reports and for documents without an issuer): count mentions of
/// full names, unambiguous short names and English names (word-boundary, case-insensitive for English),
/// and return regions ordered by mentions, each with its count. A city mention implies its province.
///
/// A province's count is its own mentions plus those of its prefectures; ties are broken by
/// the region's natural order (a province before its prefectures). See the module
/// documentation for the false-positive guards.
pub fn regions_in_text(text: &str) -> Vec<(Region, usize)> {
    let hits = gazetteer().scan(text);
    let confirmed = confirmed_provinces(&hits);
    let mut counts: HashMap<Region, usize> = HashMap::new();
    for hit in hits
        .iter()
        .filter(|h| !h.weak || confirmed.contains(h.region.province))
    {
        if hit.region.city.is_some() {
            *counts.entry(hit.region.province_region()).or_default() += 1;
        }
        *counts.entry(hit.region.clone()).or_default() += 1;
    }
    let mut out: Vec<(Region, usize)> = counts.into_iter().collect();
    out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    out
}

/// Resolve a user's query value for a `region:` filter: "四川", "四川省", "川", "Sichuan", "sichuan",
/// "成都", "Chengdu", "/四川省/成都市" → the matching regions (a province value matches the province;
/// the caller filters by facet prefix). Unknown → empty.
///
/// English values ignore case, spaces and apostrophes ("xian", "Hong Kong", "hongkong") and
/// may end in "Province", "City" and the like. A value naming both a province and a
/// prefecture means the province ("吉林", "Jilin"); an English value shared by two
/// prefectures returns both ("Suzhou" → 苏州市, 宿州市).
pub fn resolve_region_query(value: &str) -> Vec<Region> {
    let g = gazetteer();
    let value = value.trim();
    if value.contains('/') {
        return g.resolve_path(value).into_iter().collect();
    }
    let key = query_key(value);
    if key.is_empty() {
        return Vec::new();
    }
    let found = g.query.get(&key).or_else(|| {
        const SUFFIXES: &[&str] = &[
            "autonomousregion",
            "autonomousprefecture",
            "specialadministrativeregion",
            "sar",
            "province",
            "municipality",
            "prefecture",
            "league",
            "city",
        ];
        SUFFIXES.iter().find_map(|suffix| {
            key.strip_suffix(suffix)
                .filter(|rest| !rest.is_empty())
                .and_then(|rest| g.query.get(rest))
        })
    });
    let Some(found) = found else {
        return Vec::new();
    };
    let provinces: Vec<Region> = found.iter().filter(|r| r.city.is_none()).cloned().collect();
    if provinces.is_empty() {
        found.clone()
    } else {
        provinces
    }
}

/// All provinces, for UI listing.
///
/// Full names of the 34 provincial-level divisions in the conventional order (北京市 first,
/// 澳门特别行政区 last).
pub fn provinces() -> impl Iterator<Item = &'static str> {
    gazetteer()
        .entries
        .iter()
        .filter(|e| e.level == Level::Province)
        .map(|e| e.name)
}

/// Level of a gazetteer row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    /// Provincial-level division (province, autonomous region, municipality, SAR).
    Province,
    /// Prefecture-level division (city, autonomous prefecture, prefecture, league).
    City,
}

/// One row of `gazetteer.tsv`.
#[derive(Debug)]
struct Entry {
    level: Level,
    /// Full Chinese name.
    name: &'static str,
    /// Full name of the parent province (the name itself for a province).
    province: &'static str,
    /// Chinese short forms.
    short: Vec<&'static str>,
    /// English / pinyin names.
    en: Vec<&'static str>,
}

impl Entry {
    /// The region this row describes.
    fn region(&self) -> Region {
        match self.level {
            Level::Province => Region {
                province: self.name,
                city: None,
            },
            Level::City => Region {
                province: self.province,
                city: Some(self.name),
            },
        }
    }
}

/// How a Chinese pattern was derived; decides which guards apply to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Full official name, alias or blocker: taken as is.
    Full,
    /// Short name: subject to context guards and the overlap rule.
    Short,
}

/// A Chinese string recognised by the scanner.
#[derive(Debug)]
struct ZhPattern {
    text: &'static str,
    /// Region named; `None` for blockers and ambiguous names (consumed, not counted).
    target: Option<Region>,
    kind: Kind,
    weak: bool,
}

/// An English phrase recognised by the scanner.
#[derive(Debug)]
struct EnPattern {
    /// Normalised words (lower case, apostrophes removed).
    words: Vec<String>,
    /// Region named; `None` for blockers and ambiguous names.
    target: Option<Region>,
    weak: bool,
}

/// One recognised mention of a region in a text.
#[derive(Debug, Clone)]
struct Hit {
    region: Region,
    weak: bool,
    /// Byte offset of the mention.
    start: usize,
}

/// An English word of a text.
#[derive(Debug)]
struct Token {
    /// Range of the normalised word in [`Words::norm`].
    norm: Range<usize>,
    /// Byte range of the word in the text.
    start: usize,
    end: usize,
}

/// The English words of a text. Normalised words (lower case, apostrophes inside a word
/// removed: "Xi'an" → "xian") share one buffer.
#[derive(Debug, Default)]
struct Words {
    norm: String,
    tokens: Vec<Token>,
}

impl Words {
    /// The normalised form of word `index`.
    fn norm(&self, index: usize) -> &str {
        self.tokens
            .get(index)
            .and_then(|t| self.norm.get(t.norm.clone()))
            .unwrap_or("")
    }
}

/// A small, fast hasher for the lookup tables (FxHash-style multiply-rotate). The keys are
/// the gazetteer's own names, so hash flooding is not a concern.
#[derive(Debug, Default, Clone, Copy)]
struct FastHasher(u64);

impl FastHasher {
    /// Mixes one word into the state.
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for FastHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        for &byte in chunks.remainder() {
            self.add(u64::from(byte));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
}

/// A hash map using [`FastHasher`].
type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// The parsed gazetteer with its lookup tables.
#[derive(Debug)]
struct Gazetteer {
    entries: Vec<Entry>,
    /// Chinese patterns by first character, longest first.
    zh: FastMap<char, Vec<ZhPattern>>,
    /// English patterns by first word, longest first.
    en: FastMap<String, Vec<EnPattern>>,
    /// Query keys (see [`query_key`]) to the regions they name, in gazetteer order.
    query: HashMap<String, Vec<Region>>,
}

/// The gazetteer, parsed on first use.
fn gazetteer() -> &'static Gazetteer {
    static GAZETTEER: OnceLock<Gazetteer> = OnceLock::new();
    GAZETTEER.get_or_init(|| Gazetteer::build(GAZETTEER_TSV))
}

impl Gazetteer {
    /// Parses the TSV and builds the lookup tables.
    fn build(src: &'static str) -> Self {
        let (entries, errors) = parse_gazetteer(src);
        debug_assert!(errors.is_empty(), "gazetteer.tsv: {errors:?}");
        let zh = build_zh(&entries);
        let en = build_en(&entries);
        let query = build_query(&entries);
        Self {
            entries,
            zh,
            en,
            query,
        }
    }

    /// The region with this province and optional prefecture, if it exists.
    fn find(&self, province: &str, city: Option<&str>) -> Option<Region> {
        find_region(&self.entries, province, city)
    }

    /// Resolves a facet path such as "/四川省/成都市".
    fn resolve_path(&self, path: &str) -> Option<Region> {
        let mut parts = path.split('/').map(str::trim).filter(|p| !p.is_empty());
        let province = parts.next()?;
        let city = parts.next();
        if parts.next().is_some() {
            return None;
        }
        self.find(province, city)
    }

    /// All region mentions in `text`, Chinese and English, in text order.
    fn scan(&self, text: &str) -> Vec<Hit> {
        let mut hits = self.scan_zh(text);
        hits.extend(self.scan_en(text));
        hits.sort_by_key(|h| h.start);
        hits
    }

    /// The longest Chinese pattern at the start of `rest`.
    fn longest_zh(&self, rest: &str) -> Option<&ZhPattern> {
        let first = rest.chars().next()?;
        self.zh
            .get(&first)?
            .iter()
            .find(|p| rest.starts_with(p.text))
    }

    /// Leftmost-longest scan for Chinese names.
    fn scan_zh(&self, text: &str) -> Vec<Hit> {
        let mut hits = Vec::new();
        let mut next = 0;
        for (i, c) in text.char_indices() {
            if i < next || c.is_ascii() {
                continue;
            }
            let Some(pattern) = self.longest_zh(&text[i..]) else {
                continue;
            };
            let end = i + pattern.text.len();
            let Some(region) = &pattern.target else {
                next = end;
                continue;
            };
            if pattern.kind == Kind::Short {
                if let Some(j) = self.overtaking_match(text, i, pattern) {
                    next = j;
                    continue;
                }
                next = end;
                if rejected_by_context(pattern.text, &text[end..]) {
                    continue;
                }
            } else {
                next = end;
            }
            hits.push(Hit {
                region: region.clone(),
                weak: pattern.weak,
                start: i,
            });
        }
        hits
    }

    /// For a short-name match at `start`, the start of a stronger match that begins inside
    /// it and runs past its end, if any: a full name (其中山东省: 中山 yields to 山东省), or
    /// any non-weak name when the short name is weak (其中山东: 中山 yields to 山东).
    fn overtaking_match(&self, text: &str, start: usize, short: &ZhPattern) -> Option<usize> {
        let end = start + short.text.len();
        text[start..end]
            .char_indices()
            .skip(1)
            .map(|(k, _)| start + k)
            .find(|&j| {
                self.longest_zh(&text[j..]).is_some_and(|other| {
                    other.target.is_some()
                        && j + other.text.len() > end
                        && (other.kind == Kind::Full || (short.weak && !other.weak))
                })
            })
    }

    /// Whole-word scan for English names.
    fn scan_en(&self, text: &str) -> Vec<Hit> {
        if !text.bytes().any(|b| b.is_ascii_alphabetic()) {
            return Vec::new();
        }
        let words = tokenize(text);
        let mut hits = Vec::new();
        let mut j = 0;
        while j < words.tokens.len() {
            let found = self.en.get(words.norm(j)).and_then(|candidates| {
                candidates
                    .iter()
                    .find(|p| phrase_matches(text, &words, j, &p.words))
            });
            let Some(pattern) = found else {
                j += 1;
                continue;
            };
            let after = j + pattern.words.len();
            let region = pattern
                .target
                .as_ref()
                .filter(|_| !followed_by_street(text, &words, after));
            if let Some(region) = region {
                hits.push(Hit {
                    region: region.clone(),
                    weak: pattern.weak,
                    start: words.tokens[j].start,
                });
            }
            j = after;
        }
        hits
    }
}

/// Parses `gazetteer.tsv`; returns the rows and a description of each malformed line.
fn parse_gazetteer(src: &'static str) -> (Vec<Entry>, Vec<String>) {
    let mut entries = Vec::new();
    let mut errors = Vec::new();
    for (index, line) in src.lines().enumerate() {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() || line.starts_with('#') || line.starts_with("level\t") {
            continue;
        }
        let columns: Vec<&'static str> = line.split('\t').map(str::trim).collect();
        let &[level, name, province, short, en] = columns.as_slice() else {
            errors.push(format!("line {}: expected 5 columns", index + 1));
            continue;
        };
        let level = match level {
            "province" => Level::Province,
            "city" => Level::City,
            other => {
                errors.push(format!("line {}: unknown level {other:?}", index + 1));
                continue;
            }
        };
        if name.is_empty() || province.is_empty() {
            errors.push(format!("line {}: empty name or province", index + 1));
            continue;
        }
        entries.push(Entry {
            level,
            name,
            province,
            short: split_list(short),
            en: split_list(en),
        });
    }
    (entries, errors)
}

/// Splits a comma-separated TSV cell.
fn split_list(cell: &'static str) -> Vec<&'static str> {
    cell.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// The region with this province and optional prefecture, if the gazetteer has it.
fn find_region(entries: &[Entry], province: &str, city: Option<&str>) -> Option<Region> {
    entries
        .iter()
        .find(|e| match city {
            None => e.level == Level::Province && e.name == province,
            Some(city) => e.level == Level::City && e.province == province && e.name == city,
        })
        .map(Entry::region)
}

/// The single region a name stands for: the only candidate, or the only province among
/// several (吉林 → 吉林省, not 吉林市). `None` when genuinely ambiguous or empty.
fn unambiguous(candidates: &[Region]) -> Option<Region> {
    if let [only] = candidates {
        return Some(only.clone());
    }
    let mut provinces = candidates.iter().filter(|r| r.city.is_none());
    match (provinces.next(), provinces.next()) {
        (Some(province), None) => Some(province.clone()),
        _ => None,
    }
}

/// Adds `region` to `list` unless present.
fn push_unique(list: &mut Vec<Region>, region: Region) {
    if !list.contains(&region) {
        list.push(region);
    }
}

/// Chinese patterns: full names, short names of two or more characters, aliases, blockers.
fn build_zh(entries: &[Entry]) -> FastMap<char, Vec<ZhPattern>> {
    let mut names: HashMap<&'static str, (Kind, Vec<Region>)> = HashMap::new();
    for entry in entries {
        let region = entry.region();
        names
            .entry(entry.name)
            .or_insert_with(|| (Kind::Full, Vec::new()))
            .1
            .push(region.clone());
        for &short in entry.short.iter().filter(|s| s.chars().count() >= 2) {
            let slot = names
                .entry(short)
                .or_insert_with(|| (Kind::Short, Vec::new()));
            push_unique(&mut slot.1, region.clone());
        }
    }
    let mut patterns: HashMap<&'static str, ZhPattern> = names
        .into_iter()
        .map(|(text, (kind, candidates))| {
            let pattern = ZhPattern {
                text,
                target: unambiguous(&candidates),
                kind,
                weak: WEAK_ZH.contains(&text),
            };
            (text, pattern)
        })
        .collect();
    for &(text, province, city) in ALIASES_ZH {
        if let Some(region) = find_region(entries, province, city) {
            patterns.entry(text).or_insert(ZhPattern {
                text,
                target: Some(region),
                kind: Kind::Full,
                weak: false,
            });
        }
    }
    for &text in BLOCKERS_ZH {
        patterns.entry(text).or_insert(ZhPattern {
            text,
            target: None,
            kind: Kind::Full,
            weak: false,
        });
    }
    let mut by_first: FastMap<char, Vec<ZhPattern>> = FastMap::default();
    for (text, pattern) in patterns {
        if let Some(first) = text.chars().next() {
            by_first.entry(first).or_default().push(pattern);
        }
    }
    for list in by_first.values_mut() {
        list.sort_by(|a, b| b.text.len().cmp(&a.text.len()).then(a.text.cmp(b.text)));
    }
    by_first
}

/// English patterns: every English name of the gazetteer plus the English blockers.
fn build_en(entries: &[Entry]) -> FastMap<String, Vec<EnPattern>> {
    let mut phrases: HashMap<Vec<String>, Vec<Region>> = HashMap::new();
    for entry in entries {
        for name in &entry.en {
            push_unique(phrases.entry(en_words(name)).or_default(), entry.region());
        }
    }
    for blocker in BLOCKERS_EN {
        // No candidate region: consumed, never counted.
        phrases.entry(en_words(blocker)).or_default();
    }
    let mut by_first: FastMap<String, Vec<EnPattern>> = FastMap::default();
    for (words, candidates) in phrases {
        let Some(first) = words.first().cloned() else {
            continue;
        };
        let joined = words.join(" ");
        let target = if EN_TEXT_EXCLUDED.contains(&joined.as_str()) {
            None
        } else {
            unambiguous(&candidates)
        };
        by_first.entry(first).or_default().push(EnPattern {
            target,
            weak: WEAK_EN.contains(&joined.as_str()),
            words,
        });
    }
    for list in by_first.values_mut() {
        list.sort_by_key(|p| std::cmp::Reverse(p.words.len()));
    }
    by_first
}

/// Query keys: full names, all short names (one-character abbreviations included) and
/// English names.
fn build_query(entries: &[Entry]) -> HashMap<String, Vec<Region>> {
    let mut query: HashMap<String, Vec<Region>> = HashMap::new();
    for entry in entries {
        let region = entry.region();
        let names = std::iter::once(&entry.name)
            .chain(&entry.short)
            .chain(&entry.en);
        for name in names {
            let key = query_key(name);
            if !key.is_empty() {
                push_unique(query.entry(key).or_default(), region.clone());
            }
        }
    }
    query
}

/// Normalises a query value or name for lookup: ASCII letters lower-cased, ASCII
/// punctuation, apostrophes and whitespace dropped, other characters kept.
fn query_key(value: &str) -> String {
    value
        .chars()
        .filter_map(|c| {
            if c.is_ascii_alphanumeric() {
                Some(c.to_ascii_lowercase())
            } else if c.is_ascii() || c.is_whitespace() || c == '\u{2019}' {
                None
            } else {
                Some(c)
            }
        })
        .collect()
}

/// Whether `c` separates the authorities of a joint issuer.
fn is_issuer_separator(c: char) -> bool {
    matches!(c, '、' | ',' | '，' | ';' | '；' | '/' | '|') || c.is_whitespace()
}

/// Provinces mentioned by at least one non-weak hit.
fn confirmed_provinces(hits: &[Hit]) -> HashSet<&'static str> {
    hits.iter()
        .filter(|h| !h.weak)
        .map(|h| h.region.province)
        .collect()
}

/// Whether the text after a short name shows it is not a mention of the place: a street
/// (北京路, 中山东路, 上海南路, 南京大街), a village (河南村, but not 村镇 "rural") or, for a
/// name ending in a direction, a bank or slope (河南岸 "south bank of the river", 山东麓
/// "eastern foot of the mountain").
fn rejected_by_context(name: &str, after: &str) -> bool {
    if after
        .strip_prefix('村')
        .is_some_and(|village| !village.starts_with('镇'))
    {
        return true;
    }
    let rest = after
        .strip_prefix(['东', '西', '南', '北', '中'])
        .unwrap_or(after);
    if is_street(rest) {
        return true;
    }
    name.ends_with(['东', '西', '南', '北']) && after.starts_with(['岸', '麓', '侧', '坡'])
}

/// Whether `rest` starts with a street suffix (路, 街, 大街, 大道, 巷, 胡同), excluding the
/// non-street words 路线, 路径, 路演, 路网, 路况, 路桥 and 街头.
fn is_street(rest: &str) -> bool {
    if let Some(after) = rest.strip_prefix('路') {
        return !after.starts_with(['线', '径', '演', '网', '况', '桥']);
    }
    if let Some(after) = rest.strip_prefix('街') {
        return !after.starts_with('头');
    }
    ["大街", "大道", "巷", "胡同"]
        .iter()
        .any(|suffix| rest.starts_with(suffix))
}

/// Splits text into English words: runs of ASCII letters and digits, lower-cased. An
/// apostrophe between letters joins them ("Xi'an" → "xian") unless it starts a
/// possessive "'s" ("Sichuan's" → "sichuan", "s").
fn tokenize(text: &str) -> Words {
    let mut words = Words::default();
    let mut current: Option<Token> = None;
    for (i, c) in text.char_indices() {
        if c.is_ascii_alphanumeric() {
            let at = words.norm.len();
            let token = current.get_or_insert(Token {
                norm: at..at,
                start: i,
                end: i,
            });
            words.norm.push(c.to_ascii_lowercase());
            token.norm.end = at + 1;
            token.end = i + 1;
        } else if (c == '\'' || c == '\u{2019}') && current.is_some() {
            let rest = &text[i + c.len_utf8()..];
            let joins = rest.starts_with(|n: char| n.is_ascii_alphabetic()) && !is_possessive(rest);
            if !joins {
                words.tokens.extend(current.take());
            }
        } else {
            words.tokens.extend(current.take());
        }
    }
    words.tokens.extend(current);
    words
}

/// Whether `rest` (the text after an apostrophe) is a possessive "s" ending a word.
fn is_possessive(rest: &str) -> bool {
    let mut chars = rest.chars();
    matches!(chars.next(), Some('s' | 'S'))
        && !chars.next().is_some_and(|c| c.is_ascii_alphanumeric())
}

/// The normalised words of an English name.
fn en_words(name: &str) -> Vec<String> {
    let words = tokenize(name);
    (0..words.tokens.len())
        .map(|i| words.norm(i).to_string())
        .collect()
}

/// Whether the words of `text` from index `at` on are `phrase`, consecutive words separated
/// only by spaces or hyphens.
fn phrase_matches(text: &str, words: &Words, at: usize, phrase: &[String]) -> bool {
    let Some(tokens) = words.tokens.get(at..at + phrase.len()) else {
        return false;
    };
    phrase
        .iter()
        .enumerate()
        .all(|(k, word)| words.norm(at + k) == word)
        && tokens
            .windows(2)
            .all(|pair| is_word_gap(&text[pair[0].end..pair[1].start]))
}

/// Whether the text between two words keeps them in one phrase.
fn is_word_gap(gap: &str) -> bool {
    !gap.is_empty() && gap.chars().all(|c| c == '-' || c.is_whitespace())
}

/// Whether the word at `index` (right after a name) makes the name a street name.
fn followed_by_street(text: &str, words: &Words, index: usize) -> bool {
    let tokens = &words.tokens;
    match (
        index.checked_sub(1).and_then(|i| tokens.get(i)),
        tokens.get(index),
    ) {
        (Some(previous), Some(next)) => {
            is_word_gap(&text[previous.end..next.start]) && STREETS_EN.contains(&words.norm(index))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests;
