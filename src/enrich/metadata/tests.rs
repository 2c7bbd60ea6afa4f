//! Unit tests of the 公文 metadata extractor, on fixtures written by us.

use super::*;

fn zh(text: &str) -> DocMeta {
    extract_meta(text, None, None, "zh")
}

// --- normalize_docno ---------------------------------------------------

#[test]
fn docno_bracket_variants_normalise() {
    for (input, want) in [
        ("国发〔2019〕5号", "国发〔2019〕5号"),
        ("国办函〔2004〕57号", "国办函〔2004〕57号"),
        ("国办发明电〔2018〕15号", "国办发明电〔2018〕15号"),
        ("苏商发[2023]18号", "苏商发〔2023〕18号"),
        ("苏商发［2023］18号", "苏商发〔2023〕18号"),
        ("粤商务贸字（2022）7号", "粤商务贸字〔2022〕7号"),
        ("粤商务贸字(2022)7号", "粤商务贸字〔2022〕7号"),
        ("浙政办发【2021】33号", "浙政办发〔2021〕33号"),
        ("浙政办发〖2021〗33号", "浙政办发〔2021〕33号"),
        ("国发﹝2019﹞5号", "国发〔2019〕5号"),
        ("甬商务〔2023〕第5号", "甬商务〔2023〕5号"),
        (" 川商发 〔 2023 〕 12 号 ", "川商发〔2023〕12号"),
        ("川商发〔２０２３〕０１２号", "川商发〔2023〕12号"),
    ] {
        assert_eq!(normalize_docno(input).as_deref(), Some(want), "{input}");
    }
}

#[test]
fn docno_rejects_non_numbers() {
    for input in [
        "",
        "国发",
        "〔2019〕5号",
        "国发〔19〕5号",
        "国发〔1800〕5号",
        "国发〔2019〕0号",
        "国发〔2019〕5",
        "根据国发〔2019〕5号文件",
        "Guo Fa [2019] No. 5",
    ] {
        assert_eq!(normalize_docno(input), None, "{input}");
    }
}

// --- document numbers in text ------------------------------------------

const PROVINCIAL: &str = "四川省商务厅文件\n\
    川商发〔2023〕12号\n\
    四川省商务厅关于印发《四川省外贸稳增长\n\
    若干措施》的通知\n\
    各市（州）商务主管部门：\n\
    根据《国务院关于推进贸易高质量发展的指导意见》（国发〔2019〕8号）和商务部有关要求，现将《若干措施》印发给你们，请认真贯彻执行。\n\
    附件：四川省外贸稳增长若干措施\n\
    四川省商务厅\n\
    2023年5月12日\n\
    （此件主动公开）";

#[test]
fn provincial_notice_all_fields() {
    let meta = zh(PROVINCIAL);
    assert_eq!(meta.docno.as_deref(), Some("川商发〔2023〕12号"));
    assert_eq!(meta.issuers, vec!["四川省商务厅"]);
    assert_eq!(meta.date, Some((2023, 5, 12)));
    assert_eq!(meta.doctype.as_deref(), Some("通知"));
    assert_eq!(
        meta.title.as_deref(),
        Some("四川省商务厅关于印发《四川省外贸稳增长若干措施》的通知")
    );
}

#[test]
fn docno_variants_in_head() {
    for (line, want) in [
        ("苏商发[2023]18号", "苏商发〔2023〕18号"),
        ("粤商务贸字（2022）7号", "粤商务贸字〔2022〕7号"),
        ("浙政办发【2021】33号", "浙政办发〔2021〕33号"),
        ("甬商务〔2023〕第5号", "甬商务〔2023〕5号"),
        ("（国发〔2019〕5号）", "国发〔2019〕5号"),
        ("川商发〔2023〕12号  签发人：张三", "川商发〔2023〕12号"),
    ] {
        let text = format!("某某市商务局关于做好有关工作的通知\n{line}\n各区县商务局：\n正文。");
        assert_eq!(zh(&text).docno.as_deref(), Some(want), "{line}");
    }
}

#[test]
fn cited_numbers_are_not_the_docno() {
    let text = "关于做好外贸工作的通知\n\
        各区县：\n\
        根据《国务院关于推进贸易高质量发展的指导意见》（国发〔2019〕8号）要求，结合国办发〔2020〕5号文件精神，现通知如下。\n\
        一、加强组织领导。\n\
        某某市商务局\n\
        2023年5月12日";
    let meta = zh(text);
    assert_eq!(meta.docno, None);
    assert_eq!(meta.issuers, vec!["某某市商务局"]);
    assert_eq!(meta.date, Some((2023, 5, 12)));
    // A table of cited documents in the body: numbers alone in cells.
    let text = "关于清理规范性文件的通知\n各区县：\n现将保留文件目录印发如下。\n序号\n文件名称\n文号\n1\n某某办法\n某府发〔2019〕3号";
    assert_eq!(zh(text).docno, None);
}

