//! Extraction of Chinese official-document metadata (公文要素).
//!
//! Given the extracted text of a policy document this module recovers the
//! title (标题), the document number (发文字号), the issuing organs (发文机关),
//! the date (成文日期, or the publication date of a news item) and the document
//! type (文种). It reads the text the way a government clerk reads a 公文,
//! following the layout of GB/T 9704-2012 (《党政机关公文格式》):
//!
//! ```text
//! 成都市商务局文件                     ← 版头: issuer(s), optionally "…文件"
//! 成商发〔2023〕12号                   ← 发文字号
//! 成都市商务局关于印发                  ← title, often wrapped over lines
//! 《…工作方案》的通知
//! 各区（市）县商务主管部门：            ← 主送机关 (addressee): end of the head
//! 正文……。                             ← body; may cite other documents
//! 附件：…
//! 成都市商务局                          ← signature block: issuer line(s) …
//! 2023年5月12日                         ← … followed by the 成文日期
//! （此件公开发布）
//! ```
//!
//! Everything before the addressee line (or before the first body-like line)
//! is the *head*. Numbers and dates are taken from the head and from the
//! first signature block after it; citations inside the body
//! (`根据《…》（国发〔2015〕43号）`) and the signatures of forwarded reports or
//! attachments further down are ignored.
//!
//! The input is expected to be folded to Simplified Chinese with half-width
//! ASCII digits and letters; Chinese punctuation is kept. Nothing here panics
//! on arbitrary input, and every regex is compiled once.

use once_cell::sync::Lazy;
use regex::Regex;

/// Metadata of one document. Every field is optional: a field the extractor
/// is not confident about is left empty rather than guessed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocMeta {
    /// Document title, with wrapped head lines joined and letter-spacing
    /// (`几 个 问 题 的 通 知`) removed.
    pub title: Option<String>,
    /// 发文字号 in canonical form, see [`normalize_docno`]: `川商发〔2023〕12号`.
    pub docno: Option<String>,
    /// 发文机关 in order; several when the document is jointly issued.
    /// A leading `中华人民共和国` is dropped (`中华人民共和国国务院令` → `国务院`).
    pub issuers: Vec<String>,
    /// 成文日期 for official documents; publication date for news items.
    pub date: Option<(i32, u8, u8)>,
    /// 文种, taken from the end of the title; see [`DOCTYPES`].
    pub doctype: Option<String>,
}

/// A calendar date as `(year, month, day)`.
type Ymd = (i32, u8, u8);

/// Lines examined when looking for the head (版头, 发文字号, title, addressee).
const HEAD_MAX_LINES: usize = 25;
/// Lines examined when looking for the title.
const TITLE_MAX_LINES: usize = 15;
/// Lines at the top examined for a news dateline.
const DATELINE_MAX_LINES: usize = 10;
/// Metadata label lines (`文号：…`) are honoured in this many first lines …
const LABEL_HEAD_LINES: usize = 40;
/// … and in this many last lines.
const LABEL_TAIL_LINES: usize = 15;

/// Document types (文种) recognised at the end of a title, longest match first.
///
/// The statutory types of 《党政机关公文处理工作条例》 are reported under their
/// statutory name, so qualified variants collapse: `指导意见`, `实施意见`,
/// `若干意见` → `意见`; `复函` → `函`; `紧急通知`, `补充通知` → `通知`.
/// Names of regulatory documents (规范性文件) are reported as the generic
/// word too (`暂行办法` → `办法`, `若干措施` → `措施`, `实施方案` → `方案`),
/// with one deliberate exception: `实施细则` is kept apart from `细则`
/// because it names a distinct genre (implementing rules of a given law).
/// `答复` (replies to NPC/CPPCC proposals) is kept as written even though such
/// replies are numbered as 函; `解释` is the judicial interpretation (法释). `法` (laws) is recognised unless it is the tail
/// of an ordinary word such as `办法`, `方法`, `做法`.
pub const DOCTYPES: &[&str] = &[
    "实施细则",
    "通知",
    "通报",
    "通告",
    "公告",
    "公报",
    "意见",
    "决定",
    "决议",
    "命令",
    "批复",
    "报告",
    "请示",
    "纪要",
    "议案",
    "答复",
    "解释",
    "办法",
    "细则",
    "规定",
    "条例",
    "规则",
    "规程",
    "规范",
    "章程",
    "方案",
    "计划",
    "规划",
    "纲要",
    "要点",
    "指引",
    "指南",
    "措施",
    "清单",
    "目录",
    "函",
    "法",
];

/// Characters that, before a final `法`, make it an ordinary word (办法, 方法…)
/// rather than the name of a law.
const NOT_LAW_BEFORE_FA: &[char] = &['办', '方', '做', '说', '想', '写', '手', '算', '用', '看'];

/// Endings of organ names (发文机关). A candidate must be longer than the
/// longest ending it matches, so a bare `办公厅`, `政府` or `分行` is not an
/// organ. Branches of vertically managed organs are covered: `成都海关`,
/// `国家税务总局四川省税务局`, `中国人民银行济南分行` / `…中心支行`,
/// `市公安局交通警察支队` / `…大队`.
const ORG_SUFFIXES: &[&str] = &[
    "人民政府",
    "海关",
    "总局",
    "分局",
    "分行",
    "支行",
    "支队",
    "大队",
    "政府",
    "办公厅",
    "办公室",
    "委员会",
    "常委会",
    "中央",
    "中心",
    "集团",
    "公司",
    "委",
    "厅",
    "局",
    "部",
    "署",
    "院",
    "会",
    "办",
    "室",
    "处",
    "所",
    "站",
    "队",
    "行",
    "司",
    "馆",
    "社",
    "组",
    "团",
    "联",
    "协",
];

/// Words that never occur inside an organ name but do occur in titles.
const NOT_IN_ORG: &[&str] = &["关于", "转发", "批转", "印发", "通知", "的"];

/// Words between the issuer and the subject of a title: `X关于…`,
/// `X转发Y关于…`, `X批转Y…`, `X印发《…》的通知`, `X对…的答复`.
const TITLE_ISSUER_MARKERS: &[&str] = &["转发", "批转", "印发", "对"];

/// Prefix dropped from organ names so that `中华人民共和国商务部令` and
/// `商务部关于…` yield the same issuer.
const STATE_PREFIX: &str = "中华人民共和国";

/// Opening brackets accepted around the year of a document number.
const OPEN_BRACKETS: &str = "〔\\[［（(【〖﹝";
/// Closing brackets accepted around the year of a document number.
const CLOSE_BRACKETS: &str = "〕\\]］）)】〗﹞";

/// A document number inside running text: 机关代字, bracketed year, optional
/// `第`, serial number, `号`.
static DOCNO_RE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(
        r"(?P<org>\p{{Han}}{{1,15}})\s*[{OPEN_BRACKETS}]\s*(?P<year>[0-9]{{4}})\s*[{CLOSE_BRACKETS}]\s*(?:第\s*)?(?P<num>[0-9]{{1,6}})\s*号"
    ))
    .expect("valid docno regex")
});

