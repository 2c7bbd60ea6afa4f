//! HTML extraction: charset detection, boilerplate removal, block-aware text, title and date.

use super::text::{decode_as, decode_mostly_utf8, detect_legacy, prefer_gb18030};
use super::{ExtractError, ExtractedDoc};
use encoding_rs::{Encoding, UTF_8, WINDOWS_1252};
use once_cell::sync::Lazy;
use regex::bytes::Regex as BytesRegex;
use regex::Regex;
use scraper::{ElementRef, Html, Node};
use std::collections::HashSet;

/// Inputs above this size are refused rather than parsed into a DOM.
const MAX_INPUT_BYTES: usize = 128 << 20;
/// Extracted text is cut at this length, with a warning.
const MAX_OUTPUT_BYTES: usize = 20 << 20;
/// Deeper element nesting is flattened before parsing (html5ever's scope checks are O(depth)).
const MAX_NESTING: usize = 128;
/// How far into the file a `<meta charset>` declaration is looked for.
const PRESCAN_BYTES: usize = 4096;
const MAX_TITLE_CHARS: usize = 200;

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern).expect("constant regex is valid")
}

/// A set of element names from a space-separated list.
fn words(list: &'static str) -> HashSet<&'static str> {
    list.split_whitespace().collect()
}

/// Never text: scripts, styles, embedded objects, form controls and the document head.
static ALWAYS_DROP: Lazy<HashSet<&str>> = Lazy::new(|| {
    words(
        "script style noscript template iframe svg math canvas object embed head select \
         textarea button input audio video map frameset",
    )
});
/// Elements that end a paragraph.
static BLOCKS: Lazy<HashSet<&str>> = Lazy::new(|| {
    words(
        "address article aside blockquote body caption center dd details dialog dir div dl dt \
         fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr legend li \
         listing main menu nav ol p pre section summary table ul",
    )
});
/// id/class tokens of navigation and page furniture: fragments anywhere in a token, or whole
/// tokens that are too short or common to match inside other words (gov.cn keeps its metadata
/// table in `policyLibraryOverview_header`, so `header` must be a whole token).
static BOILERPLATE: Lazy<Regex> = Lazy::new(|| {
    regex(
        "(?i)nav|menu|footer|crumb|share|side-?bar|copyright|toolbar|cookie|advert|top-?bar|\
         toplink|skip-?link|social|login|recommend|friendlink|print|(left|right)-?bar|^(top|head|\
         (site|top)[-_]?header|header([-_]?(top|wrap|bar))?|masthead|logo|ads?|ad[-_].*|foot|\
         bottom|banner|position|location|curpos|dqwz|tools?|hot|related|links|search)$",
    )
});
/// Tokens still dropped inside the main content (sharing widgets, print buttons).
static BOILERPLATE_IN_CONTENT: Lazy<Regex> =
    Lazy::new(|| regex("(?i)share|toolbar|advert|cookie|social|print|^(tools?|related)$"));
static HIDDEN_STYLE: Lazy<Regex> = Lazy::new(|| regex(r"(?i)display\s*:\s*none"));
static BOILERPLATE_ROLE: Lazy<Regex> =
    Lazy::new(|| regex("(?i)^(navigation|banner|contentinfo|complementary|search)$"));
/// id/class tokens of main-content containers on gov.cn and news pages.
static CONTENT_TOKEN: Lazy<Regex> = Lazy::new(|| {
    regex(
        "(?i)^(trs_editor|trs_ueditor|zoom|ucap-content|pages_content|article|article-?content|\
         article_content|content|main-?content|main_content|artibody|post-content|\
         entry-content|news_content)$",
    )
});
/// Meta names/properties carrying a publication date, most trusted first.
const DATE_KEYS: &str = "article:published_time og:published_time pubdate publishdate \
    datepublished firstpublishedtime dc.date.issued dcterms.issued dc.date date dcterms.created";
/// Elements that never deepen html5ever's stack of open elements.
static UNNESTED: Lazy<HashSet<&str>> = Lazy::new(|| {
    words(
        "area base br col embed hr img input link meta param source track wbr keygen frame \
         basefont bgsound html head body",
    )
});
/// Elements whose content is not markup.
static RAW_TEXT: Lazy<HashSet<&str>> =
    Lazy::new(|| words("script style textarea title xmp iframe noembed noframes noscript"));

static META_CHARSET: Lazy<BytesRegex> = Lazy::new(|| {
    BytesRegex::new(r#"(?i-u)<meta[^>]*?charset\s*=\s*["']?\s*([a-z0-9_:.\-]+)|<\?xml[^>]*?encoding\s*=\s*["']([a-z0-9_:.\-]+)"#)
        .expect("valid charset regex")
});
static DATE: Lazy<Regex> = Lazy::new(|| {
    Regex::new(
        r"(?:^|\D)(\d{4})(?:\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})|(\d{2})(\d{2}))(?:\D|$)",
    )
    .expect("valid date regex")
});

/// Extracts the text of an HTML page as one page, with its title, date and charset.
pub fn extract(bytes: &[u8]) -> Result<ExtractedDoc, ExtractError> {
    if bytes.len() > MAX_INPUT_BYTES {
        return Err(ExtractError::TooLarge(format!(
            "HTML file of {} MiB (limit {} MiB)",
            bytes.len() >> 20,
            MAX_INPUT_BYTES >> 20
        )));
    }
    let (source, encoding) = decode_html(bytes);
    let mut warnings = Vec::new();
    let flattened = flatten_deep_nesting(&source, MAX_NESTING);
    if flattened.is_some() {
        warnings.push(format!(
            "elements nested deeper than {MAX_NESTING} levels were flattened"
        ));
    }
    let document = Html::parse_document(flattened.as_deref().unwrap_or(&source));
    let mut body = render(&document, true);
    if body.text.trim().is_empty() {
        body = render(&document, false);
    }
    if body.truncated {
        warnings.push(format!("text truncated at {} MiB", MAX_OUTPUT_BYTES >> 20));
    }
    let text = body.text.trim_end().to_owned();
    if text.is_empty() {
        return Err(ExtractError::NoText);
    }
    let meta = read_metadata(&document);
    let title = meta
        .og_title
        .or(meta.title)
        .or_else(|| body.first_h1.clone());
    Ok(ExtractedDoc {
        pages: vec![text],
        title: title
            .map(|t| clean_title(&t, body.first_h1.as_deref()))
            .filter(|t| !t.is_empty()),
        date: meta.date,
        encoding: Some(encoding.name().to_owned()),
        warnings,
        ocr: Default::default(),
        page_scans: Vec::new(),
    })
}

/// BOM, then a declared charset (unless the bytes are plainly UTF-8), then UTF-8, then detection.
fn decode_html(bytes: &[u8]) -> (String, &'static Encoding) {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return (decode_as(&bytes[bom_len..], encoding), encoding);
    }
    let utf8 = decode_mostly_utf8(bytes);
    if let Some(declared) = declared_charset(&bytes[..bytes.len().min(PRESCAN_BYTES)]) {
        let (text, had_errors) = declared.decode_without_bom_handling(bytes);
        // A page labelled gb2312 but written in UTF-8 is common; valid UTF-8 wins then.
        let multibyte = bytes.iter().filter(|&&b| b >= 0xC0).count();
        match utf8 {
            Some(utf8) if declared != UTF_8 && (had_errors || multibyte >= 4) => {
                return (utf8, UTF_8)
            }
            _ if declared != UTF_8 || !had_errors => return (text.into_owned(), declared),
            _ => {}
        }
    }
    if let Some(text) = utf8 {
        return (text, UTF_8);
    }
    let encoding = detect_legacy(bytes);
    (decode_as(bytes, encoding), encoding)
}

/// The charset named by a `<meta>` tag or XML declaration in `prefix`.
fn declared_charset(prefix: &[u8]) -> Option<&'static Encoding> {
    let caps = META_CHARSET.captures(prefix)?;
    let label = caps.get(1).or_else(|| caps.get(2))?.as_bytes();
    let encoding = Encoding::for_label(label)?;
    Some(match encoding.name() {
        "UTF-16LE" | "UTF-16BE" => UTF_8, // as browsers do: a BOM-less page cannot be UTF-16
        "x-user-defined" => WINDOWS_1252,
        "replacement" => return None,
        _ => prefer_gb18030(encoding),
    })
}