#[test]
fn head_number_wins_over_later_numbers() {
    let text = "国务院办公厅关于印发某某方案的通知\n\
        国办发〔2019〕2号\n\
        各省、自治区、直辖市人民政府：\n\
        现将方案印发给你们。\n\
        国务院办公厅\n\
        2019年1月1日\n\
        附件\n\
        某某部文件\n\
        某部发〔2018〕9号";
    assert_eq!(zh(text).docno.as_deref(), Some("国办发〔2019〕2号"));
}

#[test]
fn labelled_docno_and_metadata_table() {
    let text = "索 引 号：000014349/2019-00007\n\
        发文机关：国务院\n\
        成文日期：2019年01月27日\n\
        标　　题：国务院关于在市场监管领域全面推行部门联合“双随机、一公开”监管的意见\n\
        发文字号：国发〔2019〕5号\n\
        各省、自治区、直辖市人民政府：\n\
        正文。";
    let meta = zh(text);
    assert_eq!(meta.docno.as_deref(), Some("国发〔2019〕5号"));
    assert_eq!(meta.issuers, vec!["国务院"]);
    assert_eq!(meta.date, Some((2019, 1, 27)));
    assert_eq!(meta.doctype.as_deref(), Some("意见"));
    assert!(meta
        .title
        .as_deref()
        .is_some_and(|t| t.ends_with("监管的意见")));
}

#[test]
fn trailing_docno_label_and_split_cells() {
    let text = "关于开展专项检查的通知\n各单位：\n请认真开展检查。\n某某县人民政府办公室\n2022年3月1日\n文号：\n某府办发(2022)3号";
    let meta = zh(text);
    assert_eq!(meta.docno.as_deref(), Some("某府办发〔2022〕3号"));
    assert_eq!(meta.issuers, vec!["某某县人民政府办公室"]);
}

// --- issuers -----------------------------------------------------------

#[test]
fn joint_issuers_from_title() {
    let text = "成都市商务局、成都市财政局关于做好2023年外经贸发展专项资金申报工作的通知\n成商发〔2023〕3号\n各区（市）县：\n正文。";
    assert_eq!(zh(text).issuers, vec!["成都市商务局", "成都市财政局"]);
    let text = "成都市商务局 成都市财政局关于做好申报工作的通知\n各区县：\n正文。";
    assert_eq!(zh(text).issuers, vec!["成都市商务局", "成都市财政局"]);
    let text = "国务院、中央军委关于同意某某迁址新建的批复\n国函〔1996〕95号\n武警总部：\n同意。";
    let meta = zh(text);
    assert_eq!(meta.issuers, vec!["国务院", "中央军委"]);
    assert_eq!(meta.doctype.as_deref(), Some("批复"));
}

#[test]
fn joint_issuers_from_signature_block() {
    let text = "关于做好申报工作的通知\n各区县：\n现将有关事项通知如下。\n\
        成都市商务局\n成都市财政局\n2023年5月12日";
    let meta = zh(text);
    assert_eq!(meta.issuers, vec!["成都市商务局", "成都市财政局"]);
    assert_eq!(meta.date, Some((2023, 5, 12)));
    let text = "关于某事项的批复\n武警总部：\n同意。\n国务院　中央军委\n一九九六年十一月五日";
    assert_eq!(zh(text).issuers, vec!["国务院", "中央军委"]);
}

#[test]
fn issuers_from_head_lines() {
    let text = "成都市商务局文件\n成商发〔2023〕1号\n关于开展某项工作的通知\n各区县：\n正文。";
    assert_eq!(zh(text).issuers, vec!["成都市商务局"]);
    let text =
        "成都市商务局 成都市财政局\n成商发〔2023〕2号\n关于开展某项工作的通知\n各区县：\n正文。";
    assert_eq!(zh(text).issuers, vec!["成都市商务局", "成都市财政局"]);
    let text = "专利代理条例\n中华人民共和国国务院令\n第706号\n现公布修订后的《专利代理条例》。\n总理　李克强\n2018年11月6日\n专利代理条例";
    let meta = zh(text);
    assert_eq!(meta.issuers, vec!["国务院"]);
    assert_eq!(meta.date, Some((2018, 11, 6)));
    assert_eq!(meta.doctype.as_deref(), Some("条例"));
    assert_eq!(meta.docno, None);
}