/// The issuer part of a jointly issued title: `X等N部门`, `X、Y等六部门`,
/// `X等5个部门`, `X等部门`, `X等3单位`, `X等十部委`, maybe followed by `联合`.
static JOINT_RE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"^(?P<lead>.+?)等(?P<n>[0-9]{1,2}|[一二两三四五六七八九十]{1,3})?[个家]?(?:部门|单位|部委|机关|委办局|厅局)(?:联合)?$",
    )
    .expect("valid joint issuer regex")
});

/// A whole string that is a document number (spaces already removed).
static DOCNO_EXACT_RE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(
        r"^(?P<org>\p{{Han}}{{1,15}})[{OPEN_BRACKETS}](?P<year>[0-9]{{4}})[{CLOSE_BRACKETS}](?:第)?(?P<num>[0-9]{{1,6}})号$"
    ))
    .expect("valid exact docno regex")
});

/// `2023年5月12日`, `2023 年 05 月 12 日`.
static DATE_CN_ARABIC_RE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"([0-9]{4})\s*年\s*([0-9]{1,2})\s*月\s*([0-9]{1,2})\s*日").expect("valid regex")
});

/// `二〇二三年五月十二日`, `一九九六年十一月五日` (year digits 〇 ○ 零 O 0).
static DATE_CN_NUMERAL_RE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"([〇○零Oo0Ｏ一二三四五六七八九]{4})\s*年\s*([一二三四五六七八九十]{1,3})\s*月\s*([一二三四五六七八九十]{1,3})\s*日",
    )
    .expect("valid regex")
});

/// `2023-05-12`, `2023/5/12`, `2023.5.12` (same separator twice).
static DATE_NUMERIC_RE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"([0-9]{4})\s*([-/.])\s*([0-9]{1,2})\s*([-/.])\s*([0-9]{1,2})")
        .expect("valid regex")
});

const EN_MONTHS: &str = r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?";

/// `May 12, 2023`, `Dec. 3, 2022`, `September 3rd, 2021`.
static DATE_EN_MDY_RE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(
        r"(?i)\b({EN_MONTHS})\.?\s+([0-9]{{1,2}})(?:st|nd|rd|th)?,?\s+([0-9]{{4}})\b"
    ))
    .expect("valid regex")
});

/// `12 May 2023`, `3rd December, 2021`.
static DATE_EN_DMY_RE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(&format!(
        r"(?i)\b([0-9]{{1,2}})(?:st|nd|rd|th)?\s+({EN_MONTHS})\.?,?\s+([0-9]{{4}})\b"
    ))
    .expect("valid regex")
});

/// What a metadata label (`发文字号：…`) announces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LabelKind {
    Docno,
    Issuer,
    /// 发布机构 of a government website's metadata table: the organ that
    /// published the page, often only the lead of joint issuers. Used to
    /// spell out a lead organ (`自治区商务厅等4部门`) and as a last resort.
    Publisher,
    /// 成文日期 and its synonyms.
    Date,
    /// 发布日期 and its synonyms: weaker than the 成文日期.
    PubDate,
    Title,
    /// A known label we do not use (索引号, 主题分类, 签发人…); recognised so
    /// that a label-only line is not mistaken for an addressee line.
    Other,
}

/// Label names and their meaning. Matching ignores spaces (`标  题：`).
const LABELS: &[(&str, LabelKind)] = &[
    ("发文字号", LabelKind::Docno),
    ("发文文号", LabelKind::Docno),
    ("文件编号", LabelKind::Docno),
    ("发文编号", LabelKind::Docno),
    ("文号", LabelKind::Docno),
    ("字号", LabelKind::Docno),
    ("发文机关", LabelKind::Issuer),
    ("发文机构", LabelKind::Issuer),
    ("发布机关", LabelKind::Issuer),
    ("发布机构", LabelKind::Publisher),
    ("发文单位", LabelKind::Issuer),
    ("发布单位", LabelKind::Issuer),
    ("制发机关", LabelKind::Issuer),
    ("颁布机关", LabelKind::Issuer),
    ("成文日期", LabelKind::Date),
    ("成文时间", LabelKind::Date),
    ("发文日期", LabelKind::Date),
    ("印发日期", LabelKind::Date),
    ("签发日期", LabelKind::Date),
    ("颁布日期", LabelKind::Date),
    ("发布日期", LabelKind::PubDate),
    ("发布时间", LabelKind::PubDate),
    ("公布日期", LabelKind::PubDate),
    ("公开日期", LabelKind::PubDate),
    ("日期", LabelKind::PubDate),
    ("时间", LabelKind::PubDate),
    ("文件名称", LabelKind::Title),
    ("标题", LabelKind::Title),
    ("题名", LabelKind::Title),
    ("名称", LabelKind::Title),
    ("索引号", LabelKind::Other),
    ("主题分类", LabelKind::Other),
    ("体裁分类", LabelKind::Other),
    ("组配分类", LabelKind::Other),
    ("主题词", LabelKind::Other),
    ("分类", LabelKind::Other),
    ("信息来源", LabelKind::Other),
    ("来源", LabelKind::Other),
    ("作者", LabelKind::Other),
    ("签发人", LabelKind::Other),
    ("有效性", LabelKind::Other),
    ("效力级别", LabelKind::Other),
    ("时效性", LabelKind::Other),
    ("公开方式", LabelKind::Other),
    ("公开范围", LabelKind::Other),
    ("实施日期", LabelKind::Other),
    ("废止日期", LabelKind::Other),
    ("浏览次数", LabelKind::Other),
];

/// All label names, longest first, each character allowed to be followed by
/// spaces.
static LABEL_RE: Lazy<Regex> = Lazy::new(|| {
    let mut names: Vec<&str> = LABELS.iter().map(|(name, _)| *name).collect();
    names.sort_by_key(|name| std::cmp::Reverse(name.chars().count()));
    let alternatives: Vec<String> = names
        .iter()
        .map(|name| {
            name.chars()
                .map(|c| regex::escape(&c.to_string()))
                .collect::<Vec<_>>()
                .join(r"\s*")
        })
        .collect();
    Regex::new(&format!(r"({})\s*[：:]", alternatives.join("|"))).expect("valid label regex")
});

/// One non-empty line of the input.
#[derive(Debug)]
struct Line {
    /// Trimmed, with runs of whitespace (including U+3000) collapsed to one
    /// ASCII space.
    text: String,
    /// All whitespace removed.
    compact: String,
}

/// A label found on a line: its kind and its (possibly empty) value.
#[derive(Debug)]
struct Label {
    kind: LabelKind,
    value: String,
}

/// A document number found on a line.
#[derive(Debug)]
struct DocnoHit {
    line: usize,
    value: String,
    /// The line holds nothing but the number (maybe in parentheses, maybe
    /// followed by `签发人：…`).
    standalone: bool,
    /// The number is wrapped in parentheses on its line.
    parenthesized: bool,
}

