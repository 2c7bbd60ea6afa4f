//! HTML building blocks shared by the pages: the layout (an embedded template), escaping,
//! URL encoding, the search form, and small formatting helpers. Every piece of document text
//! goes through [`esc`]; only markup built here is inserted unescaped.

use crate::search::escape_html;
use axum::response::Html;

const LAYOUT: &str = include_str!("assets/layout.html");

/// Escape text for HTML text and attribute values.
pub fn esc(s: &str) -> String {
    escape_html(s)
}

/// Fill `{{name}}` placeholders of a template in one pass (values are never re-scanned).
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out =
        String::with_capacity(template.len() + values.iter().map(|v| v.1.len()).sum::<usize>());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find("}}") {
            Some(end) => {
                let key = &after[..end];
                match values.iter().find(|(k, _)| *k == key) {
                    Some((_, v)) => out.push_str(v),
                    None => out.push_str(&rest[start..start + 2 + end + 2]),
                }
                rest = &after[end + 2..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// A whole page: `title` is plain text (escaped here), `header` and `body` are markup.
pub fn layout(title: &str, header: &str, body: &str) -> Html<String> {
    Html(fill(
        LAYOUT,
        &[("title", &esc(title)), ("header", header), ("body", body)],
    ))
}

/// The body of an error page.
pub fn error_body(title: &str, message: &str) -> String {
    format!(
        "<section class=\"notice error\"><h1>{}</h1><p>{}</p><p><a href=\"/\">Back to search</a></p></section>",
        esc(title),
        esc(message)
    )
}

/// Percent-encode a value for a URL query or path segment.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A query string `?a=1&b=2` from pairs, skipping empty values; `""` when none remain.
pub fn query_string(pairs: &[(&str, &str)]) -> String {
    let parts: Vec<String> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={}", url_encode(v)))
        .collect();
    if parts.is_empty() {
        String::new()
    } else {
        format!("?{}", parts.join("&"))
    }
}

/// The search form; `hidden` are filters carried along (name, value).
pub fn search_form(q: &str, hidden: &[(&str, &str)], autofocus: bool, class: &str) -> String {
    let mut h = String::new();
    for (name, value) in hidden.iter().filter(|(_, v)| !v.is_empty()) {
        h.push_str(&format!(
            "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
            esc(name),
            esc(value)
        ));
    }
    format!(
        "<form class=\"search {class}\" action=\"/\" method=\"get\" role=\"search\">\
<label class=\"visually-hidden\" for=\"q\">Query</label>\
<input id=\"q\" type=\"search\" name=\"q\" value=\"{}\" maxlength=\"2000\" \
placeholder=\"免费仓储 · 出口退税 · &quot;export licence&quot; · -粮食\" autocomplete=\"off\"{}>\
{h}<button type=\"submit\">Search</button></form>",
        esc(q),
        if autofocus { " autofocus" } else { "" }
    )
}

/// A human name for a language code.
pub fn language_name(code: &str) -> &str {
    match code {
        "zh" => "中文 Chinese",
        "en" => "English",
        "ja" => "日本語 Japanese",
        "ko" => "한국어 Korean",
        "und" => "Undetermined",
        other => other,
    }
}

/// The `lang` attribute for text in a document of language `code`.
pub fn lang_attr(code: &str) -> &'static str {
    match code {
        "zh" => "zh-Hans",
        "en" => "en",
        "ja" => "ja",
        "ko" => "ko",
        _ => "",
    }
}

/// A human name for a format code.
pub fn format_name(code: &str) -> &str {
    match code {
        "pdf" => "PDF",
        "html" => "HTML",
        "docx" => "Word (DOCX)",
        "text" => "Plain text",
        other => other,
    }
}

/// A byte count for people.
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut v = bytes as f64;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// Seconds since the epoch as `YYYY-MM-DD HH:MM UTC`.
pub fn human_time(secs: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(secs)
        .ok()
        .and_then(|t| {
            t.format(time::macros::format_description!(
                "[year]-[month]-[day] [hour]:[minute] UTC"
            ))
            .ok()
        })
        .unwrap_or_default()
}

pub use crate::search::mark_ranges;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_does_not_rescan_values() {
        let t = "<title>{{title}}</title>{{body}}";
        assert_eq!(
            fill(t, &[("title", "{{body}}"), ("body", "B")]),
            "<title>{{body}}</title>B"
        );
    }

    #[test]
    fn encodes_urls() {
        assert_eq!(url_encode("免费 a&b"), "%E5%85%8D%E8%B4%B9%20a%26b");
        assert_eq!(query_string(&[("q", "x y"), ("lang", "")]), "?q=x%20y");
    }

    #[test]
    fn marks_and_escapes() {
        assert_eq!(
            mark_ranges("a<b>免费仓储", &[(4, 16)]),
            "a&lt;b&gt;<mark>免费仓储</mark>"
        );
    }
}