#[test]
fn forwarding_issuer_is_the_forwarder() {
    let text = "国务院办公厅转发国家地震局\n关于加强防震减灾工作意见报告的通知\n国办发〔1996〕2号\n\
        各省、自治区、直辖市人民政府：\n国家地震局《报告》已经国务院同意，现转发给你们。\n\
        国务院办公厅\n一九九六年二月五日\n关于加强防震减灾工作意见的报告\n国务院：\n正文。\n国家地震局\n一九九六年一月二十五日";
    let meta = zh(text);
    assert_eq!(meta.issuers, vec!["国务院办公厅"]);
    assert_eq!(meta.date, Some((1996, 2, 5)));
    assert_eq!(meta.doctype.as_deref(), Some("通知"));
    assert_eq!(
        meta.title.as_deref(),
        Some("国务院办公厅转发国家地震局关于加强防震减灾工作意见报告的通知")
    );
    let title = "某某市人民政府批转市发展改革委2023年经济体制改革要点的通知";
    assert_eq!(issuers_from_title(title), vec!["某某市人民政府"]);
    let title = "国务院办公厅对全国政协十届四次会议第4626号提案的答复";
    assert_eq!(issuers_from_title(title), vec!["国务院办公厅"]);
}

#[test]
fn state_council_versus_its_general_office() {
    assert_eq!(
        issuers_from_title("国务院办公厅关于某事的通知"),
        vec!["国务院办公厅"]
    );
    assert_eq!(issuers_from_title("国务院关于某事的通知"), vec!["国务院"]);
    assert_eq!(
        issuers_from_title("国务院、中央军委关于某事的通知"),
        vec!["国务院", "中央军委"]
    );
    assert!(issuers_from_title("关于印发某某局工作要点的通知").is_empty());
    assert!(issuers_from_title("关于对外贸易的通知").is_empty());
}

// --- joint issuers, branch organs, 等N部门 ------------------------------

#[test]
fn customs_bank_branch_and_police_units_are_organs() {
    for name in [
        "成都海关",
        "南京海关",
        "中国人民银行济南分行",
        "中国人民银行某某市中心支行",
        "国家税务总局四川省税务局",
        "某某市税务局",
        "某某市公安局交通警察支队",
        "某某县公安局交通警察大队",
    ] {
        assert!(is_org_name(name), "{name}");
    }
    for name in [
        "海关",
        "分行",
        "支队",
        "总局",
        "办公厅",
        "国家税务总局四",
        "各隶属海关",
    ] {
        assert!(!is_org_name(name), "{name}");
    }
}

#[test]
fn joint_issuers_with_customs_in_title() {
    // Spaces and U+3000 between the organs of a one-line title.
    for sep in [" ", "\u{3000}", "\u{3000}\u{3000}"] {
        let text = format!(
            "甲省商务厅\n甲商贸〔2022〕21号\n甲省商务厅{sep}甲省公安厅{sep}乙海关关于开展企业资质申报工作的通知\n各设区市商务局：\n现将有关事项通知如下。"
        );
        let meta = zh(&text);
        assert_eq!(
            meta.issuers,
            vec!["甲省商务厅", "甲省公安厅", "乙海关"],
            "{sep:?}"
        );
        assert_eq!(
            meta.title.as_deref(),
            Some("甲省商务厅 甲省公安厅 乙海关关于开展企业资质申报工作的通知")
        );
    }
    // Wrapped inside the book title; the issuer part is on the first line.
    let text = "甲市商务局文件\n甲商规〔2023〕5号\n甲市商务局 甲市公安局 甲海关关于印发《甲\n市某某业务管理实施细则》的通知\n各区商务主管部门：\n正文。";
    let meta = zh(text);
    assert_eq!(meta.issuers, vec!["甲市商务局", "甲市公安局", "甲海关"]);
    assert_eq!(meta.doctype.as_deref(), Some("通知"));
}

#[test]
fn joint_signature_blocks_over_two_lines() {
    let text = "关于做好某项工作的通知\n各市商务局：\n现将有关事项通知如下。\n\
        联系人：省商务厅对外贸易处\u{3000}刘处长\u{3000}025-57710123\n\
        甲省商务厅\u{3000}甲省公安厅\u{3000}甲省财政厅\n\
        中国人民银行甲市分行\u{3000}乙海关\u{3000}国家税务总局甲省税务局\n\
        2023年3月20日\n（此件主动公开）";
    let meta = zh(text);
    assert_eq!(
        meta.issuers,
        vec![
            "甲省商务厅",
            "甲省公安厅",
            "甲省财政厅",
            "中国人民银行甲市分行",
            "乙海关",
            "国家税务总局甲省税务局"
        ]
    );
    assert_eq!(meta.date, Some((2023, 3, 20)));
}