/// Where the title was found.
#[derive(Debug)]
struct TitleHit {
    text: String,
    /// First line of the title.
    start: usize,
    /// One past the last line of the title.
    end: usize,
    /// Found by its structure (`…关于…的<文种>`), not merely by its ending.
    strong: bool,
}

/// A signature block: issuer (or signer) lines followed by a date line.
#[derive(Debug)]
struct Signature {
    issuers: Vec<String>,
    date: Ymd,
    /// Index of the date line.
    line: usize,
}

/// Extracts 公文要素 from a document's text.
///
/// * `text`: full extracted text, lines separated by `\n`.
/// * `title_hint`: a title from HTML/DOCX metadata; used when the head has no
///   structural title line (see **title** below), and only when it does not
///   look like site chrome (`首页 - 某某网`).
/// * `date_hint`: a date from HTML metadata (`2023-05-12`); used when the
///   text itself carries no date.
/// * `lang`: language code; `zh*` (or empty) selects Chinese rules.
///
/// Rules, in order of preference:
///
/// * **docno** — a `文号：`/`发文字号：` label near the top or bottom; else
///   the first line of the head that consists of a number alone (optionally
///   parenthesised or followed by `签发人：…`); else, for texts without an
///   addressee line, a number alone on a line among the first 30. Numbers in
///   running text — citations such as `《…》（国发〔2015〕43号）` — are never
///   taken. See [`normalize_docno`] for the canonical form.
/// * **issuers** — a `发文机关：` label; else the title (`X关于…`,
///   `X、Y关于…`, `X Y关于…`, `X转发Y关于…`, `X批转Y…`, `X印发…`, `X对…的答复`
///   → X); else head lines (`X文件`, `X令`, lines made only of organ names);
///   else the signature block.
/// * **date** — for Chinese official documents (a number, an issuer or a
///   signature was found): a `成文日期：` label; else the date of the first
///   signature block after the head (organ or `职务 姓名` lines followed by a
///   line holding only a date); else the first line after the head that holds
///   only a date; else a `发布日期：` label; else the first date in the head
///   (a regulation's adoption line `2019年9月26日 …会议通过`); else
///   `date_hint`. For news (other languages, or no official markers): a
///   label, else the first date in the first lines (dateline), else
///   `date_hint`. Years must lie in 1949–2100 for Chinese documents and
///   1900–2100 otherwise; month and day must exist.
/// * **title** — a `标题：` label; else a head line (or wrapped head lines
///   joined) of the form `…关于…的<文种>` within the first 15 lines; else a
///   sane `title_hint` of that form; else a short head line ending in a 文种
///   (`专利代理条例`), or for a promulgation order (`…令`) the line after its
///   signature; else any sane `title_hint`.
/// * **doctype** — the longest entry of [`DOCTYPES`] ending the title, after
///   dropping trailing qualifiers in parentheses (`（试行）`).
pub fn extract_meta(
    text: &str,
    title_hint: Option<&str>,
    date_hint: Option<&str>,
    lang: &str,
) -> DocMeta {
    let chinese = is_chinese(lang);
    let years = if chinese { (1949, 2100) } else { (1900, 2100) };
    let lines = prepare_lines(text);
    let labels = collect_labels(&lines);
    let label_value = |kind: LabelKind| {
        labels
            .iter()
            .find(|label| label.kind == kind && !label.value.is_empty())
            .map(|label| label.value.as_str())
    };

    let (head_end, has_addressee) = find_head_end(&lines);

    // Title, as found in the head.
    let mut text_title = find_title(&lines, head_end);

    // Document number.
    let hits = docno_hits(&lines);
    let labelled_docno = label_value(LabelKind::Docno).and_then(docno_in);
    let head_docno = hits
        .iter()
        .find(|hit| hit.standalone && hit.line < head_end)
        .or_else(|| {
            if has_addressee {
                None
            } else {
                hits.iter()
                    .find(|hit| hit.standalone && !hit.parenthesized && hit.line < 30)
            }
        });
    let docno_line = head_docno.map(|hit| hit.line);
    let docno = labelled_docno.or_else(|| head_docno.map(|hit| hit.value.clone()));

    // Signature block: the first one after the title and the number.
    let title_end = text_title.as_ref().map_or(0, |hit| hit.end);
    let sig_from = title_end.max(docno_line.map_or(0, |line| line + 1));
    let signature = find_signature(&lines, sig_from, years);

    // A promulgation order (`…国务院令 第706号 … 总理 李克强 日期`) is followed
    // by the title of the regulation it promulgates.
    if text_title.is_none()
        && lines
            .iter()
            .take(head_end)
            .any(|l| l.compact.ends_with('令'))
    {
        if let Some(sig) = &signature {
            text_title = lines
                .get(sig.line + 1)
                .filter(|line| is_title_piece(line))
                .map(title_piece_text)
                .filter(|t| balanced(t) && doctype_of(t).is_some())
                .map(|text| TitleHit {
                    text: clean_title(&text),
                    start: sig.line + 1,
                    end: sig.line + 2,
                    strong: false,
                });
        }
    }

    let hint = title_hint.and_then(sane_title_hint);
    let strong_text = text_title.as_ref().filter(|hit| hit.strong);
    let marked_hint = hint.clone().filter(|h| is_marked_title(h));
    let title = label_value(LabelKind::Title)
        .map(clean_title)
        .filter(|t| !t.is_empty())
        .or_else(|| strong_text.map(|hit| hit.text.clone()))
        .or(marked_hint)
        .or_else(|| text_title.as_ref().map(|hit| hit.text.clone()))
        .or(hint);
    let title_span = text_title.as_ref().map_or(0..0, |hit| hit.start..hit.end);

    // Issuers.
    let labelled_issuers = label_value(LabelKind::Issuer)
        .map(split_orgs_loose)
        .unwrap_or_default();
    let joint = title.as_deref().and_then(joint_from_title);
    let publisher = label_value(LabelKind::Publisher)
        .map(split_orgs_loose)
        .unwrap_or_default();
    let mut issuers = match &joint {
        Some(joint) => joint_issuers(
            joint,
            &labelled_issuers,
            &publisher,
            signature.as_ref(),
            &lines,
        ),
        None => labelled_issuers,
    };
    if issuers.is_empty() {
        if let Some(t) = &title {
            issuers = issuers_from_title(t);
        }
    }
    if issuers.is_empty() {
        issuers = issuers_from_head(&lines, head_end, &title_span, docno_line);
    }
    if issuers.is_empty() {
        if let Some(sig) = &signature {
            issuers = sig.issuers.clone();
        }
    }
    if issuers.is_empty() {
        issuers = publisher;
    }
    let issuers = dedup(issuers);

    // Date.
    let official = chinese && (docno.is_some() || !issuers.is_empty() || signature.is_some());
    let parse_label = |kind| label_value(kind).and_then(|v| first_date(v, years));
    let hint_date = || date_hint.and_then(|h| first_date(h, years));
    let date = if official {
        parse_label(LabelKind::Date)
            .or_else(|| signature.as_ref().map(|sig| sig.date))
            .or_else(|| first_date_line(&lines, sig_from, years))
            .or_else(|| parse_label(LabelKind::PubDate))
            .or_else(|| {
                lines
                    .iter()
                    .take(head_end.min(DATELINE_MAX_LINES))
                    .find_map(|line| first_date(&line.text, years))
            })
            .or_else(hint_date)
    } else {
        parse_label(LabelKind::Date)
            .or_else(|| parse_label(LabelKind::PubDate))
            .or_else(|| {
                lines
                    .iter()
                    .take(DATELINE_MAX_LINES)
                    .find_map(|line| first_date(&line.text, years))
            })
            .or_else(hint_date)
    };

    let doctype = title.as_deref().and_then(doctype_of);

    DocMeta {
        title,
        docno,
        issuers,
        date,
        doctype,
    }
}