/// Pending separator before the next character, weakest first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Gap {
    None,
    Cell,
    Line,
    Paragraph,
}

/// A pending run of collapsible whitespace.
#[derive(Clone, Copy, Default)]
struct Space {
    newline: bool,
    ideographic: bool,
    other: bool,
}

/// Output text with whitespace collapsing and lazily materialised separators.
struct TextSink {
    out: String,
    gap: Gap,
    space: Option<Space>,
    truncated: bool,
}

impl TextSink {
    fn push_text(&mut self, text: &str, preformatted: bool) {
        for c in text.chars() {
            if preformatted && c == '\n' {
                self.line_break();
            } else if preformatted && c != '\r' {
                self.push_char(c);
            } else if c.is_whitespace() {
                let space = self.space.get_or_insert_with(Space::default);
                space.newline |= c == '\n' || c == '\r';
                space.ideographic |= c == '\u{3000}';
                space.other |= c != '\u{3000}' && c != '\u{A0}';
            } else {
                self.push_char(c);
            }
        }
    }

    fn push_char(&mut self, c: char) {
        if self.truncated {
            return;
        }
        if self.gap != Gap::None {
            let kept = self
                .out
                .trim_end_matches([' ', '\t', '\u{3000}', '\u{A0}'])
                .len();
            self.out.truncate(kept);
            if !self.out.is_empty() {
                self.out.push_str(match self.gap {
                    Gap::Cell => " | ",
                    Gap::Line => "\n",
                    _ => "\n\n",
                });
            }
            self.gap = Gap::None;
            self.space = None;
        } else if let Some(space) = self.space.take() {
            let last = self.out.chars().next_back();
            // A source line break between two CJK characters is layout, not a word space.
            let joins_cjk = space.newline && last.is_some_and(is_cjk) && is_cjk(c);
            if last.is_some() && !joins_cjk {
                let ideographic = space.ideographic && !space.other;
                self.out.push(if ideographic { '\u{3000}' } else { ' ' });
            }
        }
        self.out.push(c);
        self.truncated = self.out.len() >= MAX_OUTPUT_BYTES;
    }