#[test]
fn issuer_name_cut_by_a_line_break_in_the_title() {
    // The break falls inside `国家税务总局四川省税务局`.
    let text = "四川省商务厅\n川商发〔2023〕12号\n\
        四川省商务厅 四川省公安厅 成都海关 国家税务总局四\n\
        川省税务局关于印发《四川省推动某某业务高质量发展工\n\
        作方案》的通知\n各市（州）商务主管部门：\n现印发给你们，请认真贯彻落实。\n\
        四川省商务厅 四川省公安厅\n成都海关 国家税务总局四川省税务局\n2023年3月20日";
    let meta = zh(text);
    let orgs = vec![
        "四川省商务厅",
        "四川省公安厅",
        "成都海关",
        "国家税务总局四川省税务局",
    ];
    assert_eq!(meta.issuers, orgs);
    assert_eq!(
        meta.title.as_deref(),
        Some("四川省商务厅 四川省公安厅 成都海关 国家税务总局四川省税务局关于印发《四川省推动某某业务高质量发展工作方案》的通知")
    );
    assert_eq!(meta.docno.as_deref(), Some("川商发〔2023〕12号"));
    assert_eq!(meta.date, Some((2023, 3, 20)));
    // The break falls between two organs: it becomes a space.
    let text = "川商发〔2023〕12号\n四川省商务厅 四川省公安厅\n\
        成都海关 国家税务总局四川省税务局关于印发《某某方案》的通知\n各市（州）：\n正文。";
    let meta = zh(text);
    assert_eq!(meta.issuers, orgs);
    assert!(meta
        .title
        .as_deref()
        .is_some_and(|t| t.starts_with("四川省商务厅 四川省公安厅 成都海关 国家")));
    // … also when the title wraps again further on.
    let text = "川商发〔2023〕12号\n四川省商务厅 四川省公安厅\n\
        成都海关关于印发《四川省推动某某业务高质量发展工\n作方案》的通知\n各市（州）：\n正文。";
    let meta = zh(text);
    assert_eq!(
        meta.issuers,
        vec!["四川省商务厅", "四川省公安厅", "成都海关"]
    );
    // A parent organ at the end of a line continues on the next one.
    let text = "川商发〔2023〕12号\n四川省商务厅 国家税务总局\n\
        四川省税务局关于印发《四川省推动某某业务高质量发展工\n作方案》的通知\n各市（州）：\n正文。";
    assert_eq!(
        zh(text).issuers,
        vec!["四川省商务厅", "国家税务总局四川省税务局"]
    );
}

#[test]
fn lines_above_the_title_that_are_not_its_issuers() {
    // A 版头 repeating the issuer right above the title.
    let text =
        "四川省商务厅\n四川省商务厅 四川省公安厅关于做好某项工作的通知\n各市（州）：\n正文。";
    let meta = zh(text);
    assert_eq!(meta.issuers, vec!["四川省商务厅", "四川省公安厅"]);
    assert_eq!(
        meta.title.as_deref(),
        Some("四川省商务厅 四川省公安厅关于做好某项工作的通知")
    );
    // A short marker line is not the start of a cut-off name.
    let text = "特急\n四川省商务厅关于做好某项工作的通知\n各市（州）：\n正文。";
    let meta = zh(text);
    assert_eq!(meta.issuers, vec!["四川省商务厅"]);
    assert_eq!(
        meta.title.as_deref(),
        Some("四川省商务厅关于做好某项工作的通知")
    );
    // A site banner naming one organ above another organ's title.
    let text = "成都市人民政府\n成都市商务局关于做好某项工作的通知\n各区（市）县：\n正文。";
    let meta = zh(text);
    assert_eq!(meta.issuers, vec!["成都市商务局"]);
    assert_eq!(
        meta.title.as_deref(),
        Some("成都市商务局关于做好某项工作的通知")
    );
}