/// Normalises a document number typed by a user or found in text.
///
/// The whole input (spaces ignored) must be one number:
/// `机关代字 + bracketed year + optional 第 + serial + 号`. The year brackets
/// `〔〕 [] ［］ （） () 【】 〖〗 ﹝﹞` (in any combination) become `〔〕`; `第`
/// and leading zeros of the serial are dropped (GB/T 9704: 序号不编虚位,
/// 不加"第"字); full-width digits are folded. The year must lie in
/// 1900–2100 and the serial must be positive.
///
/// ```text
/// "苏商发 [2023] 18 号"  → Some("苏商发〔2023〕18号")
/// "粤商务贸字（2022）7号" → Some("粤商务贸字〔2022〕7号")
/// "甬商务〔2023〕第5号"   → Some("甬商务〔2023〕5号")
/// "根据国发文件"          → None
/// ```
pub fn normalize_docno(s: &str) -> Option<String> {
    let folded: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(fold_fullwidth_digit)
        .collect();
    let caps = DOCNO_EXACT_RE.captures(&folded)?;
    build_docno(&caps["org"], &caps["year"], &caps["num"])
}

/// Assembles the canonical number from its parts, validating year and serial.
fn build_docno(org: &str, year: &str, num: &str) -> Option<String> {
    let year: u32 = year.parse().ok()?;
    let num: u32 = num.parse().ok()?;
    if !(1900..=2100).contains(&year) || num == 0 {
        return None;
    }
    Some(format!("{org}〔{year}〕{num}号"))
}

/// The first document number anywhere in `s` (used on label values).
fn docno_in(s: &str) -> Option<String> {
    normalize_docno(s).or_else(|| {
        DOCNO_RE
            .captures(s)
            .and_then(|caps| build_docno(&caps["org"], &caps["year"], &caps["num"]))
    })
}

fn fold_fullwidth_digit(c: char) -> char {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
        _ => c,
    }
}

fn is_chinese(lang: &str) -> bool {
    let lang = lang.trim().to_ascii_lowercase();
    lang.is_empty() || lang.starts_with("zh") || lang == "und"
}

/// CJK ideographs (plus 〇), the characters organ names and titles are made of.
fn is_han(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FA1F}'
        | '〇')
}

/// Splits the text into non-empty lines. Markdown heading markers
/// (`# 标题`) are dropped so Markdown sources read like plain text.
fn prepare_lines(text: &str) -> Vec<Line> {
    text.lines()
        .filter_map(|raw| {
            let trimmed = raw.trim_start();
            let unmarked = trimmed.trim_start_matches('#');
            let raw = if unmarked.len() < trimmed.len() && unmarked.starts_with(' ') {
                unmarked
            } else {
                raw
            };
            let words: Vec<&str> = raw.split_whitespace().collect();
            if words.is_empty() {
                None
            } else {
                Some(Line {
                    text: words.join(" "),
                    compact: words.concat(),
                })
            }
        })
        .collect()
}

/// Labels on a line: the first must start the line; further ones may follow
/// on the same line (a metadata table row flattened to one line). Each value
/// runs to the next label.
fn labels_on_line(line: &Line) -> Vec<Label> {
    let matches: Vec<regex::Match> = LABEL_RE.find_iter(&line.text).collect();
    match matches.first() {
        Some(first) if first.start() == 0 => {}
        _ => return Vec::new(),
    }
    matches
        .iter()
        .enumerate()
        .filter_map(|(i, m)| {
            let name: String = m
                .as_str()
                .chars()
                .filter(|c| is_han(*c))
                .collect::<String>();
            let kind = LABELS
                .iter()
                .find(|(label, _)| *label == name)
                .map(|(_, kind)| *kind)?;
            let end = matches
                .get(i + 1)
                .map_or(line.text.len(), |next| next.start());
            let value = line.text.get(m.end()..end).unwrap_or("").trim().to_string();
            Some(Label { kind, value })
        })
        .collect()
}

fn is_label_line(line: &Line) -> bool {
    !labels_on_line(line).is_empty()
}

/// Labels from the first and last lines. A label with an empty value takes
/// the next line as its value (label and value in separate table cells).
fn collect_labels(lines: &[Line]) -> Vec<Label> {
    let tail_start = lines.len().saturating_sub(LABEL_TAIL_LINES);
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if i >= LABEL_HEAD_LINES && i < tail_start {
            continue;
        }
        let mut found = labels_on_line(line);
        if let Some(last) = found.last_mut() {
            if last.value.is_empty() {
                if let Some(next) = lines.get(i + 1).filter(|next| !is_label_line(next)) {
                    last.value = next.text.clone();
                }
            }
        }
        out.extend(found);
    }
    out
}

/// A line of running text: it has sentence punctuation or is long.
fn is_body(line: &Line) -> bool {
    let n = line.compact.chars().count();
    line.compact.contains(['。', '；', '！', '？'])
        || n > 100
        || (line.compact.contains('，') && n > 50)
}

/// The addressee line (主送机关) ends with a colon: `各省、自治区…：`.
fn is_addressee(line: &Line) -> bool {
    (line.compact.ends_with('：') || line.compact.ends_with(':'))
        && line.compact.chars().count() <= 150
        && !line.compact.contains('。')
        && !is_label_line(line)
}

/// Index one past the head and whether the head ended at an addressee line.
fn find_head_end(lines: &[Line]) -> (usize, bool) {
    for (i, line) in lines.iter().enumerate().take(HEAD_MAX_LINES) {
        if is_label_line(line) {
            continue;
        }
        if is_addressee(line) {
            return (i, true);
        }
        if is_body(line) {
            return (i, false);
        }
    }
    (lines.len().min(HEAD_MAX_LINES), false)
}

/// Every document number in the text, with its line context.
fn docno_hits(lines: &[Line]) -> Vec<DocnoHit> {
    let mut hits = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        for caps in DOCNO_RE.captures_iter(&line.text) {
            let (Some(whole), Some(value)) = (
                caps.get(0),
                build_docno(&caps["org"], &caps["year"], &caps["num"]),
            ) else {
                continue;
            };
            let before = line.text.get(..whole.start()).unwrap_or("").trim();
            let after = line.text.get(whole.end()..).unwrap_or("").trim();
            let open = matches!(before, "（" | "(");
            let close = matches!(after, "）" | ")");
            let standalone = (before.is_empty() || open)
                && (after.is_empty() || close || after.starts_with("签发人"));
            hits.push(DocnoHit {
                line: i,
                value,
                standalone,
                parenthesized: open && close,
            });
        }
    }
    hits
}