    fn gap(&mut self, gap: Gap) {
        self.gap = self.gap.max(gap);
    }

    /// `<br>` ends a line; a second one in a row ends the paragraph.
    fn line_break(&mut self) {
        self.gap = if self.gap >= Gap::Line {
            Gap::Paragraph
        } else {
            Gap::Line
        };
    }
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{2E80}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF00}'..='\u{FFEF}'
        | '\u{20000}'..='\u{3FFFF}')
}

/// Body text plus what the traversal saw on the way.
struct Rendered {
    text: String,
    truncated: bool,
    first_h1: Option<String>,
}

/// Walks the DOM with an explicit stack (no recursion), emitting text. `strict` also drops
/// navigation, page furniture and hidden elements, but never an ancestor of the main content.
fn render(document: &Html, strict: bool) -> Rendered {
    let mut protected = HashSet::new();
    if strict {
        for node in document.tree.nodes() {
            if ElementRef::wrap(node).is_some_and(is_content) {
                for ancestor in std::iter::once(node).chain(node.ancestors()) {
                    if !protected.insert(ancestor.id()) {
                        break;
                    }
                }
            }
        }
    }
    let mut sink = TextSink {
        out: String::new(),
        gap: Gap::None,
        space: None,
        truncated: false,
    };
    let (mut rows, mut cells): (Vec<usize>, Vec<usize>) = (Vec::new(), Vec::new());
    let (mut pre_depth, mut content_depth) = (0usize, 0usize);
    let (mut h1_start, mut first_h1) = (None, None);
    let mut stack = vec![(document.tree.root(), false)];
    while let Some((node, closing)) = stack.pop() {
        if sink.truncated {
            break;
        }
        let element = match node.value() {
            Node::Text(text) => {
                sink.push_text(text, pre_depth > 0);
                continue;
            }
            Node::Element(_) => ElementRef::wrap(node),
            Node::Document | Node::Fragment => None,
            _ => continue,
        };
        let Some(element) = element else {
            stack.extend(node.children().rev().map(|child| (child, false)));
            continue;
        };
        let name = element.value().name();
        if closing {
            match name {
                "td" | "th" => {
                    let start = cells.pop().unwrap_or(0);
                    if sink.out.len() > start {
                        if let Some(count) = rows.last_mut() {
                            *count += 1;
                        }
                        sink.gap = Gap::None; // trailing breaks inside a cell are dropped
                        sink.space = None;
                    }
                }
                "tr" => {
                    rows.pop();
                    sink.gap(Gap::Line);
                }
                "pre" | "listing" | "plaintext" => pre_depth = pre_depth.saturating_sub(1),
                "h1" => {
                    if let Some(text) = h1_start.take().and_then(|s| sink.out.get(s..)) {
                        first_h1 = Some(collapse_whitespace(text)).filter(|t| !t.is_empty());
                    }
                }
                _ => {}
            }
            if is_content(element) {
                content_depth = content_depth.saturating_sub(1);
            }
            if is_block(name) && cells.last() != Some(&sink.out.len()) {
                sink.gap(Gap::Paragraph);
            }
            continue;
        }
        if ALWAYS_DROP.contains(name)
            || (strict && !protected.contains(&node.id()) && is_boilerplate(element, content_depth))
        {
            continue;
        }
        // Breaks at the very start of a table cell would split its row.
        let cell_start = cells.last() == Some(&sink.out.len());
        match name {
            "br" if !cell_start => sink.line_break(),
            "tr" => {
                sink.gap(Gap::Line);
                rows.push(0);
            }
            "td" | "th" => {
                if rows.last().is_some_and(|&count| count > 0) {
                    sink.gap = Gap::Cell;
                }
                cells.push(sink.out.len());
            }
            "pre" | "listing" | "plaintext" => pre_depth += 1,
            "h1" if first_h1.is_none() => h1_start = Some(sink.out.len()),
            _ => {}
        }
        if is_block(name) && !cell_start {
            sink.gap(Gap::Paragraph);
        }
        if is_content(element) {
            content_depth += 1;
        }
        stack.push((node, true));
        stack.extend(node.children().rev().map(|child| (child, false)));
    }
    Rendered {
        text: sink.out,
        truncated: sink.truncated,
        first_h1,
    }
}