#[test]
fn joint_title_parsing() {
    let lead = |s: &str| vec![s.to_string()];
    for (title, leads, count) in [
        (
            "山东省商务厅等6部门关于推动某某发展的实施意见",
            lead("山东省商务厅"),
            Some(6),
        ),
        (
            "山东省商务厅等六部门关于推动某某发展的实施意见",
            lead("山东省商务厅"),
            Some(6),
        ),
        (
            "山东省商务厅等6个部门关于推动某某发展的实施意见",
            lead("山东省商务厅"),
            Some(6),
        ),
        (
            "自治区商务厅等4部门关于支持某某业务的若干措施",
            lead("自治区商务厅"),
            Some(4),
        ),
        (
            "某某市商务局等部门关于某事的通知",
            lead("某某市商务局"),
            None,
        ),
        (
            "某某市商务局等十部委关于某事的通知",
            lead("某某市商务局"),
            Some(10),
        ),
        (
            "甲省商务厅、甲省财政厅等5部门联合印发《某某办法》的通知",
            vec!["甲省商务厅".to_string(), "甲省财政厅".to_string()],
            Some(5),
        ),
    ] {
        assert_eq!(
            joint_from_title(title),
            Some(JointTitle { leads, count }),
            "{title}"
        );
    }
    assert_eq!(joint_from_title("关于某某部门等工作的通知"), None);
    assert_eq!(joint_from_title("某某市商务局关于某事的通知"), None);
    // `等1部门` cannot be right: fewer organs than the leads.
    assert_eq!(joint_from_title("某某市商务局等1部门关于某事的通知"), None);
}

#[test]
fn deng_n_bumen_uses_the_signature_block() {
    let text = "山东省商务厅等6部门关于推动某某发展的实施意见\n鲁商字〔2023〕41号\n各市商务局：\n\
        现提出以下意见。\n本意见自2023年5月1日起施行。\n\
        山东省商务厅\u{3000}山东省公安厅\u{3000}山东省财政厅\n\
        中国人民银行济南分行\u{3000}青岛海关\u{3000}济南海关\n2023年4月11日";
    let meta = zh(text);
    assert_eq!(
        meta.issuers,
        vec![
            "山东省商务厅",
            "山东省公安厅",
            "山东省财政厅",
            "中国人民银行济南分行",
            "青岛海关",
            "济南海关"
        ]
    );
    assert_eq!(meta.doctype.as_deref(), Some("意见"));
    // A short-form lead (`自治区商务厅`) is found in the signature by its
    // full name even when N does not match the number of signatures.
    let text =
        "自治区商务厅等5部门关于支持某某业务的若干措施\n各地商务主管部门：\n制定如下措施。\n\
        新疆维吾尔自治区商务厅　新疆维吾尔自治区公安厅\n乌鲁木齐海关\n2023年9月28日";
    assert_eq!(
        zh(text).issuers,
        vec![
            "新疆维吾尔自治区商务厅",
            "新疆维吾尔自治区公安厅",
            "乌鲁木齐海关"
        ]
    );
}

#[test]
fn deng_n_bumen_without_a_signature_block_is_the_lead() {
    let text = "浙江省商务厅等5部门关于推进某某业务高质量发展的实施意见\n浙商务联发〔2022〕145号\n\
        各市商务局：\n现提出如下实施意见。\n一、总体目标。";
    let meta = zh(text);
    assert_eq!(meta.issuers, vec!["浙江省商务厅"]);
    assert_eq!(meta.docno.as_deref(), Some("浙商务联发〔2022〕145号"));
    // A lone organ above the date is not the list of five.
    let text = "浙江省商务厅等5部门关于推进某某业务高质量发展的实施意见\n各市商务局：\n正文。\n\
        浙江省商务厅\n2022年11月30日";
    assert_eq!(zh(text).issuers, vec!["浙江省商务厅"]);
    // The lead's full name is taken from the text …
    let text = "自治区商务厅等4部门关于支持某某业务的若干措施\n\
        发布时间：2023-10-09 来源：新疆维吾尔自治区商务厅\n各地商务主管部门：\n制定如下措施。";
    assert_eq!(zh(text).issuers, vec!["新疆维吾尔自治区商务厅"]);
    // … or from a `发布机构` label.
    let text = "发布机构： | 新疆维吾尔自治区商务厅\n成文日期： | 2023-09-28\n\
        自治区商务厅等4部门关于支持某某业务的若干措施\n各地商务主管部门：\n制定如下措施。";
    assert_eq!(zh(text).issuers, vec!["新疆维吾尔自治区商务厅"]);
    // Without a full spelling the lead stays as written.
    let text = "自治区商务厅等4部门关于支持某某业务的若干措施\n各地商务主管部门：\n正文。";
    assert_eq!(zh(text).issuers, vec!["自治区商务厅"]);
}