fn has_standalone_docno(line: &Line) -> bool {
    docno_hits(std::slice::from_ref(line))
        .iter()
        .any(|hit| hit.standalone)
}

/// Whether `s` can be the name of an organ: 2–40 ideographs (parentheses
/// allowed), ending in one of [`ORG_SUFFIXES`] and longer than the longest
/// ending it matches, with no title words inside and not an addressee phrase
/// (`各…`).
fn is_org_name(s: &str) -> bool {
    let n = s.chars().count();
    (2..=40).contains(&n)
        && s.chars()
            .all(|c| is_han(c) || matches!(c, '（' | '）' | '(' | ')'))
        && ORG_SUFFIXES
            .iter()
            .filter(|suffix| s.ends_with(*suffix))
            .map(|suffix| suffix.chars().count())
            .max()
            .is_some_and(|len| n > len)
        && !NOT_IN_ORG.iter().any(|word| s.contains(word))
        && !s.starts_with('各')
}

/// Drops the state prefix `中华人民共和国` from an organ name.
fn normalize_org(s: &str) -> String {
    match s.strip_prefix(STATE_PREFIX) {
        Some(rest) if is_org_name(rest) => rest.to_string(),
        _ => s.to_string(),
    }
}

/// Splits `X、Y`, `X Y`, `X，Y` into organ names; `None` unless every part
/// (ignoring parts without any ideograph, such as stray markup) is an organ.
fn split_orgs(s: &str) -> Option<Vec<String>> {
    let parts: Vec<&str> = s
        .split(|c: char| c.is_whitespace() || matches!(c, '、' | '，' | ','))
        .filter(|part| part.chars().any(is_han))
        .collect();
    if parts.is_empty() || parts.len() > 8 || !parts.iter().all(|part| is_org_name(part)) {
        return None;
    }
    Some(parts.iter().map(|part| normalize_org(part)).collect())
}

/// Splits a `发文机关：` value; unlike [`split_orgs`] it trusts the label and
/// keeps names without a typical ending.
fn split_orgs_loose(s: &str) -> Vec<String> {
    s.split(|c: char| c.is_whitespace() || matches!(c, '、' | '，' | ',' | '；' | ';'))
        .filter(|part| part.chars().any(is_han))
        .map(normalize_org)
        .collect()
}

/// Organ names making up a whole line, if it is such a line.
fn org_line(line: &Line) -> Option<Vec<String>> {
    split_orgs(&line.text)
}

/// The issuer part of a title, as accepted by `parse`. The issuer part ends
/// at the first `关于`; inside it `X转发Y` / `X批转Y` / `X印发` / `X对` leave
/// X, the first such prefix that `parse` accepts winning over the whole part.
/// Without `关于`, only marker prefixes are tried. `对` is a marker only in
/// replies (`X对…的答复`), so that `中华人民共和国海关对…监管的暂行办法` does
/// not name an issuer.
fn title_issuer_prefix<T>(title: &str, parse: impl Fn(&str) -> Option<T>) -> Option<T> {
    let guanyu = title.find("关于");
    let head = guanyu.map_or(title, |pos| title.get(..pos).unwrap_or(""));
    let reply = doctype_of(title).as_deref() == Some("答复");
    let mut cuts: Vec<usize> = TITLE_ISSUER_MARKERS
        .iter()
        .filter(|marker| reply || **marker != "对")
        .flat_map(|marker| head.match_indices(marker).map(|(pos, _)| pos))
        .collect();
    cuts.sort_unstable();
    if guanyu.is_some() {
        cuts.push(head.len());
    }
    cuts.into_iter()
        .find_map(|cut| head.get(..cut).and_then(&parse))
}

/// Issuers named at the start of a title; see [`title_issuer_prefix`].
fn issuers_from_title(title: &str) -> Vec<String> {
    title_issuer_prefix(title, split_orgs).unwrap_or_default()
}

/// The issuer part of a title issued by `X等N部门` ("X and N-1 other
/// organs").
#[derive(Debug, PartialEq, Eq)]
struct JointTitle {
    /// The organ(s) named: X.
    leads: Vec<String>,
    /// N, when given; always more than the organs named.
    count: Option<usize>,
}

/// Parses `X等N部门`, `X、Y等部门`, `X等六部门`, `X等5个部门`, `X等3单位`,
/// `X等十部委`, optionally followed by `联合`, as the issuer part of a title
/// (see [`title_issuer_prefix`]).
fn joint_from_title(title: &str) -> Option<JointTitle> {
    title_issuer_prefix(title, |prefix| {
        let caps = JOINT_RE.captures(prefix)?;
        let leads = split_orgs(caps.name("lead")?.as_str())?;
        let count = match caps.name("n").map(|m| m.as_str()) {
            None => None,
            Some(n) => Some(
                n.parse::<usize>()
                    .ok()
                    .or_else(|| cn_small(&n.replace('两', "二")).map(|n| n as usize))
                    .filter(|n| *n > leads.len())?,
            ),
        };
        Some(JointTitle { leads, count })
    })
}

/// Whether two spellings name the same organ: equal, or one is the other
/// with a longer place name (`新疆维吾尔自治区商务厅` / `自治区商务厅`).
fn same_org(a: &str, b: &str) -> bool {
    a.ends_with(b) || b.ends_with(a)
}

/// Issuers of a `X等N部门` title: a `发文机关` label listing several organs;
/// else the signature block when it lists several organs and either N of
/// them or the lead(s) among them; else the lead(s), each given its full
/// name when a label (`发文机关`, `发布机构`), the signature or the text
/// spells it out.
fn joint_issuers(
    joint: &JointTitle,
    labelled: &[String],
    publisher: &[String],
    signature: Option<&Signature>,
    lines: &[Line],
) -> Vec<String> {
    if labelled.len() >= 2 {
        return labelled.to_vec();
    }
    if let Some(sig) = signature {
        let listed = sig.issuers.len() >= 2
            && (joint.count == Some(sig.issuers.len())
                || joint
                    .leads
                    .iter()
                    .all(|lead| sig.issuers.iter().any(|org| same_org(org, lead))));
        if listed {
            return sig.issuers.clone();
        }
    }
    let known: Vec<&String> = labelled
        .iter()
        .chain(publisher)
        .chain(signature.map_or(&[][..], |sig| &sig.issuers[..]))
        .collect();
    joint
        .leads
        .iter()
        .map(|lead| {
            known
                .iter()
                .find(|org| org.len() > lead.len() && org.ends_with(lead.as_str()))
                .map(|org| org.to_string())
                .or_else(|| full_provincial_name(lead, lines))
                .unwrap_or_else(|| lead.clone())
        })
        .collect()
}