/// Main-content containers: `<article>`, `<main>`, and gov.cn/news body classes and ids.
fn is_content(element: ElementRef) -> bool {
    let value = element.value();
    matches!(value.name(), "article" | "main")
        || value
            .id()
            .into_iter()
            .chain(value.classes())
            .any(|token| CONTENT_TOKEN.is_match(token))
}

/// Navigation, page furniture and hidden elements (only called outside protected ancestors).
fn is_boilerplate(element: ElementRef, content_depth: usize) -> bool {
    let value = element.value();
    let name = value.name();
    if matches!(name, "html" | "body" | "main" | "article") {
        return false;
    }
    let outside_content = content_depth == 0;
    match name {
        "nav" | "aside" => return true,
        "header" | "footer" if outside_content => return true,
        "form" => {
            return !element
                .descendent_elements()
                .any(|e| is_block_content(e.value().name()))
        }
        _ => {}
    }
    let attr_matches =
        |name: &str, pattern: &Regex| value.attr(name).is_some_and(|v| pattern.is_match(v));
    if value.attr("hidden").is_some()
        || value.attr("aria-hidden") == Some("true")
        || attr_matches("style", &HIDDEN_STYLE)
        || attr_matches("role", &BOILERPLATE_ROLE)
    {
        return true;
    }
    let pattern = if outside_content {
        &*BOILERPLATE
    } else {
        &*BOILERPLATE_IN_CONTENT
    };
    value
        .id()
        .into_iter()
        .chain(value.classes())
        .any(|token| pattern.is_match(token))
}

fn is_block(name: &str) -> bool {
    BLOCKS.contains(name)
}

fn is_block_content(name: &str) -> bool {
    matches!(
        name,
        "p" | "table" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "article" | "pre"
    )
}

fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[derive(Default)]
struct Metadata {
    og_title: Option<String>,
    title: Option<String>,
    date: Option<String>,
}

/// Title and date from `<meta>`, `<title>` and `<time datetime>` anywhere in the document.
fn read_metadata(document: &Html) -> Metadata {
    let mut meta = Metadata::default();
    let mut best_date: Option<(usize, String)> = None;
    let mut time_date = None;
    for element in document.tree.nodes().filter_map(ElementRef::wrap) {
        let value = element.value();
        match value.name() {
            "meta" => {
                let key = value
                    .attr("property")
                    .or(value.attr("name"))
                    .or(value.attr("itemprop"));
                let (Some(key), Some(content)) = (key, value.attr("content")) else {
                    continue;
                };
                let key = key.trim().to_ascii_lowercase();
                if key == "og:title" && meta.og_title.is_none() {
                    meta.og_title = Some(collapse_whitespace(content)).filter(|t| !t.is_empty());
                }
                let Some(rank) = DATE_KEYS.split_whitespace().position(|k| k == key) else {
                    continue;
                };
                if best_date.as_ref().is_none_or(|(best, _)| rank < *best) {
                    if let Some(date) = normalize_date(content) {
                        best_date = Some((rank, date));
                    }
                }
            }
            "title"
                if meta.title.is_none() && &*value.name.ns == "http://www.w3.org/1999/xhtml" =>
            {
                let text = collapse_whitespace(&element.text().collect::<String>());
                meta.title = Some(text).filter(|t| !t.is_empty());
            }
            "time" if time_date.is_none() => {
                time_date = value.attr("datetime").and_then(normalize_date);
            }
            _ => {}
        }
    }
    meta.date = best_date.map(|(_, date)| date).or(time_date);
    meta
}

/// `2023-05-12 10:30`, `2023/5/12`, `2023年5月12日`, `20230512` → `2023-05-12`.
fn normalize_date(text: &str) -> Option<String> {
    let caps = DATE.captures(text)?;
    let number = |i: usize| caps.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    let year = number(1)?;
    let month = number(2).or_else(|| number(4))?;
    let day = number(3).or_else(|| number(5))?;
    let valid =
        (1900..=2100).contains(&year) && (1..=12).contains(&month) && (1..=31).contains(&day);
    valid.then(|| format!("{year:04}-{month:02}-{day:02}"))
}

/// Removes a site-name suffix: the page's `<h1>` when the title is `h1 + separator + site`, else a
/// short trailing segment that names a government site or portal.
fn clean_title(title: &str, h1: Option<&str>) -> String {
    const SEPARATORS: &[char] = &['-', '–', '—', '|', '_', '·', '｜'];
    let title = collapse_whitespace(title);
    if let Some(h1) = h1.filter(|h1| h1.chars().count() >= 2) {
        if let Some(rest) = title.strip_prefix(h1) {
            if rest.trim_start().starts_with(SEPARATORS) {
                return h1.chars().take(MAX_TITLE_CHARS).collect();
            }
        }
    }
    let mut title = title.as_str();
    if let Some(cut) = title.rfind(SEPARATORS) {
        let (head, site) = title.split_at(cut);
        let site = site.trim_start_matches(SEPARATORS).trim();
        let is_site = "政府 网 门户 门户网站 官网 首页 Government GOV.CN"
            .split(' ')
            .any(|suffix| site.ends_with(suffix));
        if is_site && site.chars().count() <= 20 && head.trim().chars().count() >= 4 {
            title = head.trim();
        }
    }
    title.chars().take(MAX_TITLE_CHARS).collect()
}

/// If elements nest deeper than `max_depth` (by a tag-level scan), returns the source with the
/// start tags beyond that depth removed (block ones become `<p>`); their text stays. `None` when the page is within bounds.
fn flatten_deep_nesting(html: &str, max_depth: usize) -> Option<String> {
    scan_nesting(html, max_depth, None).then(|| {
        let mut out = String::with_capacity(html.len());
        scan_nesting(html, max_depth, Some(&mut out));
        out
    })
}