#[test]
fn publisher_label_does_not_override_joint_issuers() {
    let text = "发布机构： | 河南省商务厅\n发文字号： | 豫商贸〔2022〕38号\n\
        河南省商务厅 河南省公安厅关于做好某某申报推荐工作的通知\n各省辖市商务局：\n正文。";
    let meta = zh(text);
    assert_eq!(meta.issuers, vec!["河南省商务厅", "河南省公安厅"]);
    assert_eq!(meta.docno.as_deref(), Some("豫商贸〔2022〕38号"));
    // Nothing else names an issuer: the publisher is the last resort.
    let text =
        "发布机构： | 河南省商务厅\n关于做好某某申报推荐工作的通知\n各省辖市商务局：\n正文。";
    assert_eq!(zh(text).issuers, vec!["河南省商务厅"]);
}

#[test]
fn dui_marks_an_issuer_only_in_replies() {
    assert!(issuers_from_title("中华人民共和国海关对出口加工区监管的暂行办法").is_empty());
    assert_eq!(
        issuers_from_title("某某市人民政府对市政协某某提案的答复"),
        vec!["某某市人民政府"]
    );
}

// --- dates -------------------------------------------------------------

#[test]
fn chinese_numeral_dates() {
    for (s, want) in [
        ("二〇二三年五月十二日", (2023, 5, 12)),
        ("二○二三年五月十二日", (2023, 5, 12)),
        ("二零二三年十二月三十一日", (2023, 12, 31)),
        ("一九九六年十一月五日", (1996, 11, 5)),
        ("二〇〇四年十月二十日", (2004, 10, 20)),
        ("2023 年 5 月 12 日", (2023, 5, 12)),
        ("2023年05月02日", (2023, 5, 2)),
        ("2023-05-12", (2023, 5, 12)),
        ("2023/5/12", (2023, 5, 12)),
        ("2023.5.12", (2023, 5, 12)),
    ] {
        assert_eq!(first_date(s, (1949, 2100)), Some(want), "{s}");
    }
}

#[test]
fn english_dates() {
    for (s, want) in [
        ("May 12, 2023", (2023, 5, 12)),
        ("12 May 2023", (2023, 5, 12)),
        ("Dec. 3, 2022", (2022, 12, 3)),
        ("September 3rd, 2021", (2021, 9, 3)),
        ("BEIJING, Sept. 30, 2021 (Xinhua) --", (2021, 9, 30)),
    ] {
        assert_eq!(first_date(s, (1900, 2100)), Some(want), "{s}");
    }
}

#[test]
fn invalid_dates_are_rejected() {
    for s in [
        "2023年2月30日",
        "2023年13月1日",
        "1900年1月1日",
        "2101年1月1日",
        "二〇二三年十三月一日",
        "2023-02-29",
        "12023-05-12",
        "2023-05/12",
        "Feb 30, 2023",
    ] {
        assert_eq!(first_date(s, (1949, 2100)), None, "{s}");
    }
    assert_eq!(first_date("2024-02-29", (1949, 2100)), Some((2024, 2, 29)));
    assert_eq!(first_date("1920-01-01", (1900, 2100)), Some((1920, 1, 1)));
}

#[test]
fn signature_date_preferred_over_body_dates() {
    let text = "某某市人民政府关于某事的通知\n某府发〔2023〕1号\n各区县人民政府：\n\
        2023年3月1日起施行新的办法。2022年成效显著。\n某某市人民政府\n二〇二三年二月二十日";
    assert_eq!(zh(text).date, Some((2023, 2, 20)));
}

#[test]
fn english_news_dateline() {
    let text = "China unveils measures to stabilize foreign trade\n\
        BEIJING, May 12, 2023 (Xinhua) -- The State Council on Friday announced measures, \
        effective from June 1, 2023.";
    let meta = extract_meta(
        text,
        Some("China unveils measures"),
        Some("2023-05-13"),
        "en",
    );
    assert_eq!(meta.date, Some((2023, 5, 12)));
    assert_eq!(meta.title.as_deref(), Some("China unveils measures"));
    assert_eq!(meta.docno, None);
    let meta = extract_meta("No date in here.", None, Some("2023-05-13T08:00:00Z"), "en");
    assert_eq!(meta.date, Some((2023, 5, 13)));
}

#[test]
fn chinese_news_uses_top_date() {
    let text = "我市外贸实现稳步增长\n2023-05-12 10:30 来源：成都日报\n今年一季度，全市外贸进出口总额同比增长。2022年1月1日以来……";
    let meta = extract_meta(text, None, Some("2023-05-13"), "zh");
    assert_eq!(meta.date, Some((2023, 5, 12)));
    assert!(meta.issuers.is_empty());
}