/// Provincial-level place names (without 省/市/自治区) by the level word that
/// follows them in organ names.
const PROVINCES: &[(&str, &[&str])] = &[
    (
        "省",
        &[
            "河北",
            "山西",
            "辽宁",
            "吉林",
            "黑龙江",
            "江苏",
            "浙江",
            "安徽",
            "福建",
            "江西",
            "山东",
            "河南",
            "湖北",
            "湖南",
            "广东",
            "海南",
            "四川",
            "贵州",
            "云南",
            "陕西",
            "甘肃",
            "青海",
            "台湾",
        ],
    ),
    (
        "自治区",
        &["内蒙古", "广西壮族", "西藏", "宁夏回族", "新疆维吾尔"],
    ),
];

/// `自治区商务厅` → `新疆维吾尔自治区商务厅` when the text spells the organ
/// out with a provincial-level place name (the first such spelling wins).
fn full_provincial_name(lead: &str, lines: &[Line]) -> Option<String> {
    let (_, places) = PROVINCES
        .iter()
        .find(|(level, _)| lead.starts_with(level))?;
    lines.iter().find_map(|line| {
        line.compact.match_indices(lead).find_map(|(pos, _)| {
            let before = line.compact.get(..pos)?;
            places
                .iter()
                .find(|place| before.ends_with(*place))
                .map(|place| format!("{place}{lead}"))
        })
    })
}

/// Issuers from the head (版头): `X文件`, `X令`, or lines consisting of organ
/// names only. Title and number lines are skipped.
fn issuers_from_head(
    lines: &[Line],
    head_end: usize,
    title_lines: &std::ops::Range<usize>,
    docno_line: Option<usize>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate().take(head_end) {
        if title_lines.contains(&i) || Some(i) == docno_line {
            continue;
        }
        let text = line.text.as_str();
        if let Some(orgs) = text
            .strip_suffix("文件")
            .and_then(split_orgs)
            .or_else(|| {
                line.compact
                    .strip_suffix('令')
                    .filter(|name| is_org_name(name))
                    .map(|name| vec![normalize_org(name)])
            })
            .or_else(|| org_line(line))
        {
            out.extend(orgs);
        }
    }
    out
}

/// A signer line `总理 李克强`: a position and a personal name.
fn is_signer_line(line: &Line) -> bool {
    let parts: Vec<&str> = line.text.split(' ').collect();
    let [position, name] = parts.as_slice() else {
        return false;
    };
    let name_len = name.chars().count();
    let position_ok = ["长", "理", "主任", "主席", "书记"]
        .iter()
        .any(|end| position.ends_with(end));
    position_ok
        && (2..=4).contains(&name_len)
        && position.chars().all(is_han)
        && name.chars().all(is_han)
}

/// The first signature block at or after line `from`: a line holding only a
/// Chinese date (`2023年5月12日`, `二〇二三年五月十二日`) right after organ
/// lines (up to four, e.g. one per joint issuer) or a `职务 姓名` line.
fn find_signature(lines: &[Line], from: usize, years: (i32, i32)) -> Option<Signature> {
    for i in from.max(1)..lines.len() {
        let Some(date) = whole_date(&lines[i].compact, years).filter(|(_, cn)| *cn) else {
            continue;
        };
        let mut groups = Vec::new();
        let mut j = i;
        while j > from && groups.len() < 4 {
            match org_line(&lines[j - 1]) {
                Some(orgs) => groups.push(orgs),
                None => break,
            }
            j -= 1;
        }
        if !groups.is_empty() {
            groups.reverse();
            return Some(Signature {
                issuers: groups.concat(),
                date: date.0,
                line: i,
            });
        }
        if j == i && i > from && is_signer_line(&lines[i - 1]) {
            return Some(Signature {
                issuers: Vec::new(),
                date: date.0,
                line: i,
            });
        }
    }
    None
}

/// The first line at or after `from` that holds only a date.
fn first_date_line(lines: &[Line], from: usize, years: (i32, i32)) -> Option<Ymd> {
    lines.iter().skip(from).find_map(|line| {
        whole_date(&line.compact, years)
            .or_else(|| whole_date(&line.text, years))
            .map(|(date, _)| date)
    })
}

/// Drops trailing punctuation and whitespace from a title.
fn clean_title(s: &str) -> String {
    s.trim()
        .trim_end_matches(['。', '：', ':', '，'])
        .trim()
        .to_string()
}

/// Title text of a head line: letter-spaced lines (`几 个 问 题 的 通 知`)
/// lose their spaces; other spacing (`X Y关于`) is kept.
fn title_piece_text(line: &Line) -> String {
    let parts: Vec<&str> = line.text.split(' ').collect();
    let singles = parts.iter().filter(|p| p.chars().count() == 1).count();
    if parts.len() >= 3 && singles * 3 >= parts.len() * 2 {
        line.compact.clone()
    } else {
        line.text.clone()
    }
}

/// Whether a head line can be (part of) the title.
fn is_title_piece(line: &Line) -> bool {
    let n = line.compact.chars().count();
    (2..=80).contains(&n)
        && line.compact.chars().any(is_han)
        && !is_body(line)
        && !is_addressee(line)
        && !is_label_line(line)
        && !has_standalone_docno(line)
        && whole_date(&line.compact, (1900, 2100)).is_none()
        && line
            .compact
            .strip_suffix("文件")
            .is_none_or(|issuer| split_orgs(issuer).is_none())
}

/// A title names its issuer or subject structurally: `关于`, or an issuer
/// followed by `转发`/`批转`/`印发`/`对`.
fn has_title_marker(t: &str) -> bool {
    t.contains("关于") || !issuers_from_title(t).is_empty()
}

/// Paired brackets and quotes are all closed, so a wrapped title that stops
/// inside `《…》` (`…《中华人民共和国药品管理法`) is not taken as complete.
fn balanced(t: &str) -> bool {
    let count = |c: char| t.chars().filter(|x| *x == c).count();
    [
        ('《', '》'),
        ('（', '）'),
        ('(', ')'),
        ('“', '”'),
        ('〈', '〉'),
    ]
    .iter()
    .all(|(open, close)| count(*open) == count(*close))
}

/// A complete `…关于…的<文种>`-style title.
fn is_marked_title(t: &str) -> bool {
    balanced(t) && doctype_of(t).is_some() && has_title_marker(t)
}