/// One pass over the tags; returns whether `max_depth` was exceeded. With `out`, writes the source
/// minus the start tags that would exceed it.
fn scan_nesting(html: &str, max_depth: usize, mut out: Option<&mut String>) -> bool {
    let bytes = html.as_bytes();
    let (mut stack, mut exceeded): (Vec<String>, bool) = (Vec::new(), false);
    let (mut i, mut copied) = (0, 0);
    while let Some(offset) = bytes[i..].iter().position(|&b| b == b'<') {
        let lt = i + offset;
        let rest = &html[lt..];
        if rest.starts_with("<!--") {
            i = rest.find("-->").map_or(bytes.len(), |end| lt + end + 3);
            continue;
        }
        let closing = rest.starts_with("</");
        let name_start = lt + if closing { 2 } else { 1 };
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-' || **b == b':')
            .count();
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            i = lt + 1;
            continue;
        }
        let name = &html[name_start..name_start + name_len];
        let Some(end) = tag_end(bytes, name_start + name_len) else {
            break;
        };
        i = end;
        let lower = name.to_ascii_lowercase();
        if closing {
            if let Some(pos) = stack.iter().rposition(|open| *open == lower) {
                stack.truncate(pos);
            }
        } else if RAW_TEXT.contains(lower.as_str()) {
            i = find_end_tag(html, end, name).unwrap_or(bytes.len());
        } else if !UNNESTED.contains(lower.as_str()) {
            close_implied(&mut stack, &lower);
            if stack.len() < max_depth {
                stack.push(lower);
            } else if let Some(out) = out.as_deref_mut() {
                out.push_str(&html[copied..lt]);
                if BLOCKS.contains(lower.as_str()) {
                    out.push_str("<p>"); // keeps the paragraph break without nesting
                }
                copied = end;
            } else {
                exceeded = true;
                break;
            }
        }
    }
    if let Some(out) = out {
        out.push_str(&html[copied..]);
    }
    exceeded
}

/// A start tag such as `<p>`, `<li>` or `<td>` closes an open element of the same name, unless an
/// enclosing list, table or button is met first (roughly html5ever's scopes).
fn close_implied(stack: &mut Vec<String>, name: &str) {
    let barriers = match name {
        "p" => "table td th button caption",
        "li" => "ul ol",
        "dt" | "dd" => "dl",
        "tr" => "table",
        "td" | "th" => "tr table",
        "option" => "select",
        _ => return,
    };
    for pos in (0..stack.len()).rev() {
        if stack[pos] == name {
            stack.truncate(pos);
            return;
        }
        if barriers.split(' ').any(|barrier| stack[pos] == barrier) {
            return;
        }
    }
}

/// Index just past the `>` closing a tag whose attributes start at `from` (quotes respected).
fn tag_end(bytes: &[u8], from: usize) -> Option<usize> {
    let (mut quote, mut after_equals) = (None, false);
    for (offset, &b) in bytes[from..].iter().enumerate() {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if b == b'>' => return Some(from + offset + 1),
            None if (b == b'"' || b == b'\'') && after_equals => quote = Some(b),
            None => {}
        }
        if !b.is_ascii_whitespace() {
            after_equals = b == b'=';
        }
    }
    None
}