// --- title and doctype -------------------------------------------------

#[test]
fn doctype_rules() {
    for (title, want) in [
        (
            "国务院办公厅关于加快发展体育竞赛表演产业的指导意见",
            Some("意见"),
        ),
        (
            "国务院关于促进综合保税区高水平开放高质量发展的若干意见",
            Some("意见"),
        ),
        ("国务院办公厅关于科技节水建议的复函", Some("函")),
        ("国务院办公厅关于印发国家粮食应急预案的函", Some("函")),
        ("某某市促进消费若干措施", Some("措施")),
        ("某某条例实施细则", Some("实施细则")),
        ("某某管理细则", Some("细则")),
        ("某某资金管理办法（试行）", Some("办法")),
        ("国务院关于有关规定的决定", Some("决定")),
        ("中华人民共和国对外贸易法", Some("法")),
        ("某某典型做法", None),
        ("首页", None),
    ] {
        assert_eq!(doctype_of(title).as_deref(), want, "{title}");
    }
}

#[test]
fn letter_spaced_and_wrapped_titles() {
    let text = "国务院关于棉粮、糖粮挂钩奖售粮\n几 个 问 题 的 通 知\n国发〔1981〕88号\n各省、市、自治区人民政府：\n正文。";
    let meta = zh(text);
    assert_eq!(
        meta.title.as_deref(),
        Some("国务院关于棉粮、糖粮挂钩奖售粮几个问题的通知")
    );
    let text = "国务院办公厅\n关于辽宁省所提问题\n办理情况的函\n国办函〔2004〕57号\n辽宁省人民政府：\n正文。";
    let meta = zh(text);
    assert_eq!(
        meta.title.as_deref(),
        Some("国务院办公厅关于辽宁省所提问题办理情况的函")
    );
    assert_eq!(meta.issuers, vec!["国务院办公厅"]);
    assert_eq!(meta.doctype.as_deref(), Some("函"));
}

#[test]
fn title_hint_sanity() {
    assert_eq!(sane_title_hint("首页 - 某某网"), None);
    assert_eq!(
        sane_title_hint("关于做好外贸工作的通知_政策文件_某某市人民政府门户网站").as_deref(),
        Some("关于做好外贸工作的通知")
    );
    let meta = extract_meta("正文第一句。", Some("首页 - 某某网"), None, "zh");
    assert_eq!(meta.title, None);
    let meta = extract_meta(
        "正文第一句。",
        Some("某某市商务局关于做好外贸工作的通知 - 某某市商务局网"),
        None,
        "zh",
    );
    assert_eq!(
        meta.title.as_deref(),
        Some("某某市商务局关于做好外贸工作的通知")
    );
    assert_eq!(meta.issuers, vec!["某某市商务局"]);
    assert_eq!(meta.doctype.as_deref(), Some("通知"));
}

#[test]
fn organ_line_above_a_guanyu_title() {
    let text = "成都市商务局\n关于开展外贸企业培训的通知\n各区县：\n正文。";
    let meta = zh(text);
    assert_eq!(
        meta.title.as_deref(),
        Some("成都市商务局关于开展外贸企业培训的通知")
    );
    assert_eq!(meta.issuers, vec!["成都市商务局"]);
}

#[test]
fn wrapped_title_does_not_stop_inside_book_title_marks() {
    let text = "国务院关于在某先行区暂时调整实施\n《中华人民共和国药品管理法\n实施条例》有关规定的决定\n国发〔2018〕43号\n各省：\n正文。";
    let meta = zh(text);
    assert_eq!(meta.doctype.as_deref(), Some("决定"));
    assert!(meta
        .title
        .as_deref()
        .is_some_and(|t| t.ends_with("有关规定的决定")));
}

#[test]
fn decree_title_follows_its_signature() {
    let text = "中华人民共和国国务院令\n第707号\n现公布修订后的《中华人民共和国个人所得税法实施条例》，自2019年1月1日起施行。\n\
        总理　　李克强\n2018年12月18日\n中华人民共和国个人所得税法实施条例\n（1994年1月28日中华人民共和国国务院令第142号发布）\n第一条　本条例根据个人所得税法制定。";
    let meta = zh(text);
    assert_eq!(
        meta.title.as_deref(),
        Some("中华人民共和国个人所得税法实施条例")
    );
    assert_eq!(meta.issuers, vec!["国务院"]);
    assert_eq!(meta.date, Some((2018, 12, 18)));
    assert_eq!(meta.doctype.as_deref(), Some("条例"));
    assert_eq!(meta.docno, None);
}