/// Finds the title in the head; see [`extract_meta`].
fn find_title(lines: &[Line], head_end: usize) -> Option<TitleHit> {
    let limit = head_end.min(TITLE_MAX_LINES);
    let pieces: Vec<Option<String>> = lines
        .iter()
        .take(limit)
        .map(|line| is_title_piece(line).then(|| title_piece_text(line)))
        .collect();
    let make = |text: String, start: usize, end: usize, strong: bool| {
        let text = clean_title(&text);
        (text.chars().count() <= 150).then_some(TitleHit {
            text,
            start,
            end,
            strong,
        })
    };
    let hit = |text: String, start: usize, end: usize| {
        let (text, start) = extend_title_up(lines, &pieces, text, start);
        make(text, start, end, true)
    };
    let weak = |text, start, end| make(text, start, end, false);

    // A. One line with a marker and a 文种 ending. A `关于…` line takes the
    //    line above when that line holds the issuer part (`X转发Y` / `X`), or
    //    the organ lines right above it.
    for (i, piece) in pieces.iter().enumerate() {
        let Some(t) = piece else { continue };
        if !is_marked_title(t) {
            continue;
        }
        if !t.starts_with("关于") || i == 0 {
            return hit(t.clone(), i, i + 1);
        }
        if let Some(Some(prev)) = pieces.get(i - 1) {
            let joined = format!("{prev}{t}");
            if !issuers_from_title(&joined).is_empty() {
                return hit(joined, i - 1, i + 1);
            }
        }
        let mut orgs = Vec::new();
        let mut j = i;
        while j > 0 && i - j < 3 {
            match org_line(&lines[j - 1]) {
                Some(found) => orgs.splice(0..0, found),
                None => break,
            };
            j -= 1;
        }
        if orgs.is_empty() {
            return hit(t.clone(), i, i + 1);
        }
        return hit(format!("{}{}", orgs.join("、"), t), j, i + 1);
    }
    // B. Wrapped over up to four lines, starting with an issuer or `关于`.
    for (i, piece) in pieces.iter().enumerate() {
        let Some(first) = piece else { continue };
        let starts_title = first.contains("关于")
            || org_line(&lines[i]).is_some()
            || TITLE_ISSUER_MARKERS[..3].iter().any(|m| first.contains(m));
        if !starts_title {
            continue;
        }
        let mut text = first.clone();
        for (j, next) in pieces.iter().enumerate().skip(i + 1).take(3) {
            let Some(next) = next else { break };
            text = join_wrapped(&text, next);
            if is_marked_title(&text) {
                return hit(text, i, j + 1);
            }
        }
    }
    // C. A short line (or two) ending in a 文种, near the top.
    for (i, piece) in pieces.iter().enumerate().take(6) {
        let Some(t) = piece else { continue };
        if org_line(&lines[i]).is_some() {
            continue;
        }
        if balanced(t) && doctype_of(t).is_some() {
            return weak(t.clone(), i, i + 1);
        }
        if let Some(Some(next)) = pieces.get(i + 1) {
            let joined = format!("{t}{next}");
            if balanced(&joined) && doctype_of(next).is_some() {
                return weak(joined, i, i + 2);
            }
        }
    }
    None
}

/// Organs whose local branches carry the parent's name in front:
/// `国家税务总局四川省税务局`, `中国人民银行济南分行`. A wrapped line ending in
/// one of them continues the same name on the next line.
const BRANCH_PARENTS: &[&str] = &[
    "国家税务总局",
    "中国人民银行",
    "国家外汇管理局",
    "国家金融监督管理总局",
];

/// Splits on the separators of an organ list.
fn org_tokens(s: &str) -> Vec<&str> {
    s.split(|c: char| c.is_whitespace() || matches!(c, '、' | '，' | ','))
        .filter(|part| !part.is_empty())
        .collect()
}

/// `s` starts with an organ name: its first token is one, or has one
/// before `关于` or a marker (`成都海关关于印发《…`).
fn starts_with_org(s: &str) -> bool {
    org_tokens(s)
        .first()
        .is_some_and(|first| is_org_name(first) || title_issuer_prefix(first, split_orgs).is_some())
}

/// Joins a wrapped title line `next` to the text before it. A break right
/// after a complete list of organs, before another organ (`X Y` / `Z关于…`),
/// separates two organs and becomes a space, like the spaces between joint
/// issuers on one line; any other break falls inside a word and is dropped
/// (`…国家税务总局四` / `川省税务局关于…`).
fn join_wrapped(acc: &str, next: &str) -> String {
    let between_orgs = split_orgs(acc).is_some()
        && !BRANCH_PARENTS.iter().any(|parent| acc.ends_with(parent))
        && starts_with_org(next);
    if between_orgs {
        format!("{acc} {next}")
    } else {
        format!("{acc}{next}")
    }
}

/// Extends a title found at line `start` upwards over up to two lines that
/// hold the beginning of its issuer list: a line of organ names (`四川省商务厅
/// 四川省公安厅` / `成都海关关于…`), or one whose last name is cut off by the
/// line break (`… 国家税务总局四` / `川省税务局关于…`). The joined title must
/// begin with a list of distinct organs, so a 版头 line repeating the issuer
/// is not taken. The line above must be a plausible wrapped line: more than
/// one name, or about as long as the line below it.
fn extend_title_up(
    lines: &[Line],
    pieces: &[Option<String>],
    mut text: String,
    mut start: usize,
) -> (String, usize) {
    let first_len = lines
        .get(start)
        .map_or(0, |line| line.compact.chars().count());
    let original = start;
    while start > 0 && original - start < 2 {
        let (Some(Some(prev)), Some(prev_line)) = (pieces.get(start - 1), lines.get(start - 1))
        else {
            break;
        };
        let tokens = org_tokens(&prev_line.text);
        let Some((last, rest)) = tokens.split_last() else {
            break;
        };
        // A single short name above the title is more likely a banner
        // (`成都市人民政府` above `成都市商务局关于…`) than a wrapped line.
        let wrapped = !rest.is_empty() || {
            let n = prev_line.compact.chars().count();
            n >= 8 && n * 4 >= first_len * 3
        };
        let org_list = is_org_name(last) && !text.starts_with("关于");
        let cut_off = !is_org_name(last) && last.chars().all(is_han);
        if !(wrapped && rest.iter().all(|t| is_org_name(t)) && (org_list || cut_off)) {
            break;
        }
        let joined = join_wrapped(prev, &text);
        let orgs = issuers_from_title(&joined);
        if orgs.is_empty() || dedup(orgs.clone()).len() != orgs.len() {
            break;
        }
        text = joined;
        start -= 1;
    }
    (text, start)
}

/// A title hint unless it is site chrome. Hints like `标题 - 网站名` or
/// `标题_栏目` are cut at the separator; segments naming a site or a home
/// page are dropped.
fn sane_title_hint(hint: &str) -> Option<String> {
    let normalized = hint.split_whitespace().collect::<Vec<_>>().join(" ");
    let segments = normalized
        .split(['|', '｜', '_'])
        .flat_map(|seg| seg.split(" - "))
        .flat_map(|seg| seg.split(" – "))
        .flat_map(|seg| seg.split(" — "))
        .map(str::trim);
    segments
        .filter(|seg| {
            !seg.contains("首页")
                && !seg.contains("门户")
                && !seg.contains("网站")
                && !seg.ends_with('网')
                && !seg.ends_with("频道")
                && !seg.ends_with("栏目")
        })
        .find(|seg| seg.chars().count() >= 4 && seg.chars().count() <= 200)
        .map(clean_title)
}