/// Position of the `</name` ending a raw-text element, searching from `from`.
fn find_end_tag(html: &str, from: usize, name: &str) -> Option<usize> {
    let mut at = from;
    while let Some(offset) = html[at..].find("</") {
        let start = at + offset;
        let candidate = html.as_bytes().get(start + 2..start + 2 + name.len())?;
        if candidate.eq_ignore_ascii_case(name.as_bytes()) {
            return Some(start);
        }
        at = start + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{GB18030, GBK};

    fn text_of(html: &str) -> String {
        extract(html.as_bytes()).expect("html").pages.remove(0)
    }

    const GOV_PAGE: &str = r#"<!DOCTYPE html><html><head>
<meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>关于支持㐀企业出口退税的通知 - 某某市人民政府</title>
<meta name="PubDate" content="2023-05-12 10:30">
<style>.x{color:red}</style><script>var menu = "不要";</script></head>
<body><div id="header"><a href="/">首页</a></div>
<div class="main-nav"><ul><li>政务公开</li><li>办事服务</li></ul></div>
<div class="breadcrumb">当前位置：首页 &gt; 政策文件</div>
<div class="nav-wrap"><div class="TRS_Editor">
<p>&nbsp;&nbsp;&nbsp;　　各区县人民政府：</p>
<p>　　为支持外贸企业，现就出口退
税有关事项通知如下：</p>
<div class="share-bar">分享到微信</div>
<p>　　一、加快退税进度。<br>　　二、扩大免税范围。</p></div></div>
<div class="footer">版权所有 某某市人民政府</div></body></html>"#;

    #[test]
    fn gb18030_page_with_declared_gb2312() {
        let (bytes, _, unmappable) = GB18030.encode(GOV_PAGE);
        assert!(!unmappable);
        let doc = extract(&bytes).expect("html");
        assert_eq!(doc.encoding.as_deref(), Some("gb18030"));
        assert_eq!(doc.title.as_deref(), Some("关于支持㐀企业出口退税的通知"));
        assert_eq!(doc.date.as_deref(), Some("2023-05-12"));
        assert_eq!(
            doc.pages,
            vec![
                "各区县人民政府：\n\n为支持外贸企业，现就出口退税有关事项通知如下：\n\n\
                  一、加快退税进度。\n二、扩大免税范围。"
            ]
        );
    }

    #[test]
    fn gbk_page_without_declaration_is_detected() {
        let page = GOV_PAGE.replace("charset=gb2312", "");
        let (bytes, _, _) = GBK.encode(&page);
        let doc = extract(&bytes).expect("html");
        assert_eq!(doc.encoding.as_deref(), Some("gb18030"));
        assert!(doc.pages[0].contains("为支持外贸企业，现就出口退税有关事项通知如下"));
    }

    #[test]
    fn utf8_page_claiming_gb2312_is_read_as_utf8() {
        let doc = extract(GOV_PAGE.as_bytes()).expect("html");
        assert_eq!(doc.encoding.as_deref(), Some("UTF-8"));
        assert!(doc.pages[0].contains("一、加快退税进度。"));
    }

    #[test]
    fn boilerplate_removed_content_kept() {
        let text = text_of(GOV_PAGE);
        for junk in [
            "首页",
            "政务公开",
            "当前位置",
            "分享到",
            "版权所有",
            "不要",
            "color",
        ] {
            assert!(!text.contains(junk), "{junk} leaked into {text}");
        }
        let text = text_of(
            "<nav>导航</nav><header>站名</header><aside>相关</aside><form><input>搜索</form>\
             <article><header><h1>标题</h1></header><p>正文</p><footer>来源：新华社</footer>\
             </article><noscript>x</noscript><template>t</template><iframe>i</iframe>\
             <div style=\"display: none\">隐藏</div><svg><text>图</text></svg>",
        );
        assert_eq!(text, "标题\n\n正文\n\n来源：新华社");
    }

    #[test]
    fn gov_metadata_header_is_kept() {
        let page = "<div class=\"policyLibraryOverview_header\"><table><tr><td>发文字号：</td>\
                    <td>国发〔2023〕5号</td></tr></table></div><div id=\"header\">站名</div>";
        assert_eq!(text_of(page), "发文字号： | 国发〔2023〕5号");
    }

    #[test]
    fn only_boilerplate_falls_back_to_everything() {
        assert_eq!(
            text_of("<div class=\"menu\">唯一的文字</div>"),
            "唯一的文字"
        );
    }

    #[test]
    fn tables_one_row_per_line() {
        let text = text_of(
            "<p>前言</p><table><tr><th>项目</th><th><p>税率</p></th></tr>\
             <tr><td><p>纺织品</p></td><td></td><td> 13% </td></tr></table><p>结尾</p>",
        );
        assert_eq!(text, "前言\n\n项目 | 税率\n纺织品 | 13%\n\n结尾");
        let layout = text_of("<table><tr><td><p>第一段</p><p>第二段</p></td></tr></table>");
        assert_eq!(layout, "第一段\n\n第二段");
    }

    #[test]
    fn whitespace_collapsed_cjk_joined_pre_kept() {
        let text = text_of(
            "<p>  Export   tax\n rebate </p><p><span>出口</span>\n<span>退税</span>　政策</p>\
             <pre>line 1\n  line 2</pre>",
        );
        assert_eq!(
            text,
            "Export tax rebate\n\n出口退税　政策\n\nline 1\n  line 2"
        );
    }

    #[test]
    fn deeply_nested_html_does_not_crash() {
        for tag in ["div", "span", "b", "table", "section"] {
            let depth = 100_000;
            let mut html = format!("<{tag}>").repeat(depth);
            html.push_str("深处的文字");
            html.push_str(&format!("</{tag}>").repeat(depth));
            let started = std::time::Instant::now();
            let doc = extract(html.as_bytes()).expect("html");
            assert!(doc.pages[0].contains("深处的文字"), "{tag}");
            assert!(
                started.elapsed().as_secs() < 20,
                "{tag} took {:?}",
                started.elapsed()
            );
        }
        let doc = extract("<div>".repeat(100_000).as_bytes());
        assert_eq!(doc.unwrap_err(), ExtractError::NoText);
    }

    #[test]
    fn title_sources_and_cleanup() {
        let og =
            "<meta property=\"og:title\" content=\"OG 标题\"><title>T</title><h1>H</h1><p>x</p>";
        assert_eq!(
            extract(og.as_bytes()).expect("html").title.as_deref(),
            Some("OG 标题")
        );
        let suffixed = "<title>Export rules | The Daily News</title><h1>Export rules</h1>";
        assert_eq!(
            extract(suffixed.as_bytes()).expect("html").title.as_deref(),
            Some("Export rules")
        );
        let keep = "<title>A - B - C</title><p>x</p>";
        assert_eq!(
            extract(keep.as_bytes()).expect("html").title.as_deref(),
            Some("A - B - C")
        );
        let h1 = "<p>x</p><h1> 只有 <b>标题</b> </h1>";
        assert_eq!(
            extract(h1.as_bytes()).expect("html").title.as_deref(),
            Some("只有 标题")
        );
        let gov = "<title>国务院关于印发方案的通知_国务院文件_中国政府网</title><p>x</p>";
        let title = extract(gov.as_bytes()).expect("html").title;
        assert_eq!(
            title.as_deref(),
            Some("国务院关于印发方案的通知_国务院文件")
        );
    }

    #[test]
    fn dates_from_meta_and_time() {
        let page = |head: &str| format!("<html><head>{head}</head><body><p>x</p></body></html>");
        let date = |head: &str| extract(page(head).as_bytes()).expect("html").date;
        assert_eq!(
            date(
                "<meta name=\"date\" content=\"2020-01-01\">\
                  <meta property=\"article:published_time\" content=\"2023-05-12T08:00:00+08:00\">"
            ),
            Some("2023-05-12".into())
        );
        assert_eq!(
            date("<meta name=\"DC.date\" content=\"2023年5月9日\">"),
            Some("2023-05-09".into())
        );
        assert_eq!(
            date("<meta name=\"publishdate\" content=\"20230102\">"),
            Some("2023-01-02".into())
        );
        assert_eq!(date("<meta name=\"pubdate\" content=\"2023-13-40\">"), None);
        let time = "<p>x <time datetime=\"2022/7/1\">七月</time></p>";
        assert_eq!(
            extract(time.as_bytes()).expect("html").date,
            Some("2022-07-01".into())
        );
    }

    #[test]
    fn empty_and_script_only_pages_have_no_text() {
        assert_eq!(extract(b"").unwrap_err(), ExtractError::NoText);
        let err = extract(b"<html><script>x()</script><p> &nbsp; </p></html>").unwrap_err();
        assert_eq!(err, ExtractError::NoText);
    }

    #[test]
    fn nesting_scan_keeps_shallow_pages_untouched() {
        let html = "<div><script>if (a<b) {}</script><!-- <div> --><p>x</div>";
        assert_eq!(flatten_deep_nesting(html, 2), None);
        let flattened = flatten_deep_nesting("<div><div a='>'><div>t</div></div></div>", 2);
        assert_eq!(
            flattened.as_deref(),
            Some("<div><div a='>'><p>t</div></div></div>")
        );
    }
}