#[test]
fn markdown_regulation_and_judicial_interpretation() {
    let text = "# 中国（重庆）自由贸易试验区条例\n\n2019年9月26日 重庆市第五届人民代表大会常务委员会第十二次会议通过\n\n## 第一章 总 则\n\n第一条 为了推进自贸试验区建设，制定本条例。";
    let meta = zh(text);
    assert_eq!(
        meta.title.as_deref(),
        Some("中国（重庆）自由贸易试验区条例")
    );
    assert_eq!(meta.date, Some((2019, 9, 26)));
    assert_eq!(meta.doctype.as_deref(), Some("条例"));
    let text = "# 最高人民法院、最高人民检察院关于办理危害税收征管刑事案件适用法律若干问题的解释\n\n\
        2024年1月8日 最高人民法院审判委员会第1911次会议通过\n\n法释〔2024〕4号\n\n为依法惩治危害税收征管犯罪，制定本解释。";
    let meta = zh(text);
    assert_eq!(meta.issuers, vec!["最高人民法院", "最高人民检察院"]);
    assert_eq!(meta.docno.as_deref(), Some("法释〔2024〕4号"));
    assert_eq!(meta.doctype.as_deref(), Some("解释"));
    assert_eq!(meta.date, Some((2024, 1, 8)));
}

#[test]
fn date_hint_is_the_last_resort_for_official_documents() {
    let text = "某某市商务局关于做好外贸工作的通知\n某商发〔2023〕1号\n各区县：\n请认真落实。";
    let meta = extract_meta(text, None, Some("2023-05-13"), "zh");
    assert_eq!(meta.date, Some((2023, 5, 13)));
    let meta = extract_meta(text, None, Some("not a date"), "zh");
    assert_eq!(meta.date, None);
}

// --- robustness --------------------------------------------------------

#[test]
fn no_metadata_gives_default() {
    assert_eq!(zh(""), DocMeta::default());
    assert_eq!(
        zh("今天天气很好。我们去公园散步。\n\n然后回家吃饭。"),
        DocMeta::default()
    );
    assert_eq!(
        extract_meta("\n\n  \n", None, None, "en"),
        DocMeta::default()
    );
}

#[test]
fn garbage_does_not_panic() {
    for s in [
        "〔〕号",
        "〔2023〕",
        "号号号〔〔〔2023〕〕〕号",
        "年月日",
        "二〇二三年月日",
        "十十十年十十月十十十日",
        "：：：\n：",
        "关于",
        "关于的通知",
        "\u{0}\u{FFFF}\u{10FFFF}",
        "（",
        "）",
        "(((((",
        "May 99, 99999",
    ] {
        let _ = extract_meta(s, Some(s), Some(s), "zh");
        let _ = extract_meta(s, Some(s), Some(s), "en");
        let _ = normalize_docno(s);
    }
}

/// A small deterministic fuzz: random strings over a pool of characters
/// that exercise every rule (brackets, numerals, colons, newlines,
/// multi-byte and astral characters).
#[test]
fn quick_fuzz_no_panic() {
    const POOL: &[char] = &[
        '国',
        '发',
        '办',
        '函',
        '〔',
        '〕',
        '[',
        ']',
        '（',
        '）',
        '(',
        ')',
        '【',
        '】',
        '〖',
        '〗',
        '﹝',
        '﹞',
        '第',
        '号',
        '年',
        '月',
        '日',
        '〇',
        '○',
        '零',
        '一',
        '二',
        '十',
        '0',
        '1',
        '2',
        '9',
        '-',
        '/',
        '.',
        ' ',
        '\u{3000}',
        '\n',
        '\n',
        '：',
        ':',
        '、',
        '，',
        '。',
        '关',
        '于',
        '的',
        '通',
        '知',
        '局',
        '厅',
        '文',
        '件',
        '令',
        '《',
        '》',
        'M',
        'a',
        'y',
        'é',
        '😀',
        '\u{20000}',
        '\r',
        '\t',
    ];
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..3000 {
        let len = (next() % 120) as usize;
        let s: String = (0..len)
            .map(|_| POOL[(next() % POOL.len() as u64) as usize])
            .collect();
        let meta = extract_meta(&s, Some(&s), Some(&s), "zh");
        if let Some(docno) = &meta.docno {
            assert_eq!(normalize_docno(docno).as_deref(), Some(docno.as_str()));
        }
        let _ = extract_meta(&s, None, None, "en");
        let _ = normalize_docno(&s);
    }
}