/// 文种 from the end of a title; see [`DOCTYPES`].
fn doctype_of(title: &str) -> Option<String> {
    let mut t = title
        .trim()
        .trim_end_matches(['。', '.', '：', ':'])
        .trim_end();
    // Drop trailing qualifiers: （试行）, （2023年修订）, （征求意见稿）.
    while let Some(stripped) = t.strip_suffix(['）', ')']) {
        match stripped.rfind(['（', '(']) {
            Some(open) => t = stripped.get(..open).unwrap_or("").trim_end(),
            None => break,
        }
    }
    let t = t.trim_end_matches(['》', '”', '"']);
    let mut best: Option<&str> = None;
    for candidate in DOCTYPES {
        if t.ends_with(candidate)
            && best.is_none_or(|b| candidate.chars().count() > b.chars().count())
        {
            best = Some(candidate);
        }
    }
    let best = best?;
    if best == "法" {
        let before = t
            .strip_suffix('法')
            .and_then(|rest| rest.chars().next_back());
        if before.is_none_or(|c| NOT_LAW_BEFORE_FA.contains(&c)) {
            return None;
        }
    }
    Some(best.to_string())
}

fn dedup(items: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(items.len());
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

// ---------------------------------------------------------------------------
// Dates
// ---------------------------------------------------------------------------

/// A date found in a string: byte span, value, and whether it was written
/// in Chinese (年月日) form.
#[derive(Debug)]
struct DateHit {
    start: usize,
    end: usize,
    date: Ymd,
    chinese: bool,
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

/// Validates a date against the calendar and the allowed year range.
fn valid_date(year: i32, month: u32, day: u32, years: (i32, i32)) -> Option<Ymd> {
    if !(years.0..=years.1).contains(&year)
        || !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
    {
        return None;
    }
    Some((year, u8::try_from(month).ok()?, u8::try_from(day).ok()?))
}

fn cn_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '○' | '零' | 'O' | 'o' | '0' | 'Ｏ' => 0,
        '一' => 1,
        '二' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// A year written digit by digit: `二〇二三` → 2023.
fn cn_year(s: &str) -> Option<i32> {
    s.chars().try_fold(0i32, |acc, c| {
        Some(acc * 10 + i32::try_from(cn_digit(c)?).ok()?)
    })
}

/// A number below 100 in Chinese numerals: `五`, `十`, `十二`, `二十`, `三十一`.
fn cn_small(s: &str) -> Option<u32> {
    let chars: Vec<char> = s.chars().collect();
    match chars.as_slice() {
        [d] if *d != '十' => cn_digit(*d),
        ['十'] => Some(10),
        ['十', u] => Some(10 + cn_digit(*u)?),
        [t, '十'] => Some(cn_digit(*t)? * 10),
        [t, '十', u] => Some(cn_digit(*t)? * 10 + cn_digit(*u)?),
        _ => None,
    }
}

fn en_month(s: &str) -> Option<u32> {
    let lower = s.to_ascii_lowercase();
    let month = match lower.get(..3)? {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    Some(month)
}

/// Every valid date in `s`, in order of position.
fn find_dates(s: &str, years: (i32, i32)) -> Vec<DateHit> {
    let mut hits = Vec::new();
    let num = |m: Option<regex::Match>| m.and_then(|m| m.as_str().parse::<u32>().ok());
    for caps in DATE_CN_ARABIC_RE.captures_iter(s) {
        if let (Some(whole), Some(y), Some(m), Some(d)) = (
            caps.get(0),
            num(caps.get(1)),
            num(caps.get(2)),
            num(caps.get(3)),
        ) {
            if let Some(date) = i32::try_from(y)
                .ok()
                .and_then(|y| valid_date(y, m, d, years))
            {
                hits.push(DateHit {
                    start: whole.start(),
                    end: whole.end(),
                    date,
                    chinese: true,
                });
            }
        }
    }
    for caps in DATE_CN_NUMERAL_RE.captures_iter(s) {
        let parsed = (|| {
            let y = cn_year(caps.get(1)?.as_str())?;
            let m = cn_small(caps.get(2)?.as_str())?;
            let d = cn_small(caps.get(3)?.as_str())?;
            valid_date(y, m, d, years)
        })();
        if let (Some(whole), Some(date)) = (caps.get(0), parsed) {
            hits.push(DateHit {
                start: whole.start(),
                end: whole.end(),
                date,
                chinese: true,
            });
        }
    }
    for caps in DATE_NUMERIC_RE.captures_iter(s) {
        let Some(whole) = caps.get(0) else { continue };
        let before = s.get(..whole.start()).and_then(|b| b.chars().next_back());
        let after = s.get(whole.end()..).and_then(|a| a.chars().next());
        let bounded = !before.is_some_and(|c| c.is_ascii_digit() || c == '.')
            && !after.is_some_and(|c| c.is_ascii_digit());
        let same_sep = caps.get(2).map(|m| m.as_str()) == caps.get(4).map(|m| m.as_str());
        if !bounded || !same_sep {
            continue;
        }
        if let (Some(y), Some(m), Some(d)) = (num(caps.get(1)), num(caps.get(3)), num(caps.get(5)))
        {
            if let Some(date) = i32::try_from(y)
                .ok()
                .and_then(|y| valid_date(y, m, d, years))
            {
                hits.push(DateHit {
                    start: whole.start(),
                    end: whole.end(),
                    date,
                    chinese: false,
                });
            }
        }
    }
    for (re, month_at, day_at) in [(&*DATE_EN_MDY_RE, 1, 2), (&*DATE_EN_DMY_RE, 2, 1)] {
        for caps in re.captures_iter(s) {
            let parsed = (|| {
                let m = en_month(caps.get(month_at)?.as_str())?;
                let d = num(caps.get(day_at))?;
                let y = i32::try_from(num(caps.get(3))?).ok()?;
                valid_date(y, m, d, years)
            })();
            if let (Some(whole), Some(date)) = (caps.get(0), parsed) {
                hits.push(DateHit {
                    start: whole.start(),
                    end: whole.end(),
                    date,
                    chinese: false,
                });
            }
        }
    }
    hits.sort_by_key(|hit| hit.start);
    hits
}

/// The first date anywhere in `s`.
fn first_date(s: &str, years: (i32, i32)) -> Option<Ymd> {
    find_dates(s, years).first().map(|hit| hit.date)
}

/// `s` is nothing but a date, optionally in parentheses. Returns the date and
/// whether it is written in Chinese (年月日) form.
fn whole_date(s: &str, years: (i32, i32)) -> Option<(Ymd, bool)> {
    let inner = s.trim();
    let inner = inner
        .strip_prefix(['（', '('])
        .and_then(|rest| rest.strip_suffix(['）', ')']))
        .unwrap_or(inner)
        .trim();
    // Every date form starts with a digit, a Chinese year digit or an English
    // month or day, and ends with 日 or a digit: most lines fail this at once,
    // before five regexes scan them (this ran on every line; ~10% of indexing).
    let first = inner.chars().next()?;
    let last = inner.chars().next_back()?;
    let may_start = first.is_ascii_alphanumeric() || "〇○零Ｏ一二三四五六七八九".contains(first);
    if !may_start || !(last == '日' || last.is_ascii_digit()) {
        return None;
    }
    find_dates(inner, years)
        .into_iter()
        .find(|hit| hit.start == 0 && hit.end == inner.len())
        .map(|hit| (hit.date, hit.chinese))
}

#[cfg(test)]
mod tests;
